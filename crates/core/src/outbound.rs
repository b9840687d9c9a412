//! Whether a manager may dial a number, and what it becomes: the rules of outbound calls
//! (`docs/product.md#outbound` and `#international-dialing`), decided before anything rings so
//! every refusal carries its exact reason.
//!
//! - Korean national forms (010-…, 02-…, 031-…, 070-…, 1588-…) become E.164 `+82…`; `+`
//!   starts an international number.
//! - International calls go only to countries in the rate table (data the admins edit;
//!   seeded from `assets/international-rates.csv`), and only from a caller-ID on the network
//!   that carries them: middle digits 7666, 7174, 4769 or 4768.
//! - Only managers with an operator seat and the outbound permission dial, and only from one
//!   of their channel's numbers.

/// One country international calls may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryRate {
    /// Country calling code, digits without `+` ("81").
    pub code: String,
    /// Price per call in CU (1 CU = 1 KRW, VAT excluded).
    pub price_cu: u32,
    /// Display name ("Japan").
    pub name: String,
}

/// Why a rate table could not be read: its line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rate table line {line}: {problem}")]
pub struct RateTableError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

/// Reads a rate table: `code,price,name` lines; `#` comments and blank lines are skipped.
/// A bad line is an error naming it, never silently dropped (a missing country would refuse
/// calls that should go, a wrong price would bill wrongly).
pub fn parse_rates(text: &str) -> Result<Vec<CountryRate>, RateTableError> {
    let mut rates: Vec<CountryRate> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |problem: String| RateTableError {
            line: i + 1,
            problem,
        };
        let mut fields = line.splitn(3, ',').map(str::trim);
        let (Some(code), Some(price), Some(name)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(bad(format!("expected code,price,name in {line:?}")));
        };
        if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(format!("country code {code:?} is not 1-3 digits")));
        }
        let price_cu = price
            .parse()
            .map_err(|_| bad(format!("price {price:?} is not a whole number of CU")))?;
        if name.is_empty() {
            return Err(bad("the country has no name".into()));
        }
        if let Some(twin) = rates.iter().find(|r| r.code == code && r.name == name) {
            return Err(bad(format!("+{code} {} is listed twice", twin.name)));
        }
        rates.push(CountryRate {
            code: code.to_string(),
            price_cu,
            name: name.to_string(),
        });
    }
    Ok(rates)
}

/// What the manager and channel bring to a dial.
#[derive(Debug, Clone, Copy)]
pub struct Dialer<'a> {
    /// The manager holds an operator seat.
    pub operator_seat: bool,
    /// The manager may place calls.
    pub outbound_permission: bool,
    /// The channel's numbers, E.164: the caller-IDs that may be shown.
    pub channel_numbers: &'a [String],
    /// Where international calls may go.
    pub rates: &'a [CountryRate],
}

/// A dial that may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundPlan {
    /// The destination, E.164.
    pub to: String,
    /// The caller-ID shown to it, E.164.
    pub caller_id: String,
    /// For an international call, where to and what it costs (shown before dialing).
    pub international: Option<CountryRate>,
}

/// Why a dial is refused. Each is something the manager can read and act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialRefusal {
    /// Taking or placing calls needs an operator seat.
    #[error("placing calls needs an operator seat")]
    NoOperatorSeat,
    /// The manager lacks the outbound-call permission.
    #[error("you don't have the permission to place calls")]
    NoOutboundPermission,
    /// The caller-ID is not one of the channel's numbers.
    #[error("{0} is not one of this channel's numbers")]
    CallerIdNotOurs(String),
    /// Not something that can be dialled.
    #[error("{0:?} is not a phone number that can be dialled")]
    NotANumber(String),
    /// An international destination outside the rate table.
    #[error("international calls to {0} are not supported: only the countries in the rate table")]
    UnsupportedCountry(String),
    /// International calls only leave from numbers on the network that carries them.
    #[error(
        "international calls can only be placed from a number whose middle digits are 7666, 7174, 4769 or 4768; {0} is not one"
    )]
    CallerIdNotInternational(String),
}

impl DialRefusal {
    /// The wire code (`dialRefused.code`).
    pub fn code(&self) -> &'static str {
        match self {
            DialRefusal::NoOperatorSeat => "noOperatorSeat",
            DialRefusal::NoOutboundPermission => "noOutboundPermission",
            DialRefusal::CallerIdNotOurs(_) => "callerIdNotOurs",
            DialRefusal::NotANumber(_) => "notANumber",
            DialRefusal::UnsupportedCountry(_) => "unsupportedCountry",
            DialRefusal::CallerIdNotInternational(_) => "callerIdNotInternational",
        }
    }
}

/// Whether international calls may leave from `caller_id` (E.164): a Korean number on the
/// network that carries them. The caller-ID picker marks such numbers.
pub fn international_caller_id(caller_id: &str) -> bool {
    korean_middle_digits(caller_id).is_some_and(|m| INTERNATIONAL_NETWORK.contains(&m))
}

/// Middle digits of the caller-IDs international calls may leave from (the SKB network).
const INTERNATIONAL_NETWORK: [&str; 4] = ["7666", "7174", "4769", "4768"];

/// Korea's country calling code: national forms are Korean (our first customers are).
const KOREA: &str = "82";

/// Turns what a manager typed or pasted into E.164: `+` and digits. Separators (`-`, spaces,
/// dots, brackets) are dropped. Korean national numbers start with `0`; representative
/// numbers (15xx-, 16xx-, 18xx-xxxx) have none; `+` starts an international number.
/// Anything else (letters, a bare short code such as 112) is not dialable here.
pub fn dialable_e164(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (plus, rest) = match raw.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, raw),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | ' ' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    if plus {
        // E.164 allows 15 digits; the shortest real numbers have 7.
        return (7..=15)
            .contains(&digits.len())
            .then(|| format!("+{digits}"));
    }
    let national = if digits.starts_with('0') {
        korean_national_is_valid(&digits).then(|| digits[1..].to_string())?
    } else if digits.len() == 8 && ["15", "16", "18"].iter().any(|p| digits.starts_with(p)) {
        digits
    } else {
        return None;
    };
    Some(format!("+{KOREA}{national}"))
}

/// Whether a Korean number with its leading `0` has a real prefix and a length that fits it:
/// mobile 010 (10–11 digits), Seoul 02 (9–10), area codes 031–064 (10–11), 070 internet
/// phones and 050x personal numbers (11–12), 080 free phone (10–11).
fn korean_national_is_valid(digits: &str) -> bool {
    let len = digits.len();
    let area = |code: &str| digits.starts_with(code);
    if area("02") {
        return (9..=10).contains(&len);
    }
    if area("010") || area("080") {
        return (10..=11).contains(&len);
    }
    if area("070") || area("050") {
        return (11..=12).contains(&len);
    }
    let regional = [
        "031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061",
        "062", "063", "064",
    ];
    regional.iter().any(|c| area(c)) && (10..=11).contains(&len)
}

/// The middle part of a Korean E.164 number: the four digits after the area code
/// (`+82-70-7666-0100` → 7666). `None` for foreign or representative numbers.
fn korean_middle_digits(e164: &str) -> Option<&str> {
    let national = e164.strip_prefix("+82")?;
    let area_len = if national.starts_with('2') { 1 } else { 2 };
    let rest = national.get(area_len..)?;
    (rest.len() == 8).then(|| &rest[..4])
}

/// The rate for an international E.164 number: the table's longest code that starts it
/// (calling codes are prefix-free, so at most one real match; +1 covers the USA and Canada).
fn rate_for<'r>(e164: &str, rates: &'r [CountryRate]) -> Option<&'r CountryRate> {
    let digits = e164.strip_prefix('+')?;
    rates
        .iter()
        .filter(|r| digits.starts_with(r.code.as_str()))
        .max_by_key(|r| r.code.len())
}

/// Decides a dial of `raw` from `caller_id` (one of the channel's numbers, in any form).
pub fn plan_outbound(
    dialer: Dialer<'_>,
    raw: &str,
    caller_id: &str,
) -> Result<OutboundPlan, DialRefusal> {
    if !dialer.operator_seat {
        return Err(DialRefusal::NoOperatorSeat);
    }
    if !dialer.outbound_permission {
        return Err(DialRefusal::NoOutboundPermission);
    }
    let from = crate::number::normalize(caller_id, KOREA)
        .filter(|n| dialer.channel_numbers.contains(n))
        .ok_or_else(|| DialRefusal::CallerIdNotOurs(caller_id.to_string()))?;
    let to = dialable_e164(raw).ok_or_else(|| DialRefusal::NotANumber(raw.to_string()))?;
    let international = if to.starts_with("+82") {
        None
    } else {
        let rate = rate_for(&to, dialer.rates)
            .ok_or_else(|| DialRefusal::UnsupportedCountry(to.clone()))?;
        if !international_caller_id(&from) {
            return Err(DialRefusal::CallerIdNotInternational(from));
        }
        Some(rate.clone())
    };
    Ok(OutboundPlan {
        to,
        caller_id: from,
        international,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../assets/international-rates.csv");

    fn rates() -> Vec<CountryRate> {
        parse_rates(SEED).expect("the seed table reads")
    }

    fn dialer<'a>(numbers: &'a [String], rates: &'a [CountryRate]) -> Dialer<'a> {
        Dialer {
            operator_seat: true,
            outbound_permission: true,
            channel_numbers: numbers,
            rates,
        }
    }

    #[test]
    fn korean_national_forms_become_e164() {
        for (raw, want) in [
            ("010-1234-5678", "+821012345678"),
            ("02-555-0100", "+8225550100"),
            ("02-3456-7890", "+82234567890"),
            ("031-123-4567", "+82311234567"),
            ("(064) 7123-4567", "+826471234567"),
            ("070-7666-0100", "+827076660100"),
            ("1588-1234", "+8215881234"),
            ("1644 0000", "+8216440000"),
            ("080-123-4567", "+82801234567"),
            ("+81 3-1234-5678", "+81312345678"),
        ] {
            assert_eq!(dialable_e164(raw).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for raw in [
            "",
            "112",
            "alice",
            "010-123",
            "099-123-4567",
            "02-12",
            "15881234567",
            "+12",
            "1234",
        ] {
            assert_eq!(dialable_e164(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn the_seed_table_is_the_product_table() {
        let rates = rates();
        assert_eq!(rates.len(), 20);
        let price = |code: &str| rates.iter().find(|r| r.code == code).map(|r| r.price_cu);
        assert_eq!(price("81"), Some(200), "Japan");
        assert_eq!(price("1"), Some(72), "USA / Canada");
        assert_eq!(price("852"), Some(72), "Hong Kong");
        assert_eq!(price("44"), None, "the UK is not in the table");
    }

    #[test]
    fn a_bad_rate_line_is_named() {
        let err = parse_rates("# header\n81,200,Japan\n44,lots,UK\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.problem.contains("lots"), "{err}");
        assert_eq!(parse_rates("+81,200,Japan").unwrap_err().line, 1);
        assert_eq!(parse_rates("81,200").unwrap_err().line, 1);
        assert_eq!(
            parse_rates("81,200,Japan\n81,200,Japan").unwrap_err().line,
            2
        );
    }

    #[test]
    fn domestic_and_international_plans() {
        let rates = rates();
        let numbers = vec!["+827076660100".to_string(), "+8215881234".to_string()];
        let d = dialer(&numbers, &rates);
        let plan = plan_outbound(d, "010-9876-5432", "070-7666-0100").unwrap();
        assert_eq!(plan.to, "+821098765432");
        assert_eq!(plan.caller_id, "+827076660100");
        assert_eq!(plan.international, None);
        let plan = plan_outbound(d, "+81 3-1234-5678", "+827076660100").unwrap();
        let japan = plan.international.expect("international");
        assert_eq!((japan.name.as_str(), japan.price_cu), ("Japan", 200));
        let plan = plan_outbound(d, "+1 212 555 0100", "+827076660100").unwrap();
        assert_eq!(plan.international.map(|r| r.price_cu), Some(72));
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let rates = rates();
        let numbers = vec!["+827076660100".to_string(), "+82212345678".to_string()];
        let d = dialer(&numbers, &rates);
        let refused = |d: Dialer<'_>, to: &str, from: &str| plan_outbound(d, to, from).unwrap_err();
        assert_eq!(
            refused(
                Dialer {
                    operator_seat: false,
                    ..d
                },
                "010-1234-5678",
                "+827076660100"
            ),
            DialRefusal::NoOperatorSeat
        );
        assert_eq!(
            refused(
                Dialer {
                    outbound_permission: false,
                    ..d
                },
                "010-1234-5678",
                "+827076660100"
            ),
            DialRefusal::NoOutboundPermission
        );
        assert_eq!(
            refused(d, "010-1234-5678", "070-1111-2222"),
            DialRefusal::CallerIdNotOurs("070-1111-2222".into())
        );
        assert_eq!(
            refused(d, "112", "+827076660100"),
            DialRefusal::NotANumber("112".into())
        );
        assert_eq!(
            refused(d, "+44 20 7946 0000", "+827076660100"),
            DialRefusal::UnsupportedCountry("+442079460000".into())
        );
        // 02-1234-5678: middle digits 1234, not on the international network.
        let err = refused(d, "+81 3-1234-5678", "02-1234-5678");
        assert_eq!(
            err,
            DialRefusal::CallerIdNotInternational("+82212345678".into())
        );
        assert!(
            err.to_string().contains("7666, 7174, 4769 or 4768"),
            "{err}"
        );
    }

    #[test]
    fn middle_digits_of_korean_numbers() {
        assert_eq!(korean_middle_digits("+827076660100"), Some("7666"));
        assert_eq!(korean_middle_digits("+82247690100"), Some("4769"));
        assert_eq!(korean_middle_digits("+823171740100"), Some("7174"));
        assert_eq!(
            korean_middle_digits("+8215881234"),
            None,
            "representative number"
        );
        assert_eq!(korean_middle_digits("+81312345678"), None, "not Korean");
    }
}
