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

/// A `.trivyignore.yaml` `expired_at` exactly as Trivy 0.76 reads it: gopkg.in/yaml.v3 decodes
/// it into a Go `time.Time`, and Trivy stops on anything else (checked against the binary with
/// `trivy convert --ignorefile`, in `generator/src/ignorefile.rs`'s tests). Unquoted (`plain`),
/// YAML resolves it to a timestamp in one of four layouts: `2023-9-1`, `2023-9-1T1:2:3.5Z` (or a
/// lower-case `t`; `Z` or a `±hh:mm` offset), `2023-9-1 1:2:3.5` (UTC). Anything else, and any
/// quoted value, must be RFC 3339 as Go parses it: `2023-09-01T00:00:00Z`, `…+02:00`.
pub fn parse_expiry(s: &str, plain: bool) -> Option<i64> {
    if plain {
        if let Some(t) = yaml_timestamp(s) {
            return Some(t);
        }
    }
    go_rfc3339(s)
}

/// yaml.v3's `allowedTimestampFormats` with Go's `time.Parse` rules: one- or two-digit month,
/// day and clock fields, any number of fractional digits after `.` or `,`.
fn yaml_timestamp(s: &str) -> Option<i64> {
    let (day, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((s.as_bytes()[i], &s[i + 1..]))),
        None => (s, None),
    };
    let mut parts = day.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let date = calendar(number(y, 4, 4)?, number(m, 1, 2)?, number(d, 1, 2)?)?;
    let Some((sep, rest)) = rest else {
        return Some(date.midnight().assume_utc().unix_timestamp());
    };
    let mut hms = rest.splitn(3, ':');
    let (h, mi, sec_rest) = (hms.next()?, hms.next()?, hms.next()?);
    let digits = sec_rest.bytes().take_while(u8::is_ascii_digit).count();
    let (sec, rest) = sec_rest.split_at(digits);
    let time = Time::from_hms(
        number(h, 1, 2)? as u8,
        number(mi, 1, 2)? as u8,
        number(sec, 1, 2)? as u8,
    )
    .ok()?;
    let (nanos, rest) = fraction(rest)?;
    let offset = if sep == b' ' {
        // `2006-1-2 15:4:5.999999999` has no zone.
        (rest.is_empty()).then_some(UtcOffset::UTC)?
    } else {
        zone(rest)?
    };
    at(date, time, nanos, offset)
}

/// Go's strict RFC 3339 (`time.Time.UnmarshalText`): two-digit fields, an upper-case `T`, and
/// `Z` or a `±hh:mm` offset.
fn go_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = calendar(
        number(&s[0..4], 4, 4)?,
        number(&s[5..7], 2, 2)?,
        number(&s[8..10], 2, 2)?,
    )?;
    let time = Time::from_hms(
        number(&s[11..13], 2, 2)? as u8,
        number(&s[14..16], 2, 2)? as u8,
        number(&s[17..19], 2, 2)? as u8,
    )
    .ok()?;
    let (nanos, rest) = fraction(&s[19..])?;
    at(date, time, nanos, zone(rest)?)
}

fn calendar(y: u32, m: u32, d: u32) -> Option<Date> {
    Date::from_calendar_date(y as i32, Month::try_from(m as u8).ok()?, d as u8).ok()
}

/// An optional fraction of a second after the seconds (`.5`, `,25`): its nanoseconds and what
/// follows. Digits past the ninth are read and dropped, as Go does; a `.` with no digit is `None`.
fn fraction(rest: &str) -> Option<(u32, &str)> {
    let Some(frac) = rest.strip_prefix(['.', ',']) else {
        return Some((0, rest));
    };
    let n = frac.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    let mut nanos: u32 = 0;
    for i in 0..9 {
        nanos = nanos * 10
            + frac.as_bytes()[..n]
                .get(i)
                .map_or(0, |c| u32::from(c - b'0'));
    }
    Some((nanos, &frac[n..]))
}

/// Go's `Z07:00`: `Z`, or a sign, two-digit hours, `:`, two-digit minutes, and nothing after.
fn zone(s: &str) -> Option<UtcOffset> {
    if s == "Z" {
        return Some(UtcOffset::UTC);
    }
    let b = s.as_bytes();
    if b.len() != 6 || !(b[0] == b'+' || b[0] == b'-') || b[3] != b':' {
        return None;
    }
    let sign = if b[0] == b'-' { -1 } else { 1 };
    let (h, m) = (number(&s[1..3], 2, 2)? as i8, number(&s[4..6], 2, 2)? as i8);
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

fn at(date: Date, time: Time, nanos: u32, offset: UtcOffset) -> Option<i64> {
    let time = time.replace_nanosecond(nanos).ok()?;
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
    fn expiry_reads_what_trivy_reads_and_nothing_else() {
        let day = parse_day("2099-01-01").unwrap();
        // Unquoted: YAML timestamps, then RFC 3339.
        for (s, t) in [
            ("2099-01-01", day),
            ("2099-1-1", day),
            ("2099-01-01T00:00:00Z", day),
            ("2099-01-01T0:0:0Z", day),
            ("2099-01-01t00:00:00Z", day),
            ("2099-01-01T00:00:00.5Z", day),
            ("2099-01-01T00:00:00.123456789123Z", day),
            ("2099-01-01T03:00:00+03:00", day),
            ("2099-01-01 00:00:00", day),
            ("2099-01-01 00:00:00.25", day),
        ] {
            assert_eq!(parse_expiry(s, true), Some(t), "plain {s}");
        }
        // Trivy stops on these, quoted or not.
        for s in [
            "2099-01-01T00:00:00",
            "2099-01-01t00:00:00z",
            "2099-01-01 00:00:00 +03:00",
            "2099-01-01 00:00:00Z",
            "2099-01-01T00:00:00 Z",
            "2099-01-01T00:00:00+3:00",
            "20990101",
            "2099-02-30",
            "tomorrow",
            "",
        ] {
            assert_eq!(parse_expiry(s, true), None, "plain {s}");
            assert_eq!(parse_expiry(s, false), None, "quoted {s}");
        }
        // Quoted: RFC 3339 only.
        assert_eq!(parse_expiry("2099-01-01T00:00:00Z", false), Some(day));
        assert_eq!(parse_expiry("2099-01-01T03:00:00+03:00", false), Some(day));
        for s in [
            "2099-01-01",
            "2099-1-1",
            "2099-01-01 00:00:00",
            "2099-01-01T0:0:0Z",
            "2099-01-01t00:00:00Z",
        ] {
            assert_eq!(parse_expiry(s, false), None, "quoted {s}");
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
