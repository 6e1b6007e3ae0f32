//! The S3 requests scanlens makes — `PutObject` (plain or conditional), `GetObject` and
//! `ListObjectsV2` — signed, retried when the failure is transient, and bounded by
//! [`Timeouts`]: per attempt, and in total from the moment the client is made.

use super::credentials::{Provider, Settings};
use super::error::{is_transient, S3Error};
use super::sign::{amz_date, hex, sign, uri_encode};
use super::timeouts::{self, Timeouts};
use super::xml;
use sha2::{Digest, Sha256};
use std::time::{Instant, SystemTime};

/// How a write depends on what is there: S3's conditional writes (2024), which let concurrent
/// publishers rebuild one object without losing each other's work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// Only if the key does not exist (`If-None-Match: *`).
    Absent,
    /// Only if the object still has this ETag (`If-Match`).
    Unchanged(String),
}

/// An object read back, with the ETag a conditional write names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub body: Vec<u8>,
    pub etag: String,
}

/// The most one page of a listing may hold: 1,000 keys of at most 1,024 bytes, escaped.
const LISTING_PAGE_LIMIT: u64 = 16 << 20;
/// The most an error body is read.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

pub struct Client {
    settings: Settings,
    provider: Provider,
    timeouts: Timeouts,
    agent: ureq::Agent,
    /// When `timeouts.total` runs out: the clock starts when the client is made.
    deadline: Instant,
}

/// One request: what to send and what may come back.
struct Request<'a> {
    method: &'a str,
    bucket: &'a str,
    key: &'a str,
    /// Sorted by name, values not yet encoded.
    query: Vec<(&'a str, String)>,
    headers: Vec<(String, String)>,
    body: &'a [u8],
    /// The most of the answer's body that is read.
    answer_limit: u64,
}

/// An answer: status, ETag and body.
struct Answer {
    status: u16,
    etag: Option<String>,
    region: Option<String>,
    body: Vec<u8>,
}

impl Client {
    pub fn new(settings: Settings, timeouts: Timeouts) -> Client {
        let agent = super::agent::agent(
            super::agent::Limits {
                connect: timeouts.connect,
                // A stalled transfer of a large file is caught here long before its attempt
                // limit.
                stall: timeouts.request,
                global: None,
            },
            settings.roots.as_ref(),
        );
        Client {
            provider: Provider::new(&settings),
            settings,
            timeouts,
            agent,
            deadline: Instant::now() + timeouts.total,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The host and the path before the key: path-style for custom endpoints (S3-compatible
    /// servers rarely have wildcard DNS), virtual-hosted for AWS unless the bucket name has dots
    /// (which would break the TLS wildcard certificate). An empty key addresses the bucket.
    fn target(&self, bucket: &str, key: &str) -> (String, String, String) {
        let encoded_key = uri_encode(key, false);
        let path_style = |scheme: &str, host: &str| {
            let path = if key.is_empty() {
                format!("/{bucket}")
            } else {
                format!("/{bucket}/{encoded_key}")
            };
            (format!("{scheme}://{host}{path}"), host.to_string(), path)
        };
        match &self.settings.endpoint {
            Some(e) => {
                let (scheme, host) = e.split_once("://").unwrap_or(("https", e));
                let host = host.split('/').next().unwrap_or(host);
                path_style(scheme, host)
            }
            None => {
                let region = &self.settings.region;
                if bucket.contains('.') {
                    path_style("https", &format!("s3.{region}.amazonaws.com"))
                } else {
                    let host = format!("{bucket}.s3.{region}.amazonaws.com");
                    let path = format!("/{encoded_key}");
                    (format!("https://{host}{path}"), host, path)
                }
            }
        }
    }

    fn endpoint_name(&self) -> String {
        self.settings
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", self.settings.region))
    }

    /// Uploads one object, whatever is there.
    pub fn put(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), S3Error> {
        self.put_if(bucket, key, body, content_type, &Condition::Always)
            .map(|_| ())
    }

    /// Uploads one object if `condition` holds; [`S3Error::PreconditionFailed`] if not. Returns
    /// the new ETag when S3 gives one.
    pub fn put_if(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        content_type: &str,
        condition: &Condition,
    ) -> Result<Option<String>, S3Error> {
        let mut headers = vec![("content-type".to_string(), content_type.to_string())];
        match condition {
            Condition::Always => {}
            Condition::Absent => headers.push(("if-none-match".into(), "*".into())),
            Condition::Unchanged(etag) => headers.push(("if-match".into(), etag.clone())),
        }
        let answer = self.send(&Request {
            method: "PUT",
            bucket,
            key,
            query: Vec::new(),
            headers,
            body,
            answer_limit: ERROR_BODY_LIMIT,
        })?;
        match answer.status {
            200..=299 => Ok(answer.etag),
            // 409 ConditionalRequestConflict: another conditional write to the key is in flight.
            412 | 409 if *condition != Condition::Always => Err(S3Error::PreconditionFailed {
                bucket: bucket.into(),
                key: key.into(),
            }),
            _ => Err(self.error(&answer, bucket, key)),
        }
    }

    /// Reads one object of at most `limit` bytes; `None` if there is none.
    pub fn get(&self, bucket: &str, key: &str, limit: u64) -> Result<Option<Object>, S3Error> {
        let answer = self.send(&Request {
            method: "GET",
            bucket,
            key,
            query: Vec::new(),
            headers: Vec::new(),
            body: &[],
            answer_limit: limit.saturating_add(1),
        })?;
        match answer.status {
            200 => {
                if answer.body.len() as u64 > limit {
                    return Err(S3Error::TooLarge {
                        bucket: bucket.into(),
                        key: key.into(),
                        limit,
                    });
                }
                Ok(Some(Object {
                    etag: answer.etag.unwrap_or_default(),
                    body: answer.body,
                }))
            }
            404 if xml_code(&answer.body).as_deref() != Some("NoSuchBucket") => Ok(None),
            _ => Err(self.error(&answer, bucket, key)),
        }
    }

    /// Every key under `prefix` (which should end with `/`), in S3's order.
    pub fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<String>, S3Error> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("list-type", "2".to_string())];
            if let Some(t) = &token {
                query.insert(0, ("continuation-token", t.clone()));
            }
            query.push(("prefix", prefix.to_string()));
            let answer = self.send(&Request {
                method: "GET",
                bucket,
                key: "",
                query,
                headers: Vec::new(),
                body: &[],
                answer_limit: LISTING_PAGE_LIMIT,
            })?;
            if answer.status != 200 {
                return Err(self.error(&answer, bucket, prefix));
            }
            let bad = |why: &str| S3Error::BadListing {
                endpoint: self.endpoint_name(),
                why: why.to_string(),
            };
            let text = String::from_utf8(answer.body).map_err(|_| bad("not UTF-8"))?;
            if !text.contains("<ListBucketResult") {
                return Err(bad("no ListBucketResult"));
            }
            for contents in xml::elements(&text, "Contents") {
                let key = xml::field(contents, "Key").ok_or_else(|| bad("an entry has no Key"))?;
                // S3 lists only keys under the prefix; anything else is not S3's answer.
                if !key.starts_with(prefix) {
                    return Err(bad("a key outside the prefix"));
                }
                keys.push(key);
            }
            let truncated = xml::field(&text, "IsTruncated").is_some_and(|t| t == "true");
            token = xml::field(&text, "NextContinuationToken").filter(|t| !t.is_empty());
            match (&token, truncated) {
                (Some(_), true) => continue,
                (None, true) => return Err(bad("a truncated page without a continuation token")),
                _ => return Ok(keys),
            }
        }
    }

    /// Sends `req`; transient failures (5xx, dropped connections, timeouts) are tried
    /// [`timeouts::ATTEMPTS`] times in all, never past the total deadline.
    fn send(&self, req: &Request) -> Result<Answer, S3Error> {
        let mut attempt = 1;
        loop {
            let result = self.send_once(req, attempt).and_then(|a| {
                if a.status >= 500 {
                    Err(self.error(&a, req.bucket, req.key))
                } else {
                    Ok(a)
                }
            });
            match result {
                Err(e) if attempt < timeouts::ATTEMPTS && is_transient(&e) => {
                    let pause = timeouts::RETRY_DELAYS[attempt as usize - 1];
                    if Instant::now() + pause >= self.deadline {
                        return Err(self.total_timeout());
                    }
                    std::thread::sleep(pause);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn total_timeout(&self) -> S3Error {
        S3Error::TotalTimeout {
            endpoint: self.endpoint_name(),
            limit: timeouts::human(self.timeouts.total),
        }
    }

    fn send_once(&self, req: &Request, attempt: u32) -> Result<Answer, S3Error> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.total_timeout());
        }
        let expected = if req.method == "PUT" {
            req.body.len()
        } else {
            // A download's size is not known before; a stall is caught per read.
            req.answer_limit.min(64 << 20) as usize
        };
        let limit = self.timeouts.attempt_limit(expected);
        let (url, host, path) = self.target(req.bucket, req.key);
        let query: String = req
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", uri_encode(k, true), uri_encode(v, true)))
            .collect::<Vec<_>>()
            .join("&");
        let url = if query.is_empty() {
            url
        } else {
            format!("{url}?{query}")
        };
        let payload = if req.body.is_empty() {
            EMPTY_SHA256.to_string()
        } else {
            hex(&Sha256::digest(req.body))
        };
        let mut headers = req.headers.clone();
        headers.push(("host".to_string(), host));
        headers.push(("x-amz-content-sha256".to_string(), payload.clone()));
        let credentials = self.provider.get()?;
        let auth = sign(
            &credentials,
            &self.settings.region,
            req.method,
            &path,
            &query,
            &mut headers,
            &payload,
            &amz_date(SystemTime::now()),
        );
        let timeout = Some(limit.min(left));
        let sent = if req.method == "PUT" {
            let mut r = self
                .agent
                .put(&url)
                .config()
                .timeout_global(timeout)
                .build();
            for (k, v) in &headers {
                r = r.header(k, v);
            }
            r.header("authorization", &auth).send(req.body)
        } else {
            let mut r = self
                .agent
                .get(&url)
                .config()
                .timeout_global(timeout)
                .build();
            for (k, v) in &headers {
                r = r.header(k, v);
            }
            r.header("authorization", &auth).call()
        };
        let mut resp = match sent {
            Ok(resp) => resp,
            Err(e) => return Err(self.transport_error(e, attempt)),
        };
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let status = resp.status().as_u16();
        let etag = header("etag");
        let region = header("x-amz-bucket-region");
        let body_limit = if (200..300).contains(&status) {
            req.answer_limit
        } else {
            ERROR_BODY_LIMIT
        };
        let body = match resp
            .body_mut()
            .with_config()
            .limit(body_limit)
            .read_to_vec()
        {
            Ok(b) => b,
            // Past the limit: say so with what was asked, whatever ureq calls it.
            Err(ureq::Error::BodyExceedsLimit(_)) => {
                return Err(S3Error::TooLarge {
                    bucket: req.bucket.into(),
                    key: req.key.into(),
                    limit: req.answer_limit.saturating_sub(1),
                })
            }
            Err(e) => return Err(self.transport_error(e, attempt)),
        };
        Ok(Answer {
            status,
            etag,
            region,
            body,
        })
    }

    fn transport_error(&self, e: ureq::Error, attempt: u32) -> S3Error {
        match e {
            ureq::Error::Timeout(_) if Instant::now() >= self.deadline => self.total_timeout(),
            ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => {
                S3Error::ConnectTimeout {
                    endpoint: self.endpoint_name(),
                    limit: timeouts::human(self.timeouts.connect),
                    attempts: attempt,
                }
            }
            // Said as the user set it (--timeout): the allowance per MB of a large file is
            // documented with the option, and "501ms" for "500ms" would only puzzle.
            ureq::Error::Timeout(_) => S3Error::NoAnswer {
                endpoint: self.endpoint_name(),
                limit: timeouts::human(self.timeouts.request),
                attempts: attempt,
            },
            e if e.to_string().contains("certificate") => S3Error::UntrustedCertificate {
                endpoint: self.endpoint_name(),
                why: e.to_string(),
            },
            e => S3Error::Unreachable {
                endpoint: self.endpoint_name(),
                why: e.to_string(),
            },
        }
    }

    /// The error an unsuccessful answer stands for.
    fn error(&self, answer: &Answer, bucket: &str, key: &str) -> S3Error {
        let body = String::from_utf8_lossy(&answer.body);
        let status = answer.status;
        let code = xml::field(&body, "Code").unwrap_or_else(|| format!("HTTP {status}"));
        let message = xml::field(&body, "Message").unwrap_or_default();
        let region = xml::field(&body, "Region").or_else(|| answer.region.clone());
        match code.as_str() {
            "NoSuchBucket" => S3Error::NoSuchBucket(bucket.into()),
            "InvalidAccessKeyId"
            | "SignatureDoesNotMatch"
            | "ExpiredToken"
            | "InvalidToken"
            | "TokenRefreshRequired" => S3Error::BadCredentials { code },
            "AccessDenied" => S3Error::AccessDenied {
                bucket: bucket.into(),
                key: key.into(),
            },
            "PermanentRedirect"
            | "AuthorizationHeaderMalformed"
            | "IllegalLocationConstraintException"
                if region.is_some() =>
            {
                S3Error::WrongRegion {
                    bucket: bucket.into(),
                    region: region.unwrap_or_default(),
                }
            }
            _ if status == 404 && body.is_empty() => S3Error::NoSuchBucket(bucket.into()),
            _ => S3Error::Other {
                status,
                code,
                message: message
                    .replace(['\n', '\r'], " ")
                    .chars()
                    .take(300)
                    .collect(),
                bucket: bucket.into(),
                key: key.into(),
            },
        }
    }
}

fn xml_code(body: &[u8]) -> Option<String> {
    xml::field(&String::from_utf8_lossy(body), "Code")
}

#[cfg(test)]
mod tests {
    use super::super::credentials::Credentials;
    use super::*;

    fn example() -> Credentials {
        Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
            expires: None,
        }
    }

    fn settings(region: &str, endpoint: Option<&str>) -> Settings {
        Settings {
            region: region.into(),
            endpoint: endpoint.map(str::to_string),
            credentials: example(),
            source: None,
            roots: None,
        }
    }

    #[test]
    fn addressing() {
        let c = Client::new(settings("eu-west-1", None), Timeouts::default());
        assert_eq!(
            c.target("bucket", "p/a b.json").0,
            "https://bucket.s3.eu-west-1.amazonaws.com/p/a%20b.json"
        );
        assert_eq!(
            c.target("my.bucket", "k").0,
            "https://s3.eu-west-1.amazonaws.com/my.bucket/k"
        );
        assert_eq!(
            c.target("bucket", "").0,
            "https://bucket.s3.eu-west-1.amazonaws.com/"
        );
        let c = Client::new(
            settings("us-east-1", Some("http://127.0.0.1:5000")),
            Timeouts::default(),
        );
        let (url, host, path) = c.target("bucket", "p/k");
        assert_eq!(url, "http://127.0.0.1:5000/bucket/p/k");
        assert_eq!(host, "127.0.0.1:5000");
        assert_eq!(path, "/bucket/p/k");
        assert_eq!(c.target("bucket", "").2, "/bucket");
    }

    #[test]
    fn error_bodies_map_to_fixes() {
        assert!(is_transient(&S3Error::Other {
            status: 503,
            code: "SlowDown".into(),
            message: String::new(),
            bucket: "b".into(),
            key: "k".into()
        }));
        assert!(!is_transient(&S3Error::NoSuchBucket("b".into())));
        let c = Client::new(settings("us-east-1", None), Timeouts::default());
        let answer = |status, body: &str| Answer {
            status,
            etag: None,
            region: None,
            body: body.as_bytes().to_vec(),
        };
        let e = c.error(
            &answer(403, "<Error><Code>AccessDenied</Code></Error>"),
            "b",
            "k",
        );
        assert!(matches!(e, S3Error::AccessDenied { .. }), "{e}");
        let e = c.error(
            &answer(400, "<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>"),
            "b",
            "k",
        );
        assert!(e.to_string().contains("AWS_REGION=eu-west-1"), "{e}");
    }
}
