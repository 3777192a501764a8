//! Each format's pattern (`Format::pattern`, which the JSON Schemas carry) written as code: a
//! regular-expression match cost more than all the rest of validating a payload. A test holds
//! each matcher to its pattern.

use super::Format;

/// Whether `value` matches the pattern of `format` (any value, where it has none). IP addresses
/// go to the standard library's parser, which the pattern agrees with.
pub(super) fn matches_pattern(format: Format, value: &str) -> bool {
    let b = value.as_bytes();
    match format {
        Format::Currency => run(b, 3, 3, upper),
        Format::Country => run(b, 2, 2, upper),
        Format::Subdivision => run(b, 1, 3, |c| upper(c) || digit(c)),
        Format::Language => run(b, 2, 2, |c| c.is_ascii_alphabetic()),
        Format::Email => email(value),
        Format::Ip => value.parse::<std::net::IpAddr>().is_ok(),
        Format::Url => url(value),
        Format::Phone => run(b, 4, 15, digit),
        Format::Pan => {
            b.len() == 10
                && run(&b[..5], 5, 5, upper)
                && run(&b[5..9], 4, 4, digit)
                && (upper(b[9]) || digit(b[9]))
        }
        Format::Cpf => run(b, 11, 11, digit),
        Format::DateDmy => {
            b.len() == 10
                && day(b[0], b[1])
                && b[2] == b'-'
                && month(b[3], b[4])
                && b[5] == b'-'
                && run(&b[6..], 4, 4, digit)
        }
        Format::TimeHms => b.len() == 8 && time(b),
        Format::Datetime => datetime(b),
        Format::YnFlag => matches!(b, [b'Y' | b'N']),
        Format::Indicator => matches!(b, [b'0' | b'1']),
        Format::FourIndicators => run(b, 4, 4, |c| c == b'0' || c == b'1'),
        Format::AmountMinor => run(b, 1, usize::MAX, digit),
        Format::JsonString => true,
    }
}

fn upper(c: u8) -> bool {
    c.is_ascii_uppercase()
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// `[class]{min,max}` over the whole of `b`.
fn run(b: &[u8], min: usize, max: usize, class: impl Fn(u8) -> bool) -> bool {
    (min..=max).contains(&b.len()) && b.iter().all(|&c| class(c))
}

/// `0[1-9]|[12][0-9]|3[01]`
fn day(a: u8, b: u8) -> bool {
    match a {
        b'0' => matches!(b, b'1'..=b'9'),
        b'1' | b'2' => digit(b),
        b'3' => matches!(b, b'0' | b'1'),
        _ => false,
    }
}

/// `0[1-9]|1[0-2]`
fn month(a: u8, b: u8) -> bool {
    match a {
        b'0' => matches!(b, b'1'..=b'9'),
        b'1' => matches!(b, b'0'..=b'2'),
        _ => false,
    }
}

/// `([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]` at the start of `b` (at least 8 bytes).
fn time(b: &[u8]) -> bool {
    let hour = match b[0] {
        b'0' | b'1' => digit(b[1]),
        b'2' => matches!(b[1], b'0'..=b'3'),
        _ => false,
    };
    let sixty = |a: u8, b: u8| matches!(a, b'0'..=b'5') && digit(b);
    hour && b[2] == b':' && sixty(b[3], b[4]) && b[5] == b':' && sixty(b[6], b[7])
}

/// `[^@ ]+@[^@ ]+[.][^@ ]+`: one `@`, no space, and a dot inside the domain.
fn email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let d = domain.as_bytes();
    // A dot never occurs inside a multi-byte character, so bytes suffice.
    !local.is_empty()
        && !value.contains(' ')
        && !domain.contains('@')
        && d.len() >= 3
        && d[1..d.len() - 1].contains(&b'.')
}

/// `https?://[^ ]+`
fn url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.contains(' '))
}

/// `[0-9]{4}-month-day[T ]time([.][0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?`
fn datetime(b: &[u8]) -> bool {
    if b.len() < 19
        || !run(&b[..4], 4, 4, digit)
        || b[4] != b'-'
        || !month(b[5], b[6])
        || b[7] != b'-'
        || !day(b[8], b[9])
        || !matches!(b[10], b'T' | b' ')
        || !time(&b[11..19])
    {
        return false;
    }
    let mut rest = &b[19..];
    if let [b'.', fraction @ ..] = rest {
        let digits = fraction.iter().take_while(|&&c| digit(c)).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
            [h1, h2, m1, m2].iter().all(|&&c| digit(c))
        }
        _ => false,
    }
}
