//! A small S3 client for `publish` and `site --from`: SigV4-signed `PUT`, `GET` and `LIST` over
//! blocking HTTP, with credentials, region and endpoint found the way the AWS SDKs find them.
//!
//! The full AWS SDK would triple the build time for a handful of request kinds. One idea per
//! file:
//! - [`url`]: `s3://bucket/prefix`, checked before anything is sent;
//! - [`credentials`]: the credential chain (keys, profiles, web identity, container, IMDSv2),
//!   region, endpoint, `AWS_CA_BUNDLE`, and renewal before expiry;
//! - [`sign`]: SigV4, checked against AWS's published examples;
//! - [`client`]: the requests, their retries and conditional writes;
//! - [`layout`]: where each thing goes under the prefix (the findings table, reports, records);
//! - [`site_index`]: the dashboard's index, rebuilt from records with conditional writes;
//! - [`site_from`]: the scans a bucket lists, downloaded for `site --from`;
//! - [`timeouts`]: how long each attempt and the whole run may take;
//! - `agent`: the HTTP agents (bounded waits, trust roots); `xml`: reading S3's answers;
//!   `error`: what went wrong, with the fix.

mod agent;
pub mod client;
pub mod credentials;
mod error;
pub mod layout;
pub mod sign;
pub mod site_from;
pub mod site_index;
pub mod timeouts;
mod url;
mod xml;

pub use client::{Client, Condition, Object};
pub use credentials::{settings, Credentials, Env, Settings, Source};
pub use error::S3Error;
pub use timeouts::Timeouts;
pub use url::{check_segment, S3Url};

/// The Content-Type a browser or Athena expects for a report or site file.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "json" => "application/json",
        "ndjson" => "application/x-ndjson",
        "gz" => "application/gzip",
        "parquet" => "application/vnd.apache.parquet",
        "sarif" => "application/sarif+json",
        "md" => "text/markdown; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("findings.ndjson"), "application/x-ndjson");
        assert_eq!(content_type("report.sarif"), "application/sarif+json");
        assert_eq!(content_type("report.json"), "application/json");
        assert_eq!(content_type("summary.md"), "text/markdown; charset=utf-8");
        assert_eq!(content_type("viewer_bg.wasm"), "application/wasm");
        assert_eq!(content_type("x.JS"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
        assert_eq!(content_type("a.ndjson.gz"), "application/gzip");
    }
}
