//! Dates and times as the ignore files and the reports write them, as seconds since the Unix
//! epoch (UTC). The model does no I/O: "now" is always passed in.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `YYYY-MM-DD` exactly (Go's layout `2006-01-02`, which plain `.trivyignore` files use): the
/// start of that day, UTC. `None` for anything else, including impossible dates.
pub fn parse_day(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let month = Month::try_from(digits(5..7)? as u8).ok()?;
    let date = Date::from_calendar_date(digits(0..4)? as i32, month, digits(8..10)? as u8).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

/// A `.trivyignore.yaml` `expired_at`, in the forms YAML resolves to a timestamp for Trivy:
/// `2023-09-01` (months and days may have one digit), `2023-09-01T10:00:00Z` with any offset,
/// `2023-09-01 10:00:00` (UTC), or RFC 3339.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let (day, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut parts = day.splitn(3, '-');
    let y = number(parts.next()?, 4, 4)?;
    let m = number(parts.next()?, 1, 2)?;
    let d = number(parts.next()?, 1, 2)?;
    let date = Date::from_calendar_date(y as i32, Month::try_from(m as u8).ok()?, d as u8).ok()?;
    let Some(rest) = rest else {
        return Some(date.midnight().assume_utc().unix_timestamp());
    };
    // `15:4:5`, optionally `.999999999`, then optionally `Z` or `±hh:mm`.
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let (clock, frac) = clock
        .trim_end()
        .split_once('.')
        .unwrap_or((clock.trim_end(), ""));
    if frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut hms = clock.splitn(3, ':');
    let h = number(hms.next()?, 1, 2)?;
    let mi = number(hms.next()?, 1, 2)?;
    let sec = number(hms.next()?, 1, 2)?;
    let time = Time::from_hms(h as u8, mi as u8, sec as u8).ok()?;
    let offset = match zone {
        "" | "Z" | "z" => UtcOffset::UTC,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z[1..].split_once(':')?;
            let (oh, om) = (number(oh, 1, 2)? as i8, number(om, 2, 2)? as i8);
            UtcOffset::from_hms(sign * oh, sign * om, 0).ok()?
        }
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .unix_timestamp(),
    )
}

fn number(s: &str, min: usize, max: usize) -> Option<u32> {
    (s.len() >= min && s.len() <= max && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` of a time, UTC.
pub fn format_day(secs: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), t.month() as u8, t.day()),
        Err(_) => "invalid date".to_string(),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a time, UTC.
pub fn format_rfc3339(secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "invalid time".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2026-11-30"), Some(1_795_996_800));
        assert_eq!(
            parse_day("2024-02-29").map(format_day).as_deref(),
            Some("2024-02-29")
        );
        for bad in [
            "2023-02-29",
            "9999-99-99",
            "2026-1-30",
            "2026-11-30x",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn yaml_timestamps() {
        let day = parse_day("2026-11-30").unwrap();
        assert_eq!(parse_timestamp("2026-11-30"), Some(day));
        assert_eq!(parse_timestamp("2026-11-3"), parse_day("2026-11-03"));
        assert_eq!(parse_timestamp("2026-11-30T12:00:00Z"), Some(day + 43_200));
        assert_eq!(
            parse_timestamp("2026-11-30t1:2:3.5+01:00"),
            Some(day + 3723 - 3600)
        );
        assert_eq!(parse_timestamp("2026-11-30 12:00:00"), Some(day + 43_200));
        assert_eq!(
            parse_timestamp("2026-11-30T12:00:00-02:30"),
            Some(day + 43_200 + 9_000)
        );
        for bad in ["2026-13-01", "tomorrow", "2026-11-30T25:00:00Z", "26-11-30"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert_eq!(format_rfc3339(day), "2026-11-30T00:00:00Z");
    }
}
