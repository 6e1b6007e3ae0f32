//! Who `publish` is to S3: credentials, region and endpoint found the way the AWS SDKs find
//! them, and fresh temporary credentials before the old ones run out.
//!
//! Credential chain, first match wins:
//! 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`);
//! 2. the profile `AWS_PROFILE` (or `default`) in `~/.aws/credentials` then `~/.aws/config`
//!    (`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`): its keys, or its `role_arn` with
//!    `web_identity_token_file`;
//! 3. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`),
//!    exchanged at STS with `AssumeRoleWithWebIdentity`, as EKS (IRSA), GitLab and GitHub OIDC
//!    hand them out;
//! 4. container credentials (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` as CodeBuild and ECS set
//!    it, or `..._FULL_URI`);
//! 5. the EC2 instance metadata service, IMDSv2 only (a session token first, then the role's
//!    credentials), unless `AWS_EC2_METADATA_DISABLED=true`; `AWS_EC2_METADATA_SERVICE_ENDPOINT`
//!    overrides its address. Off EC2 this costs one connection attempt of at most a second, and
//!    only when nothing above matched.
//!
//! Temporary credentials (3–5) carry their expiry: [`Provider`] fetches new ones from the same
//! source five minutes before, so an upload longer than a session is not cut off.

use super::agent::{self, Limits, Roots};
use super::xml;
use super::S3Error;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Environment lookup, injectable so tests do not depend on the machine's variables.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// How long before their expiry temporary credentials are replaced: the SDKs' margin, more than
/// one attempt of any request may take.
pub const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// The instance metadata service answers within milliseconds on EC2; off EC2 nothing answers,
/// and a second is what the SDKs wait.
const IMDS_LIMITS: Limits = Limits {
    connect: Duration::from_secs(1),
    stall: Duration::from_secs(1),
    global: Some(Duration::from_secs(2)),
};
const IMDS_ENDPOINT: &str = "http://169.254.169.254";
/// STS and container endpoints: as patient as one S3 request.
const ENDPOINT_LIMITS: Limits = Limits {
    connect: Duration::from_secs(10),
    stall: Duration::from_secs(20),
    global: Some(Duration::from_secs(20)),
};
/// Credential answers are a few hundred bytes.
const ANSWER_LIMIT: u64 = 64 * 1024;

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// When temporary credentials stop working; `None` for long-lived keys.
    pub expires: Option<SystemTime>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, even in a debug dump.
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// Where temporary credentials come from, to ask again when they run out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Container {
        url: String,
        token: Option<String>,
        token_file: Option<PathBuf>,
    },
    WebIdentity {
        /// STS, without a trailing slash.
        endpoint: String,
        token_file: PathBuf,
        role_arn: String,
        session_name: String,
    },
    InstanceMetadata {
        endpoint: String,
    },
}

/// Where and as whom to talk to S3.
#[derive(Debug, Clone)]
pub struct Settings {
    pub region: String,
    /// A custom endpoint (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `endpoint_url`), without a
    /// trailing slash; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub credentials: Credentials,
    /// Where new credentials come from when these expire; `None` for long-lived keys.
    pub source: Option<Source>,
    /// `AWS_CA_BUNDLE`'s certificates, trusted instead of the built-in roots.
    pub roots: Option<Roots>,
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

fn is_true(v: Option<String>) -> bool {
    v.is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
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
    let roots = match var(env, "AWS_CA_BUNDLE").or_else(|| setting("ca_bundle")) {
        Some(path) => Some(agent::read_ca_bundle(&path)?),
        None => None,
    };
    let sts = || {
        var(env, "AWS_ENDPOINT_URL_STS")
            .or_else(|| var(env, "AWS_ENDPOINT_URL"))
            .map(|e| e.trim_end_matches('/').to_string())
            .unwrap_or_else(|| match &region {
                Some(r) => format!("https://sts.{r}.amazonaws.com"),
                None => "https://sts.amazonaws.com".into(),
            })
    };
    let session_name = || {
        var(env, "AWS_ROLE_SESSION_NAME")
            .or_else(|| setting("role_session_name"))
            .unwrap_or_else(|| format!("scanlens-{}", now_secs()))
    };

    let fixed = |id, secret, token| Credentials {
        access_key_id: id,
        secret_access_key: secret,
        session_token: token,
        expires: None,
    };
    let source = if let (Some(id), Some(secret)) = (
        var(env, "AWS_ACCESS_KEY_ID"),
        var(env, "AWS_SECRET_ACCESS_KEY"),
    ) {
        Err(fixed(id, secret, var(env, "AWS_SESSION_TOKEN")))
    } else if let (Some(id), Some(secret)) = (
        setting("aws_access_key_id"),
        setting("aws_secret_access_key"),
    ) {
        Err(fixed(id, secret, setting("aws_session_token")))
    } else if let (Some(role_arn), Some(token_file)) =
        (setting("role_arn"), setting("web_identity_token_file"))
    {
        Ok(Source::WebIdentity {
            endpoint: sts(),
            token_file: token_file.into(),
            role_arn,
            session_name: session_name(),
        })
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
    } else if let (Some(token_file), Some(role_arn)) = (
        var(env, "AWS_WEB_IDENTITY_TOKEN_FILE"),
        var(env, "AWS_ROLE_ARN"),
    ) {
        Ok(Source::WebIdentity {
            endpoint: sts(),
            token_file: token_file.into(),
            role_arn,
            session_name: session_name(),
        })
    } else if let Some(url) = container_url(env) {
        Ok(Source::Container {
            url,
            token: var(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN"),
            token_file: var(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").map(PathBuf::from),
        })
    } else if !is_true(var(env, "AWS_EC2_METADATA_DISABLED")) {
        let imds = var(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT")
            .map(|e| e.trim_end_matches('/').to_string())
            .unwrap_or_else(|| IMDS_ENDPOINT.into());
        let source = Source::InstanceMetadata { endpoint: imds };
        // Probed here, where it is the last resort: "no credentials" off EC2, not an IMDS error.
        return match source.fetch(roots.as_ref()) {
            Ok(credentials) => finish(region, endpoint, credentials, Some(source), roots),
            Err(S3Error::InstanceMetadata { why, .. }) if why.starts_with(UNREACHABLE) => {
                Err(S3Error::NoCredentials)
            }
            Err(e) => Err(e),
        };
    } else {
        return Err(S3Error::NoCredentials);
    };
    let (credentials, source) = match source {
        Err(fixed) => (fixed, None),
        Ok(source) => (source.fetch(roots.as_ref())?, Some(source)),
    };
    finish(region, endpoint, credentials, source, roots)
}

fn finish(
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Credentials,
    source: Option<Source>,
    roots: Option<Roots>,
) -> Result<Settings, S3Error> {
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
        source,
        roots,
    })
}

fn container_url(env: Env) -> Option<String> {
    match (
        var(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
        var(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
    ) {
        (Some(rel), _) => Some(format!("http://169.254.170.2{rel}")),
        (None, Some(full)) => Some(full),
        (None, None) => None,
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The start of [`S3Error::InstanceMetadata`]'s reason when no IMDSv2 session token was had:
/// nothing answered, or something that is not the metadata service did (a proxy's 403). As the
/// last link of the chain, that means "not on EC2", so the user is told how to give keys.
const UNREACHABLE: &str = "no session token";

/// The JSON container credentials and the instance metadata service answer with.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct JsonCredentials {
    access_key_id: String,
    secret_access_key: String,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    expiration: Option<String>,
}

impl JsonCredentials {
    fn into_credentials(self) -> Result<Credentials, String> {
        Ok(Credentials {
            access_key_id: self.access_key_id,
            secret_access_key: self.secret_access_key,
            session_token: self.token.filter(|t| !t.is_empty()),
            expires: self.expiration.as_deref().map(expiry).transpose()?,
        })
    }
}

/// An RFC 3339 expiry as a time.
fn expiry(s: &str) -> Result<SystemTime, String> {
    let secs = scanlens_model::date::parse_timestamp(s)
        .ok_or_else(|| format!("the expiry `{}` is not a time", s.escape_debug()))?;
    Ok(UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64))
}

/// The body of an answer, refused past [`ANSWER_LIMIT`].
fn body(mut resp: ureq::http::Response<ureq::Body>) -> Result<String, String> {
    resp.body_mut()
        .with_config()
        .limit(ANSWER_LIMIT)
        .read_to_string()
        .map_err(|e| e.to_string())
}

impl Source {
    /// New credentials from this source.
    pub fn fetch(&self, roots: Option<&Roots>) -> Result<Credentials, S3Error> {
        match self {
            Source::Container {
                url,
                token,
                token_file,
            } => container(url, token.as_deref(), token_file.as_deref(), roots),
            Source::WebIdentity {
                endpoint,
                token_file,
                role_arn,
                session_name,
            } => web_identity(endpoint, token_file, role_arn, session_name, roots).map_err(|why| {
                S3Error::WebIdentity {
                    endpoint: endpoint.clone(),
                    why,
                }
            }),
            Source::InstanceMetadata { endpoint } => {
                instance_metadata(endpoint, roots).map_err(|why| S3Error::InstanceMetadata {
                    endpoint: endpoint.clone(),
                    why,
                })
            }
        }
    }
}

/// CodeBuild and ECS serve the task role's temporary keys from a local endpoint.
fn container(
    url: &str,
    token: Option<&str>,
    token_file: Option<&std::path::Path>,
    roots: Option<&Roots>,
) -> Result<Credentials, S3Error> {
    let fail = |why: String| S3Error::ContainerCredentials {
        url: url.to_string(),
        why,
    };
    // The token file is rotated by the platform: read it on every fetch.
    let token = match token_file {
        Some(f) => Some(
            std::fs::read_to_string(f)
                .map_err(|e| fail(format!("cannot read {}: {e}", f.display())))?
                .trim()
                .to_string(),
        ),
        None => token.map(str::to_string),
    };
    let mut req = agent::agent(ENDPOINT_LIMITS, roots).get(url);
    if let Some(t) = &token {
        req = req.header("Authorization", t);
    }
    let resp = req.call().map_err(|e| fail(e.to_string()))?;
    if resp.status() != 200 {
        return Err(fail(format!("HTTP {}", resp.status())));
    }
    let text = body(resp).map_err(fail)?;
    let a: JsonCredentials = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    a.into_credentials().map_err(fail)
}

/// STS `AssumeRoleWithWebIdentity`: the token file's OIDC token for the role's temporary keys.
/// The call is not signed; the token is the proof.
fn web_identity(
    endpoint: &str,
    token_file: &std::path::Path,
    role_arn: &str,
    session_name: &str,
    roots: Option<&Roots>,
) -> Result<Credentials, String> {
    // EKS and the CI systems rotate the token in place: read it on every fetch.
    let meta = std::fs::metadata(token_file)
        .map_err(|e| format!("cannot read {}: {e}", token_file.display()))?;
    if meta.len() > ANSWER_LIMIT {
        return Err(format!(
            "{} is larger than a token ({} bytes)",
            token_file.display(),
            meta.len()
        ));
    }
    let token = std::fs::read_to_string(token_file)
        .map_err(|e| format!("cannot read {}: {e}", token_file.display()))?;
    let form = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
        ("WebIdentityToken", token.trim()),
    ];
    let resp = agent::agent(ENDPOINT_LIMITS, roots)
        .post(format!("{endpoint}/"))
        .send_form(form)
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let text = body(resp)?;
    if status != 200 {
        let code = xml::field(&text, "Code").unwrap_or_else(|| format!("HTTP {status}"));
        let message = xml::field(&text, "Message").unwrap_or_default();
        return Err(clip(&format!("{code} {message}")));
    }
    let c = xml::elements(&text, "Credentials")
        .next()
        .ok_or("the answer holds no Credentials")?;
    let get = |name| xml::field(c, name).ok_or(format!("the answer holds no {name}"));
    Ok(Credentials {
        access_key_id: get("AccessKeyId")?,
        secret_access_key: get("SecretAccessKey")?,
        session_token: Some(get("SessionToken")?),
        expires: Some(expiry(&get("Expiration")?)?),
    })
}

/// IMDSv2: a session token (`PUT /latest/api/token`), the role's name, then its credentials.
/// IMDSv1 (no token) is never used: instances that still allow it are the ones SSRF exploits.
fn instance_metadata(endpoint: &str, roots: Option<&Roots>) -> Result<Credentials, String> {
    let agent = agent::agent(IMDS_LIMITS, roots);
    let token = agent
        .put(format!("{endpoint}/latest/api/token"))
        .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        .send_empty()
        .map_err(|e| format!("{UNREACHABLE} ({e})"))?;
    if token.status() != 200 {
        return Err(format!("{UNREACHABLE} (HTTP {})", token.status()));
    }
    let token = body(token)?;
    let get = |path: &str| -> Result<String, String> {
        let resp = agent
            .get(format!(
                "{endpoint}/latest/meta-data/iam/security-credentials/{path}"
            ))
            .header("x-aws-ec2-metadata-token", token.trim())
            .call()
            .map_err(|e| e.to_string())?;
        match resp.status().as_u16() {
            200 => body(resp),
            404 => Err("the instance has no role attached".into()),
            s => Err(format!("HTTP {s}")),
        }
    };
    let listing = get("")?;
    let role = listing
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or("the instance has no role attached")?;
    // The role name becomes part of a URL path: a name IAM could not have made is refused.
    if !role
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
    {
        return Err(format!(
            "the role name {:?} is not one IAM makes",
            clip(role)
        ));
    }
    let text = get(role)?;
    let a: JsonCredentials = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    a.into_credentials()
}

fn clip(s: &str) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    one_line.chars().take(200).collect()
}

/// The credentials requests are signed with, renewed from their [`Source`] when they are
/// about to expire.
pub struct Provider {
    source: Option<Source>,
    roots: Option<Roots>,
    current: Mutex<Credentials>,
}

impl Provider {
    pub fn new(settings: &Settings) -> Provider {
        Provider {
            source: settings.source.clone(),
            roots: settings.roots.clone(),
            current: Mutex::new(settings.credentials.clone()),
        }
    }

    /// Credentials good for at least [`REFRESH_BEFORE`], fetching new ones if needed. One
    /// thread fetches; the others wait for it (each fetch is bounded).
    pub fn get(&self) -> Result<Credentials, S3Error> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let stale = current
            .expires
            .is_some_and(|t| SystemTime::now() + REFRESH_BEFORE >= t);
        if let (true, Some(source)) = (stale, &self.source) {
            *current = source.fetch(self.roots.as_ref())?;
        }
        Ok(current.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    /// Answers `n` HTTP requests on 127.0.0.1, each with `answer(request text)` as
    /// (status, body); returns the endpoint and the requests it saw.
    fn serve(
        n: usize,
        answer: impl Fn(&str) -> (u16, String) + Send + 'static,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for _ in 0..n {
                let (mut sock, _) = listener.accept().unwrap();
                let mut buf = vec![0u8; 65536];
                let mut len = 0;
                // Headers, then as much body as Content-Length says.
                loop {
                    let k = sock.read(&mut buf[len..]).unwrap();
                    len += k;
                    let text = String::from_utf8_lossy(&buf[..len]).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let want = text
                            .to_lowercase()
                            .lines()
                            .find_map(|l| {
                                l.strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if len >= end + 4 + want || k == 0 {
                            break;
                        }
                    } else if k == 0 {
                        break;
                    }
                }
                let req = String::from_utf8_lossy(&buf[..len]).to_string();
                let (status, body) = answer(&req);
                write!(
                    sock,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
                seen.push(req);
            }
            seen
        });
        (endpoint, handle)
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
        let e = settings(&env_of(&[
            ("HOME", home),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]))
        .unwrap_err();
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

    fn future(secs: u64) -> String {
        scanlens_model::date::format_rfc3339((now_secs() + secs) as i64)
    }

    #[test]
    fn web_identity_is_exchanged_at_sts_with_the_role_and_session_name() {
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "eyJ.oidc.token\n").unwrap();
        let expires = future(3600);
        let (sts, server) = serve(1, move |_| {
            (
                200,
                format!(
                "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
                 <AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>s&amp;k</SecretAccessKey>\
                 <SessionToken>tok</SessionToken><Expiration>{expires}</Expiration></Credentials>\
                 </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
            ),
            )
        });
        let s = settings(&env_of(&[
            ("HOME", dir.path().to_str().unwrap()),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"),
            ("AWS_ROLE_SESSION_NAME", "job-42"),
            ("AWS_ENDPOINT_URL_STS", &sts),
        ]))
        .unwrap();
        let req = server.join().unwrap().remove(0);
        assert!(req.starts_with("POST / "), "{req}");
        for part in [
            "Action=AssumeRoleWithWebIdentity",
            "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci",
            "RoleSessionName=job-42",
            "WebIdentityToken=eyJ.oidc.token&",
        ] {
            assert!(
                req.contains(part) || req.ends_with(part.trim_end_matches('&')),
                "{part} in {req}"
            );
        }
        assert_eq!(s.credentials.access_key_id, "ASIAWEB");
        assert_eq!(s.credentials.secret_access_key, "s&k");
        assert_eq!(s.credentials.session_token.as_deref(), Some("tok"));
        assert!(s.credentials.expires.is_some());
        assert!(matches!(s.source, Some(Source::WebIdentity { .. })));

        // STS's refusal is one line with the fix.
        let (sts, server) = serve(1, |_| {
            (403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error></ErrorResponse>".into())
        });
        let e = settings(&env_of(&[
            ("HOME", dir.path().to_str().unwrap()),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"),
            ("AWS_ENDPOINT_URL_STS", &sts),
        ]))
        .unwrap_err()
        .to_string();
        server.join().unwrap();
        assert!(
            e.contains("AccessDenied Not authorized") && e.contains("trust policy"),
            "{e}"
        );
    }

    /// A stand-in for the instance metadata service that insists on IMDSv2's session token.
    fn imds(n: usize, expires: String) -> (String, std::thread::JoinHandle<Vec<String>>) {
        serve(n, move |req| {
            let first = req.lines().next().unwrap_or("");
            let has_token = req
                .to_lowercase()
                .contains("x-aws-ec2-metadata-token: session-1");
            match first.split_whitespace().take(2).collect::<Vec<_>>()[..] {
                ["PUT", "/latest/api/token"] => (200, "session-1".into()),
                [_, _] if !has_token => (401, String::new()),
                ["GET", "/latest/meta-data/iam/security-credentials/"] => (200, "ci-role\n".into()),
                ["GET", "/latest/meta-data/iam/security-credentials/ci-role"] => (
                    200,
                    format!(
                        r#"{{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t","Expiration":"{expires}"}}"#
                    ),
                ),
                _ => (404, String::new()),
            }
        })
    }

    #[test]
    fn instance_metadata_is_read_with_an_imdsv2_session_token() {
        let dir = tempfile::tempdir().unwrap();
        let (endpoint, server) = imds(3, future(3600));
        let s = settings(&env_of(&[
            ("HOME", dir.path().to_str().unwrap()),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint),
        ]))
        .unwrap();
        let seen = server.join().unwrap();
        assert!(seen[0]
            .to_lowercase()
            .contains("x-aws-ec2-metadata-token-ttl-seconds: 21600"));
        assert_eq!(s.credentials.access_key_id, "ASIAIMDS");
        assert!(matches!(s.source, Some(Source::InstanceMetadata { .. })));
    }

    #[test]
    fn instance_metadata_off_ec2_or_disabled_is_no_credentials_within_a_second() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap();
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let started = std::time::Instant::now();
        let e = settings(&env_of(&[
            ("HOME", home),
            ("AWS_REGION", "us-east-1"),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                &format!("http://{closed}"),
            ),
        ]))
        .unwrap_err();
        assert!(matches!(e, S3Error::NoCredentials), "{e}");
        // Something that is not the metadata service (a proxy refusing the address).
        let (proxy, server) = serve(1, |_| (403, "Forbidden".into()));
        let e = settings(&env_of(&[
            ("HOME", home),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &proxy),
        ]))
        .unwrap_err();
        server.join().unwrap();
        assert!(matches!(e, S3Error::NoCredentials), "{e}");
        // Disabled: not even asked (a silent endpoint would cost the full wait).
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let e = settings(&env_of(&[
            ("HOME", home),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            (
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                &format!("http://{}", silent.local_addr().unwrap()),
            ),
        ]))
        .unwrap_err();
        assert!(matches!(e, S3Error::NoCredentials), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn credentials_are_renewed_before_they_expire() {
        let dir = tempfile::tempdir().unwrap();
        // Inside the refresh margin: every use asks again.
        let (endpoint, server) = imds(6, future(60));
        let s = settings(&env_of(&[
            ("HOME", dir.path().to_str().unwrap()),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &endpoint),
        ]))
        .unwrap();
        let p = Provider::new(&s);
        assert_eq!(p.get().unwrap().access_key_id, "ASIAIMDS");
        assert_eq!(
            server.join().unwrap().len(),
            6,
            "fetched at start and again before use"
        );
        // Far from expiry, or long-lived: no request at all (nothing listens any more).
        let mut fresh = s.clone();
        fresh.credentials.expires = Some(SystemTime::now() + Duration::from_secs(3600));
        assert!(Provider::new(&fresh).get().is_ok());
        fresh.credentials.expires = None;
        assert!(Provider::new(&fresh).get().is_ok());
    }
}
