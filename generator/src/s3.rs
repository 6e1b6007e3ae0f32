//! A small S3 client for `scanlens publish`: SigV4-signed `PUT`s over blocking HTTP, with
//! credentials, region and endpoint found the way the AWS SDKs find them.
//!
//! The full AWS SDK would triple the build time for four requests' worth of S3; SigV4 is a page of
//! code and is checked here against AWS's published test vectors.
//!
//! Credential chain, first match wins: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+
//! `AWS_SESSION_TOKEN`); the profile `AWS_PROFILE` (or `default`) in `~/.aws/credentials` then
//! `~/.aws/config` (`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`); container credentials
//! (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` as CodeBuild and ECS set it, or `..._FULL_URI`).
//! The EC2 instance metadata service is deliberately not probed: off EC2 it costs a timeout, and
//! CodeBuild and GitHub's AWS action both provide one of the sources above.

pub mod timeouts;
mod url;

pub use timeouts::Timeouts;
pub use url::{check_segment, S3Url};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Environment lookup, injectable so tests do not depend on the machine's variables.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    #[error("`{0}` is not an S3 URL; write it as s3://bucket/prefix")]
    BadUrl(String),
    #[error("`{bucket}` in {url} is not a valid S3 bucket name: {why}; write the bucket's exact name, as `aws s3 ls` lists it")]
    BadBucket {
        url: String,
        bucket: String,
        why: &'static str,
    },
    #[error("the prefix of {url} {why}; write it as plain segments, like s3://bucket/scans/app")]
    BadPrefix { url: String, why: &'static str },
    #[error("no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE with a profile in ~/.aws/credentials or ~/.aws/config")]
    NoCredentials,
    #[error("profile `{profile}` has no access keys ({why}); run `aws configure export-credentials --profile {profile} --format env` and export what it prints")]
    UnsupportedProfile { profile: String, why: String },
    #[error("profile `{0}` was not found in ~/.aws/credentials or ~/.aws/config; check AWS_PROFILE or run `aws configure --profile {0}`")]
    MissingProfile(String),
    #[error("no AWS region; set AWS_REGION (or AWS_DEFAULT_REGION, or `region` in ~/.aws/config)")]
    NoRegion,
    #[error("container credentials from {url} failed: {why}; check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")]
    ContainerCredentials { url: String, why: String },
    #[error("cannot reach the S3 endpoint {endpoint}: {why}; check the network, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or AWS_REGION")]
    Unreachable { endpoint: String, why: String },
    #[error("could not connect to the S3 endpoint {endpoint} within {limit} ({attempts} attempts); check the network and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or raise --connect-timeout (SCANLENS_S3_CONNECT_TIMEOUT)")]
    ConnectTimeout {
        endpoint: String,
        limit: String,
        attempts: u32,
    },
    #[error("the S3 endpoint {endpoint} did not answer within {limit} ({attempts} attempts); check the network and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, or raise --timeout (SCANLENS_S3_TIMEOUT)")]
    NoAnswer {
        endpoint: String,
        limit: String,
        attempts: u32,
    },
    #[error("publishing to {endpoint} did not finish within {limit}; raise --total-timeout (SCANLENS_S3_TOTAL_TIMEOUT) or publish fewer folders at once")]
    TotalTimeout { endpoint: String, limit: String },
    #[error("bucket `{0}` does not exist; create it (aws s3 mb s3://{0}) or fix the bucket name")]
    NoSuchBucket(String),
    #[error("the credentials were rejected ({code}); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or the profile, and that they have not expired")]
    BadCredentials { code: String },
    #[error("access denied writing s3://{bucket}/{key}; grant s3:PutObject on arn:aws:s3:::{bucket}/* to these credentials")]
    AccessDenied { bucket: String, key: String },
    #[error("bucket `{bucket}` is in region {region}; set AWS_REGION={region}")]
    WrongRegion { bucket: String, region: String },
    #[error("S3 answered {status} {code} for s3://{bucket}/{key}: {message}")]
    Other {
        status: u16,
        code: String,
        message: String,
        bucket: String,
        key: String,
    },
}

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, even in a debug dump.
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Where and as whom to talk to S3.
#[derive(Debug, Clone)]
pub struct Settings {
    pub region: String,
    /// A custom endpoint (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `endpoint_url`), without a
    /// trailing slash; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub credentials: Credentials,
}

fn var(env: Env, name: &str) -> Option<String> {
    env(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

type Ini = HashMap<String, HashMap<String, String>>;

/// The sections of an AWS INI file: `[name]` in credentials, `[profile name]` or `[default]` in
/// config, both stored under the bare profile name.
fn parse_ini(text: &str, config: bool) -> Ini {
    let mut out: Ini = HashMap::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            let name = if config {
                name.strip_prefix("profile ").map(str::trim).unwrap_or(name)
            } else {
                name
            };
            section = Some(name.to_string());
            out.entry(name.to_string()).or_default();
        } else if let (Some(s), Some((k, v))) = (&section, line.split_once('=')) {
            out.entry(s.clone())
                .or_default()
                .insert(k.trim().to_lowercase(), v.trim().to_string());
        }
    }
    out
}

fn read_ini(env: Env, var_name: &str, default_rel: &str, config: bool) -> Ini {
    let path = var(env, var_name)
        .map(PathBuf::from)
        .or_else(|| var(env, "HOME").map(|h| PathBuf::from(h).join(default_rel)));
    path.and_then(|p| std::fs::read_to_string(p).ok())
        .map(|t| parse_ini(&t, config))
        .unwrap_or_default()
}

/// Resolves credentials, region and endpoint as the AWS SDKs do (see the module docs).
pub fn settings(env: Env) -> Result<Settings, S3Error> {
    let profile_explicit = var(env, "AWS_PROFILE");
    let profile = profile_explicit.clone().unwrap_or_else(|| "default".into());
    let creds_file = read_ini(
        env,
        "AWS_SHARED_CREDENTIALS_FILE",
        ".aws/credentials",
        false,
    );
    let config_file = read_ini(env, "AWS_CONFIG_FILE", ".aws/config", true);
    let empty = HashMap::new();
    let in_creds = creds_file.get(&profile);
    let in_config = config_file.get(&profile);
    if profile_explicit.is_some() && in_creds.is_none() && in_config.is_none() {
        return Err(S3Error::MissingProfile(profile));
    }
    // A key in the credentials file wins over the same key in the config file, as in the CLI.
    let setting = |k: &str| {
        in_creds
            .unwrap_or(&empty)
            .get(k)
            .or_else(|| in_config.unwrap_or(&empty).get(k))
            .filter(|v| !v.is_empty())
            .cloned()
    };

    let region = var(env, "AWS_REGION")
        .or_else(|| var(env, "AWS_DEFAULT_REGION"))
        .or_else(|| setting("region"));
    let endpoint = var(env, "AWS_ENDPOINT_URL_S3")
        .or_else(|| var(env, "AWS_ENDPOINT_URL"))
        .or_else(|| setting("endpoint_url"))
        .map(|e| e.trim_end_matches('/').to_string());

    let credentials = if let (Some(id), Some(secret)) = (
        var(env, "AWS_ACCESS_KEY_ID"),
        var(env, "AWS_SECRET_ACCESS_KEY"),
    ) {
        Credentials {
            access_key_id: id,
            secret_access_key: secret,
            session_token: var(env, "AWS_SESSION_TOKEN"),
        }
    } else if let (Some(id), Some(secret)) = (
        setting("aws_access_key_id"),
        setting("aws_secret_access_key"),
    ) {
        Credentials {
            access_key_id: id,
            secret_access_key: secret,
            session_token: setting("aws_session_token"),
        }
    } else if let Some(c) = container_credentials(env)? {
        c
    } else if let Some(why) = [
        "role_arn",
        "sso_session",
        "sso_start_url",
        "credential_process",
    ]
    .iter()
    .find(|k| setting(k).is_some())
    {
        return Err(S3Error::UnsupportedProfile {
            profile,
            why: format!("it uses {why}"),
        });
    } else {
        return Err(S3Error::NoCredentials);
    };
    // S3-compatible servers ignore the region but SigV4 needs one; AWS itself needs the real one.
    let region = match (region, &endpoint) {
        (Some(r), _) => r,
        (None, Some(_)) => "us-east-1".into(),
        (None, None) => return Err(S3Error::NoRegion),
    };
    Ok(Settings {
        region,
        endpoint,
        credentials,
    })
}

/// CodeBuild and ECS serve the task role's temporary keys from a local endpoint.
fn container_credentials(env: Env) -> Result<Option<Credentials>, S3Error> {
    let url = match (
        var(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        var(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ) {
        (Some(rel), _) => format!("http://169.254.170.2{rel}"),
        (None, Some(full)) => full,
        (None, None) => return Ok(None),
    };
    let token = match var(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(f) => std::fs::read_to_string(&f)
            .ok()
            .map(|t| t.trim().to_string()),
        None => var(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    };
    let fail = |why: String| S3Error::ContainerCredentials {
        url: url.clone(),
        why,
    };
    let mut req = agent(Duration::from_secs(5)).get(&url);
    if let Some(t) = &token {
        req = req.header("Authorization", t);
    }
    let mut resp = req.call().map_err(|e| fail(e.to_string()))?;
    if resp.status() != 200 {
        return Err(fail(format!("HTTP {}", resp.status())));
    }
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| fail(e.to_string()))?;
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        access_key_id: String,
        secret_access_key: String,
        #[serde(default)]
        token: Option<String>,
    }
    let a: Answer = serde_json::from_str(&body).map_err(|e| fail(e.to_string()))?;
    Ok(Some(Credentials {
        access_key_id: a.access_key_id,
        secret_access_key: a.secret_access_key,
        session_token: a.token.filter(|t| !t.is_empty()),
    }))
}

fn agent(global: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(global))
        .build()
        .into()
}

/// The Content-Type a browser or Athena expects for a report or site file.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "json" => "application/json",
        "ndjson" => "application/x-ndjson",
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

pub struct Client {
    settings: Settings,
    timeouts: Timeouts,
    agent: ureq::Agent,
    /// When `timeouts.total` runs out: the clock starts when the client is made.
    deadline: Instant,
}

impl Client {
    pub fn new(settings: Settings, timeouts: Timeouts) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_resolve(Some(timeouts.connect))
            .timeout_connect(Some(timeouts.connect))
            // A stalled transfer of a large file is caught here long before its attempt limit.
            .timeout_per_read(Some(timeouts.request))
            .timeout_per_write(Some(timeouts.request))
            .build()
            .into();
        Client {
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
    /// (which would break the TLS wildcard certificate).
    fn target(&self, bucket: &str, key: &str) -> (String, String, String) {
        let encoded_key = uri_encode(key, false);
        match &self.settings.endpoint {
            Some(e) => {
                let (scheme, host) = e.split_once("://").unwrap_or(("https", e));
                let host = host.split('/').next().unwrap_or(host);
                let path = format!("/{bucket}/{encoded_key}");
                (format!("{scheme}://{host}{path}"), host.to_string(), path)
            }
            None => {
                let region = &self.settings.region;
                if bucket.contains('.') {
                    let host = format!("s3.{region}.amazonaws.com");
                    let path = format!("/{bucket}/{encoded_key}");
                    (format!("https://{host}{path}"), host, path)
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

    /// Uploads one object; transient failures (5xx, dropped connections, timeouts) are tried
    /// [`timeouts::ATTEMPTS`] times in all, never past the total deadline.
    pub fn put(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<(), S3Error> {
        let mut attempt = 1;
        loop {
            match self.put_once(bucket, key, body, content_type, attempt) {
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

    fn put_once(
        &self,
        bucket: &str,
        key: &str,
        body: &[u8],
        content_type: &str,
        attempt: u32,
    ) -> Result<(), S3Error> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.total_timeout());
        }
        let limit = self.timeouts.attempt_limit(body.len());
        let (url, host, path) = self.target(bucket, key);
        let payload = hex(&Sha256::digest(body));
        let mut headers = vec![
            ("content-type".to_string(), content_type.to_string()),
            ("host".to_string(), host),
            ("x-amz-content-sha256".to_string(), payload.clone()),
        ];
        let auth = sign(
            &self.settings.credentials,
            &self.settings.region,
            "PUT",
            &path,
            "",
            &mut headers,
            &payload,
            &amz_date(SystemTime::now()),
        );
        let mut req = self
            .agent
            .put(&url)
            .config()
            .timeout_global(Some(limit.min(left)))
            .build();
        for (k, v) in &headers {
            req = req.header(k, v);
        }
        let resp = match req.header("authorization", &auth).send(body) {
            Ok(resp) => resp,
            Err(ureq::Error::Timeout(_)) if Instant::now() >= self.deadline => {
                return Err(self.total_timeout())
            }
            Err(ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect)) => {
                return Err(S3Error::ConnectTimeout {
                    endpoint: self.endpoint_name(),
                    limit: timeouts::human(self.timeouts.connect),
                    attempts: attempt,
                })
            }
            Err(ureq::Error::Timeout(which)) => {
                // A stall is caught by the per-read/write limit, the rest by the attempt's.
                let waited = match which {
                    ureq::Timeout::PerRead | ureq::Timeout::PerWrite => self.timeouts.request,
                    _ => limit,
                };
                return Err(S3Error::NoAnswer {
                    endpoint: self.endpoint_name(),
                    limit: timeouts::human(waited),
                    attempts: attempt,
                });
            }
            Err(e) => {
                return Err(S3Error::Unreachable {
                    endpoint: self.endpoint_name(),
                    why: e.to_string(),
                })
            }
        };
        check(resp, bucket, key)
    }
}

fn is_transient(e: &S3Error) -> bool {
    match e {
        S3Error::Unreachable { why, .. } => !why.to_lowercase().contains("refused"),
        S3Error::ConnectTimeout { .. } | S3Error::NoAnswer { .. } => true,
        S3Error::Other { status, .. } => *status >= 500,
        _ => false,
    }
}

fn check(
    mut resp: ureq::http::Response<ureq::Body>,
    bucket: &str,
    key: &str,
) -> Result<(), S3Error> {
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let header_region = resp
        .headers()
        .get("x-amz-bucket-region")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let code = xml_field(&body, "Code").unwrap_or_else(|| format!("HTTP {status}"));
    let message = xml_field(&body, "Message").unwrap_or_default();
    let region = xml_field(&body, "Region").or(header_region);
    Err(match code.as_str() {
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
            message: message.replace(['\n', '\r'], " "),
            bucket: bucket.into(),
            key: key.into(),
        },
    })
}

/// The text of the first `<name>` element: S3's error bodies are flat and small.
fn xml_field(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].trim().to_string())
}

/// SigV4 `Authorization` for S3. `headers` get `x-amz-date` (and the session token) added and are
/// signed as given; `path` is already URI-encoded.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    creds: &Credentials,
    region: &str,
    method: &str,
    path: &str,
    query: &str,
    headers: &mut Vec<(String, String)>,
    payload_hash: &str,
    amz_date: &str,
) -> String {
    headers.push(("x-amz-date".into(), amz_date.into()));
    if let Some(t) = &creds.session_token {
        headers.push(("x-amz-security-token".into(), t.clone()));
    }
    let mut canon: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_lowercase(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    canon.sort();
    let signed: Vec<&str> = canon.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let canonical_headers: String = canon.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let request =
        format!("{method}\n{path}\n{query}\n{canonical_headers}\n{signed}\n{payload_hash}");
    let day = &amz_date[..8];
    let scope = format!("{day}/{region}/s3/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(request.as_bytes()))
    );
    let key = [day, region, "s3", "aws4_request"].iter().fold(
        format!("AWS4{}", creds.secret_access_key).into_bytes(),
        |k, part| hmac(&k, part.as_bytes()),
    );
    let signature = hex(&hmac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
        creds.access_key_id
    )
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// S3's URI encoding: everything but unreserved characters, and `/` too unless it separates keys.
pub fn uri_encode(s: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (b == b'/' && !encode_slash) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
pub fn amz_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    // `2026-11-30T19:23:54Z` without its separators.
    scanlens_model::date::format_rfc3339(secs).replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Credentials {
        Credentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// AWS's "Example: GET Object" from the SigV4 header-signing documentation for S3.
    #[test]
    fn sigv4_matches_aws_get_object_example() {
        let mut headers = vec![
            (
                "Host".to_string(),
                "examplebucket.s3.amazonaws.com".to_string(),
            ),
            ("Range".to_string(), "bytes=0-9".to_string()),
            (
                "x-amz-content-sha256".to_string(),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_string(),
            ),
        ];
        let auth = sign(
            &example(),
            "us-east-1",
            "GET",
            "/test.txt",
            "",
            &mut headers,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "20130524T000000Z",
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// AWS's "Example: PUT Object": a key that needs encoding and a body hash.
    #[test]
    fn sigv4_matches_aws_put_object_example() {
        let body = b"Welcome to Amazon S3.";
        let payload = hex(&Sha256::digest(body));
        assert_eq!(
            payload,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        );
        let mut headers = vec![
            (
                "Host".to_string(),
                "examplebucket.s3.amazonaws.com".to_string(),
            ),
            (
                "Date".to_string(),
                "Fri, 24 May 2013 00:00:00 GMT".to_string(),
            ),
            (
                "x-amz-storage-class".to_string(),
                "REDUCED_REDUNDANCY".to_string(),
            ),
            ("x-amz-content-sha256".to_string(), payload.clone()),
        ];
        let auth = sign(
            &example(),
            "us-east-1",
            "PUT",
            &format!("/{}", uri_encode("test$file.text", false)),
            "",
            &mut headers,
            &payload,
            "20130524T000000Z",
        );
        assert!(
            auth.ends_with(
                "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
            ),
            "{auth}"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(amz_date(UNIX_EPOCH), "19700101T000000Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_369_353_600);
        assert_eq!(amz_date(t), "20130524T000000Z");
        let t = UNIX_EPOCH + Duration::from_secs(951_825_599); // 2000-02-29T11:59:59Z
        assert_eq!(amz_date(t), "20000229T115959Z");
    }

    #[test]
    fn env_credentials_and_region_win() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        std::fs::write(
            dir.path().join(".aws/credentials"),
            "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n",
        )
        .unwrap();
        let home = dir.path().to_str().unwrap();
        let env = env_of(&[
            ("HOME", home),
            ("AWS_ACCESS_KEY_ID", "ENVKEY"),
            ("AWS_SECRET_ACCESS_KEY", "envsecret"),
            ("AWS_SESSION_TOKEN", "tok"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ]);
        let s = settings(&env).unwrap();
        assert_eq!(s.credentials.access_key_id, "ENVKEY");
        assert_eq!(s.credentials.session_token.as_deref(), Some("tok"));
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.endpoint, None);
        assert!(
            !format!("{s:?}").contains("envsecret"),
            "secrets stay out of Debug"
        );
    }

    #[test]
    fn profiles_from_credentials_and_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        std::fs::write(
            dir.path().join(".aws/credentials"),
            "# comment\n[default]\naws_access_key_id=DEF\naws_secret_access_key=defsecret\n\n\
             [ci]\naws_access_key_id = CIKEY\naws_secret_access_key = cisecret\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".aws/config"),
            "[default]\nregion = us-west-2\n[profile ci]\nregion = ap-south-1\n\
             endpoint_url = http://127.0.0.1:9000/\n[profile cfgonly]\nregion=eu-north-1\n\
             aws_access_key_id=CFG\naws_secret_access_key=cfgsecret\n[profile sso]\nsso_session=x\n",
        )
        .unwrap();
        let home = dir.path().to_str().unwrap();
        let s = settings(&env_of(&[("HOME", home)])).unwrap();
        assert_eq!(
            (s.credentials.access_key_id.as_str(), s.region.as_str()),
            ("DEF", "us-west-2")
        );
        let s = settings(&env_of(&[("HOME", home), ("AWS_PROFILE", "ci")])).unwrap();
        assert_eq!(s.credentials.access_key_id, "CIKEY");
        assert_eq!(s.region, "ap-south-1");
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        let s = settings(&env_of(&[("HOME", home), ("AWS_PROFILE", "cfgonly")])).unwrap();
        assert_eq!(s.credentials.access_key_id, "CFG");
        // Environment endpoint and region override the profile's.
        let s = settings(&env_of(&[
            ("HOME", home),
            ("AWS_PROFILE", "ci"),
            ("AWS_REGION", "us-east-2"),
            ("AWS_ENDPOINT_URL", "http://a:1"),
            ("AWS_ENDPOINT_URL_S3", "http://s3:2"),
        ]))
        .unwrap();
        assert_eq!(s.region, "us-east-2");
        assert_eq!(s.endpoint.as_deref(), Some("http://s3:2"));

        let e = settings(&env_of(&[("HOME", home), ("AWS_PROFILE", "nope")])).unwrap_err();
        assert!(e.to_string().contains("AWS_PROFILE"), "{e}");
        let e = settings(&env_of(&[("HOME", home), ("AWS_PROFILE", "sso")])).unwrap_err();
        assert!(e.to_string().contains("export-credentials"), "{e}");
    }

    #[test]
    fn missing_credentials_and_region_name_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap();
        let e = settings(&env_of(&[("HOME", home), ("AWS_REGION", "us-east-1")])).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("AWS_ACCESS_KEY_ID") && msg.contains("~/.aws/credentials"));
        let e = settings(&env_of(&[
            ("HOME", home),
            ("AWS_ACCESS_KEY_ID", "K"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("AWS_REGION"));
        // A custom endpoint needs no region.
        let s = settings(&env_of(&[
            ("HOME", home),
            ("AWS_ACCESS_KEY_ID", "K"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
        ]))
        .unwrap();
        assert_eq!(s.region, "us-east-1");
    }

    #[test]
    fn container_credentials_from_a_local_endpoint() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut sock, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let n = sock.read(&mut buf).unwrap();
            let req = String::from_utf8_lossy(&buf[..n]).to_lowercase();
            assert!(req.contains("authorization: secret-token"), "{req}");
            let body = r#"{"AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#;
            write!(
                sock,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        });
        let dir = tempfile::tempdir().unwrap();
        let url = format!("http://127.0.0.1:{port}/creds");
        let s = settings(&env_of(&[
            ("HOME", dir.path().to_str().unwrap()),
            ("AWS_REGION", "us-east-1"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-token"),
        ]))
        .unwrap();
        server.join().unwrap();
        assert_eq!(s.credentials.access_key_id, "ASIA1");
        assert_eq!(s.credentials.session_token.as_deref(), Some("t"));
    }

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
    }

    #[test]
    fn addressing() {
        let creds = example();
        let c = Client::new(
            Settings {
                region: "eu-west-1".into(),
                endpoint: None,
                credentials: creds.clone(),
            },
            Timeouts::default(),
        );
        assert_eq!(
            c.target("bucket", "p/a b.json").0,
            "https://bucket.s3.eu-west-1.amazonaws.com/p/a%20b.json"
        );
        assert_eq!(
            c.target("my.bucket", "k").0,
            "https://s3.eu-west-1.amazonaws.com/my.bucket/k"
        );
        let c = Client::new(
            Settings {
                region: "us-east-1".into(),
                endpoint: Some("http://127.0.0.1:5000".into()),
                credentials: creds,
            },
            Timeouts::default(),
        );
        let (url, host, path) = c.target("bucket", "p/k");
        assert_eq!(url, "http://127.0.0.1:5000/bucket/p/k");
        assert_eq!(host, "127.0.0.1:5000");
        assert_eq!(path, "/bucket/p/k");
    }

    #[test]
    fn error_bodies_map_to_fixes() {
        assert_eq!(
            xml_field("<Error><Code>NoSuchBucket</Code></Error>", "Code").as_deref(),
            Some("NoSuchBucket")
        );
        assert!(is_transient(&S3Error::Other {
            status: 503,
            code: "SlowDown".into(),
            message: String::new(),
            bucket: "b".into(),
            key: "k".into()
        }));
        assert!(!is_transient(&S3Error::NoSuchBucket("b".into())));
    }
}
