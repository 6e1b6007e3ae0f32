//! How long `publish` waits for S3, so that an endpoint that accepts connections and never
//! answers costs about a minute, not ureq's unlimited wait (or the 300 s per attempt this used
//! to allow, 15 minutes with retries).
//!
//! Each attempt of a request gets `--connect-timeout` to connect and `--timeout` in all (plus
//! time to send the file, see [`Timeouts::attempt_limit`]); every read and write must also make
//! progress within `--timeout`. A request is tried [`ATTEMPTS`] times, and `--total-timeout`
//! bounds the whole publish whatever the number of files.

use std::time::Duration;

/// The defaults, as `publish --help` shows them.
pub const DEFAULT_CONNECT: &str = "10s";
pub const DEFAULT_REQUEST: &str = "20s";
pub const DEFAULT_TOTAL: &str = "30m";

/// Pauses before the second and third attempt: S3's 503 SlowDown asks for backing off.
pub const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(800)];
pub const ATTEMPTS: u32 = RETRY_DELAYS.len() as u32 + 1;

/// Sending a file takes time in proportion to its size, which no fixed limit fits: 1 s per MB
/// (a slow 8 Mbit/s uplink) lets a 200 MB report.json through without making small files wait
/// any longer on a dead endpoint.
const SEND_ALLOWANCE_PER_MB: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// DNS, TCP and TLS of one attempt.
    pub connect: Duration,
    /// One attempt, connecting included; also the longest a read or write may stall.
    pub request: Duration,
    /// The whole publish, from the first request to the last.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        let d = |s| parse(s).expect("defaults parse");
        Timeouts {
            connect: d(DEFAULT_CONNECT),
            request: d(DEFAULT_REQUEST),
            total: d(DEFAULT_TOTAL),
        }
    }
}

impl Timeouts {
    /// The most one attempt to send `body_len` bytes may take.
    pub fn attempt_limit(&self, body_len: usize) -> Duration {
        let mb = body_len as f64 / 1e6;
        self.request + SEND_ALLOWANCE_PER_MB.mul_f64(mb)
    }

    /// The most a request for `body_len` bytes takes before failing: every attempt used up, with
    /// the pauses between them.
    pub fn give_up_after(&self, body_len: usize) -> Duration {
        self.attempt_limit(body_len) * ATTEMPTS + RETRY_DELAYS.iter().sum::<Duration>()
    }
}

/// The longest any of these limits may be: a day is more than any transfer needs, and a clock
/// cannot add centuries to now (`Instant + Duration` overflows, and panics).
const MAX: Duration = Duration::from_secs(24 * 3600);

/// A command-line duration, as trivy and `scan --timeout` write them (`10s`, `1m30s`, `500ms`);
/// zero is refused, since it would fail every request at once, and so is more than a day.
pub fn parse(s: &str) -> Result<Duration, String> {
    match crate::scan::parse_duration(s) {
        Some(d) if d.is_zero() => Err("must be more than zero".into()),
        Some(d) if d > MAX => Err("must be at most 24h".into()),
        Some(d) => Ok(d),
        None => Err("write a duration such as 20s, 2m or 1m30s".into()),
    }
}

/// `20s`, `1.5s`, `30m`: a duration as the user would write it back into the option.
pub fn human(d: Duration) -> String {
    // `is_multiple_of` would need Rust 1.87; the workspace promises 1.85.
    let whole = |ms: u128, unit: u128| ms.checked_rem(unit) == Some(0);
    let ms = d.as_millis();
    if ms >= 60_000 && whole(ms, 60_000) {
        format!("{}m", ms / 60_000)
    } else if whole(ms, 1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figure: a dead endpoint must cost about a minute with the defaults, retries
    /// included, for the small files a report folder is made of.
    #[test]
    fn defaults_give_up_on_a_dead_endpoint_within_about_a_minute() {
        let t = Timeouts::default();
        assert_eq!(t.connect, Duration::from_secs(10));
        assert_eq!(t.request, Duration::from_secs(20));
        assert_eq!(ATTEMPTS, 3);
        assert!(t.connect <= t.request, "connecting is part of an attempt");
        let small = t.give_up_after(64 * 1024);
        assert!(small <= Duration::from_secs(70), "{small:?}");
        assert!(small >= Duration::from_secs(60), "{small:?}");
        // A big file gets time to be sent, not an unbounded wait.
        assert_eq!(t.attempt_limit(200_000_000), Duration::from_secs(20 + 200));
        assert!(t.total >= t.give_up_after(200_000_000));
    }

    #[test]
    fn durations() {
        assert_eq!(parse("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse("0s").unwrap_err().contains("more than zero"));
        // Now plus centuries overflows the clock.
        assert!(parse("4000000000000000h")
            .unwrap_err()
            .contains("at most 24h"));
        assert_eq!(parse("24h"), Ok(Duration::from_secs(86_400)));
        assert!(parse("20").unwrap_err().contains("such as 20s"));
        assert_eq!(human(Duration::from_secs(20)), "20s");
        assert_eq!(human(Duration::from_secs(1800)), "30m");
        assert_eq!(human(Duration::from_secs(90)), "90s");
        assert_eq!(human(Duration::from_millis(1500)), "1500ms");
    }
}
