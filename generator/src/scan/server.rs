//! `scan --server URL [--token T]`: Trivy's client mode, where a shared `trivy server` holds the
//! vulnerability DB and every CI job asks it instead of downloading the DB itself.
//!
//! The URL and token are checked when the command line is read (clap value parsers), so a typo
//! fails before anything is built. The token goes to trivy as `TRIVY_TOKEN` in its environment,
//! not as an argument, so it never shows in a process listing.

/// The environment variable the token is handed to trivy in.
pub const TOKEN_VAR: &str = "TRIVY_TOKEN";

/// `--server`: an `http(s)://host[:port][/path]` URL, as `trivy server --listen` serves it.
pub fn parse_url(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .ok_or("write the trivy server's URL as http://HOST:PORT or https://HOST:PORT")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err("the URL names no host; write it as http://HOST:PORT".into());
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the URL holds a space or control character".into());
    }
    Ok(s.trim_end_matches('/').to_string())
}

/// `--token`: any printable text without spaces (it goes into an HTTP header).
pub fn parse_token(s: &str) -> Result<String, String> {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a token is printable text without spaces or line breaks".into());
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_and_tokens() {
        assert_eq!(
            parse_url("http://127.0.0.1:4954/").unwrap(),
            "http://127.0.0.1:4954"
        );
        assert_eq!(
            parse_url("https://trivy.internal/x").unwrap(),
            "https://trivy.internal/x"
        );
        for bad in [
            "127.0.0.1:4954",
            "ftp://h",
            "http://",
            "http://h\n:1",
            "http://h x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad:?}");
        }
        assert!(parse_token("s3cr3t-T0ken").is_ok());
        for bad in ["", "a b", "a\nb", "a\u{7f}"] {
            assert!(parse_token(bad).is_err(), "{bad:?}");
        }
    }
}
