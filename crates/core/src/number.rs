//! Phone number normalisation to E.164, so "070-7666-0100", "07076660100" and "+827076660100"
//! all find the same channel number or contact.

/// Normalises a dialled or presented number to E.164 (`+` and digits).
///
/// National numbers (leading `0`) get `default_country_code` (Korea is `82`: our first
/// customers are Korean), `00` is the international prefix. Visual separators are dropped.
/// Returns `None` when no digits remain or something other than a separator appears.
pub fn normalize(raw: &str, default_country_code: &str) -> Option<String> {
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
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    Some(if plus {
        format!("+{digits}")
    } else if let Some(intl) = digits.strip_prefix("00") {
        format!("+{intl}")
    } else if let Some(national) = digits.strip_prefix('0') {
        format!("+{default_country_code}{national}")
    } else {
        // Already in international form without a plus (carriers often send "8270...").
        format!("+{digits}")
    })
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn forms_of_one_number_agree() {
        for raw in [
            "070-7666-0100",
            "07076660100",
            "+827076660100",
            "827076660100",
            "00827076660100",
            " (070) 7666 0100 ",
        ] {
            assert_eq!(
                normalize(raw, "82").as_deref(),
                Some("+827076660100"),
                "{raw}"
            );
        }
    }

    #[test]
    fn rejects_non_numbers() {
        assert_eq!(normalize("alice", "82"), None);
        assert_eq!(normalize("", "82"), None);
        assert_eq!(normalize("+", "82"), None);
        assert_eq!(normalize("1234567890123456", "82"), None);
    }
}
