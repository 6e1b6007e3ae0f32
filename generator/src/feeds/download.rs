//! Downloading a feed for `scanlens feeds fetch`: one GET, bounded in time (connecting, and the
//! whole fetch) and in size, that fails with the URL and what to do about it.
//!
//! `http://` is allowed, for the mirrors air-gapped CI uses, with a warning: anyone on the path
//! could change what the gate decides on. An `https://` URL is never followed to plain http.

use crate::s3::timeouts::human;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("could not connect to {url} within {limit}; check the network and any proxy (HTTPS_PROXY, NO_PROXY), or raise --connect-timeout")]
    Connect { url: String, limit: String },
    #[error("{url} did not finish within {limit}; check the network, or raise --timeout")]
    Timeout { url: String, limit: String },
    #[error("{url} answered HTTP {status}; check {flag}")]
    Status {
        url: String,
        status: u16,
        flag: &'static str,
    },
    #[error("{url} sent more than {max}, which the feed never is; check {flag}")]
    TooLarge {
        url: String,
        max: bytesize::ByteSize,
        flag: &'static str,
    },
    #[error("{url} redirected to plain http, which an https URL never follows; pass the mirror's URL as {flag} if you trust it")]
    Downgraded { url: String, flag: &'static str },
    #[error("cannot download {url}: {why}; check {flag} and the network")]
    Unreachable {
        url: String,
        why: String,
        flag: &'static str,
    },
}

/// The time limits of one fetch: `connect` for each connection, `total` for everything.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect: Duration,
    pub total: Duration,
    deadline: Instant,
}

impl Limits {
    /// Starts the clock.
    pub fn start(connect: Duration, total: Duration) -> Limits {
        Limits {
            connect,
            total,
            deadline: Instant::now() + total,
        }
    }
}

/// The body of `url` (given on the command line as `flag`), at most `max` bytes.
pub fn get(
    url: &str,
    flag: &'static str,
    limits: &Limits,
    max: u64,
) -> Result<Vec<u8>, DownloadError> {
    let left = limits.deadline.saturating_duration_since(Instant::now());
    let timeout = || DownloadError::Timeout {
        url: url.to_string(),
        limit: human(limits.total),
    };
    if left.is_zero() {
        return Err(timeout());
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .https_only(is_https(url))
        .timeout_resolve(Some(limits.connect))
        .timeout_connect(Some(limits.connect))
        .timeout_global(Some(left))
        .user_agent(concat!(
            "scanlens/",
            env!("CARGO_PKG_VERSION"),
            " (+https://github.com/scanlens/scanlens)"
        ))
        .build()
        .into();
    let fail = |e: ureq::Error| match e {
        ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => {
            DownloadError::Connect {
                url: url.to_string(),
                limit: human(limits.connect),
            }
        }
        ureq::Error::Timeout(_) => timeout(),
        ureq::Error::BodyExceedsLimit(_) => DownloadError::TooLarge {
            url: url.to_string(),
            max: bytesize::ByteSize(max),
            flag,
        },
        ureq::Error::RequireHttpsOnly(_) => DownloadError::Downgraded {
            url: url.to_string(),
            flag,
        },
        other => DownloadError::Unreachable {
            url: url.to_string(),
            why: other.to_string(),
            flag,
        },
    };
    let mut resp = agent.get(url).call().map_err(fail)?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(DownloadError::Status {
            url: url.to_string(),
            status,
            flag,
        });
    }
    resp.body_mut()
        .with_config()
        .limit(max)
        .read_to_vec()
        .map_err(fail)
}

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// `--kev-url` and `--epss-url`: an `http(s)` URL with a host and no credentials (they would be
/// printed in every message that names the URL).
pub fn url(s: &str) -> Result<String, String> {
    let scheme = s
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("https" | "http")) {
        return Err(format!("`{s}` is not an https:// (or http://) URL"));
    }
    let uri: ureq::http::Uri = s
        .parse()
        .map_err(|_| format!("`{s}` is not a URL with a host"))?;
    let Some(authority) = uri.authority() else {
        return Err(format!("`{s}` names no host"));
    };
    if authority.as_str().contains('@') {
        return Err(
            "a URL with credentials would be printed in messages; use a mirror that needs none"
                .into(),
        );
    }
    if authority.host().is_empty() {
        return Err(format!("`{s}` names no host"));
    }
    Ok(s.to_string())
}

/// A warning for a plain-http URL that leaves this machine.
pub fn plain_http_warning(url: &str) -> Option<String> {
    if is_https(url) {
        return None;
    }
    let uri: ureq::http::Uri = url.parse().ok()?;
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!("{url} is plain http: anyone on the network path can change the feed, and with it the gate's verdict; use https unless it is a mirror you trust")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        for good in [
            "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
            "http://mirror.internal:8080/epss.csv.gz",
            "HTTPS://EXAMPLE.COM/x",
            "http://127.0.0.1:1/x",
        ] {
            assert_eq!(url(good).as_deref(), Ok(good));
        }
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com/x",
            "example.com/x",
            "https://user:secret@example.com/x",
            "https:///x",
            "",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_is_flagged_unless_loopback() {
        assert!(plain_http_warning("https://example.com/x").is_none());
        assert!(plain_http_warning("http://127.0.0.1:8080/x").is_none());
        assert!(plain_http_warning("http://localhost/x").is_none());
        assert!(plain_http_warning("http://[::1]:80/x").is_none());
        let w = plain_http_warning("http://mirror.internal/x").unwrap();
        assert!(w.contains("http://mirror.internal/x") && w.contains("use https"));
    }
}
