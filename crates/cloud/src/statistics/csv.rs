//! The raw per-call CSV (`docs/statistics.md#csv-export`): UTF-8 with a byte-order mark so
//! Excel reads Korean right, times in the channel's zone, one call per line. Pure: rows in,
//! text out.

use chrono_tz::Tz;
use ringdesk_store::export::ExportRow;

/// The header line's columns.
pub const COLUMNS: [&str; 23] = [
    "callId",
    "direction",
    "startedAt",
    "answeredAt",
    "endedAt",
    "durationS",
    "missedReason",
    "hangupCause",
    "number",
    "customerNumber",
    "customerName",
    "managers",
    "team",
    "queue",
    "queuedAt",
    "holdS",
    "wrapUpClosedAt",
    "workflowPath",
    "classification",
    "sentiment",
    "grade",
    "processing",
    "tags",
];

/// The file's start: the byte-order mark and the header line.
pub fn header() -> String {
    format!("\u{feff}{}\r\n", COLUMNS.join(","))
}

/// One field, quoted when it holds a comma, a quote or a line break. A field a spreadsheet
/// would run as a formula (`=`, `@`, or `+`/`-` not followed by a digit) is led by `'`.
fn field(out: &mut String, value: &str) {
    let mut chars = value.chars();
    let formula = match chars.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    let needs_quotes = value.contains([',', '"', '\n', '\r']) || formula;
    if needs_quotes {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if needs_quotes {
        out.push('"');
    }
}

/// A time in the channel's zone, `YYYY-MM-DD HH:MM:SS`.
fn local(ms: i64, zone: Tz) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// One call's line.
pub fn line(r: &ExportRow, zone: Tz) -> String {
    let time = |ms: Option<i64>| ms.map(|ms| local(ms, zone)).unwrap_or_default();
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let values = [
        r.id.to_string(),
        r.direction.clone(),
        local(r.started_at_ms, zone),
        time(r.answered_at_ms),
        time(r.ended_at_ms),
        r.duration_s.to_string(),
        text(&r.missed_reason),
        text(&r.hangup_cause),
        r.number.clone(),
        r.customer_number.clone(),
        text(&r.customer_name),
        r.managers.join(";"),
        text(&r.team),
        text(&r.queue),
        time(r.queued_at_ms),
        (r.hold_ms / 1000).to_string(),
        time(r.wrap_up_closed_at_ms),
        r.workflow_path.join(">"),
        text(&r.classification),
        text(&r.sentiment),
        text(&r.grade),
        text(&r.processing),
        r.tags.join(";"),
    ];
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(&mut out, v);
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let f = |v: &str| {
            let mut s = String::new();
            field(&mut s, v);
            s
        };
        assert_eq!(f("김민지"), "김민지");
        assert_eq!(f("a,b"), "\"a,b\"");
        assert_eq!(f("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(f("two\nlines"), "\"two\nlines\"");
        assert_eq!(f("+821012345678"), "+821012345678");
        assert_eq!(f("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(f("-cmd"), "\"'-cmd\"");
        assert_eq!(f("@sum"), "\"'@sum\"");
    }

    #[test]
    fn a_line_has_every_column_in_the_channels_time() {
        let r = ExportRow {
            id: 7,
            direction: "inbound".into(),
            started_at_ms: 1_772_409_600_000,
            customer_name: Some("홍, 길동".into()),
            managers: vec!["김민지".into(), "이준호".into()],
            tags: vec!["환불".into()],
            hold_ms: 30_500,
            ..ExportRow::default()
        };
        let l = line(&r, chrono_tz::Asia::Seoul);
        assert!(l.starts_with("7,inbound,2026-03-02 09:00:00,,,0,"), "{l}");
        assert!(l.contains(",\"홍, 길동\",김민지;이준호,"), "{l}");
        assert!(l.ends_with(",환불\r\n"), "{l}");
        assert!(header().starts_with('\u{feff}'));
        assert_eq!(header().trim_end().split(',').count(), COLUMNS.len());
    }
}
