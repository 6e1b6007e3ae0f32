//! A moto server on 127.0.0.1 for the tests that publish to S3 (`publish.rs`, `publish_fleet.rs`),
//! with IAM enforcement on, so every request's SigV4 signature is checked by botocore's own
//! signer; and the helpers those tests share. Included with `#[path]`: each test binary that
//! uses it starts its own server.

use scanlens_e2e::Unavailable;
use scanlens_e2e::{once_per_binary, require, scanlens_bin, which, StartError, TempDir};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Creates an IAM user with S3 rights and a bucket, then turns authentication on for every later
/// request (moto's reset-auth with 0 free requests). Prints the user's keys as JSON.
pub const SETUP: &str = r#"
import sys, json, boto3, urllib.request
ep = sys.argv[1]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **kw)
iam.create_user(UserName="ci")
key = iam.create_access_key(UserName="ci")["AccessKey"]
iam.put_user_policy(UserName="ci", PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
boto3.client("s3", **kw).create_bucket(Bucket="reports")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}
iam.create_role(RoleName="ci-publish", AssumeRolePolicyDocument=json.dumps(trust))
iam.put_role_policy(RoleName="ci-publish", PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
req = urllib.request.Request(ep + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
urllib.request.urlopen(req).read()
print(json.dumps({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}))
"#;

/// The role web-identity tests assume (allowed everything on S3).
// Used by publish.rs; each binary that includes this file uses what it needs.
#[allow(dead_code)]
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/ci-publish";

/// Runs moto's server with two fixes to its authentication. AWS takes
/// `AssumeRoleWithWebIdentity` unsigned (the OIDC token is the proof); moto wants every call
/// signed once authentication is on, so the shim lets that one action through. And one fix to
/// its signature check. Moto 5.2.1 rebuilds the canonical
/// request from the URL as its web server hands it over, where `%3D` in a path is already back
/// to `=` and a listing's `prefix=a%2Fb` may come as `prefix=a/b`: then keys with `=` (the
/// findings table's `dt=…/repository=…`) and listings under a prefix fail the check even for
/// boto3 (seen: `put_object(Key="x/dt=1/a")` answers SignatureDoesNotMatch). The shim encodes path
/// and query as AWS's canonical request does (RFC 3986, `/` kept in the path) before moto signs;
/// signatures are still checked, with botocore's signer.
const CANONICAL_SHIM: &str = r#"
import sys
from urllib.parse import quote, unquote, urlsplit
from moto.iam import access_control as ac
_orig = ac.IAMRequestBase._create_aws_request
def _canonical(self):
    parts = urlsplit(self._path)
    path = quote(unquote(parts.path), safe="/~")
    pairs = [p.partition("=") for p in parts.query.split("&") if p]
    query = "&".join(quote(unquote(k), safe="-_.~") + "=" + quote(unquote(v), safe="-_.~") for k, _, v in pairs)
    self._path = path + ("?" + query if query else "")
    return _orig(self)
ac.IAMRequestBase._create_aws_request = _canonical
from moto.core import authorization as az
_auth = az.ActionAuthenticatorMixin._authenticate_and_authorize_action
def _public_web_identity(self, *args, **kwargs):
    if self._get_action() == "AssumeRoleWithWebIdentity":
        return None
    return _auth(self, *args, **kwargs)
az.ActionAuthenticatorMixin._authenticate_and_authorize_action = _public_web_identity
from moto.server import main
sys.argv[0] = "moto_server"
main(sys.argv[1:])
"#;

/// Downloads every object under a prefix into a folder (key → file) and prints
/// `{key: content_type}`. It lists the whole bucket and filters here because moto's signature
/// check rejects boto3's own `Prefix=` with a `/` in it.
pub const DOWNLOAD: &str = r#"
import sys, json, os, boto3
ep, key_id, secret, prefix, out = sys.argv[1:6]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=key_id, aws_secret_access_key=secret)
types = {}
for page in s3.get_paginator("list_objects_v2").paginate(Bucket="reports"):
    for o in [o for o in page.get("Contents", []) if o["Key"].startswith(prefix)]:
        obj = s3.get_object(Bucket="reports", Key=o["Key"])
        path = os.path.join(out, o["Key"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(obj["Body"].read())
        types[o["Key"]] = obj["ContentType"]
print(json.dumps(types))
"#;

/// The moto server shared by this binary's tests, with an IAM user (`id`, `secret`) allowed
/// everything on S3 and the bucket `reports`; every request after the set-up must be signed.
pub struct Moto {
    child: Mutex<Option<Child>>,
    dir: Mutex<Option<TempDir>>,
    port: u16,
    pub id: String,
    pub secret: String,
}

impl Moto {
    pub fn shared() -> &'static Moto {
        static MOTO: OnceLock<Result<Moto, StartError>> = OnceLock::new();
        require!(once_per_binary(&MOTO, Moto::start, Moto::stop))
    }

    fn start() -> anyhow::Result<Moto> {
        let bin = which("moto_server")
            .ok_or_else(|| Unavailable("moto_server (pip install \"moto[server]\")".into()))?;
        let dir = TempDir::new("moto")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        // `moto_server` itself, through the shim below (found with `which` to say what is
        // missing when it is not installed).
        let _ = bin;
        let child = Command::new("python3")
            .args([
                "-c",
                CANONICAL_SHIM,
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.path().join("moto.log"))?)
            .stderr(std::fs::File::create(dir.path().join("moto.err"))?)
            .spawn()?;
        let err_log = dir.path().join("moto.err");
        let mut moto = Moto {
            child: Mutex::new(Some(child)),
            dir: Mutex::new(Some(dir)),
            port,
            id: String::new(),
            secret: String::new(),
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > Duration::from_secs(30) {
                anyhow::bail!(
                    "moto_server did not listen on {port} within 30s: {}",
                    std::fs::read_to_string(&err_log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let keys: serde_json::Value = serde_json::from_str(&python(SETUP, &[&moto.endpoint()])?)?;
        moto.id = keys["id"].as_str().unwrap_or_default().to_string();
        moto.secret = keys["secret"].as_str().unwrap_or_default().to_string();
        anyhow::ensure!(!moto.id.is_empty(), "moto set-up gave no keys: {keys}");
        Ok(moto)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The user's keys and this endpoint, as `scanlens` reads them from the environment.
    pub fn creds(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", self.id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
            ("AWS_ENDPOINT_URL_S3", self.endpoint()),
        ]
    }

    fn stop(&self) {
        if let Some(mut child) = self.child.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        drop(self.dir.lock().unwrap_or_else(|e| e.into_inner()).take());
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn python(script: &str, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

/// Runs scanlens with a clean environment: only what is given, plus PATH and an empty HOME, so
/// the machine's own AWS settings cannot leak in.
pub fn scanlens<V: AsRef<std::ffi::OsStr>>(
    home: &Path,
    env: &[(&str, V)],
    args: &[&str],
) -> Output {
    let mut cmd = Command::new(scanlens_bin().unwrap());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .args(args)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}
