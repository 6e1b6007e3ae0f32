//! `scanlens publish --s3` against a real S3-compatible server: moto's, started here on
//! 127.0.0.1 with IAM enforcement on, so every request's SigV4 signature is checked by botocore's
//! own signer. Objects are read back with boto3 and compared byte for byte, with their content
//! types; the failure modes print their one-line fixes.
//!
//! Needs `moto_server` and boto3 (`pip install "moto[server]"`, done by `.ci/install`).

use scanlens_e2e::{e2e, require, scanlens_bin, which, TempDir, Unavailable};
use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Creates an IAM user with S3 rights and a bucket, then turns authentication on for every later
/// request (moto's reset-auth with 0 free requests). Prints the user's keys as JSON.
const SETUP: &str = r#"
import sys, json, boto3, urllib.request
ep = sys.argv[1]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **kw)
iam.create_user(UserName="ci")
key = iam.create_access_key(UserName="ci")["AccessKey"]
iam.put_user_policy(UserName="ci", PolicyName="s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
boto3.client("s3", **kw).create_bucket(Bucket="reports")
req = urllib.request.Request(ep + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
urllib.request.urlopen(req).read()
print(json.dumps({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}))
"#;

/// Downloads every object under a prefix into a folder (key → file) and prints
/// `{key: content_type}`. It lists the whole bucket and filters here because moto's signature
/// check rejects boto3's own `Prefix=` with a `/` in it.
const DOWNLOAD: &str = r#"
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

/// The moto server, killed on drop.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start(dir: &Path) -> anyhow::Result<Moto> {
        let bin = which("moto_server")
            .ok_or_else(|| Unavailable("moto_server (pip install \"moto[server]\")".into()))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("moto.log"))?)
            .stderr(std::fs::File::create(dir.join("moto.err"))?)
            .spawn()?;
        let moto = Moto { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if start.elapsed() > Duration::from_secs(30) {
                anyhow::bail!(
                    "moto_server did not listen on {port} within 30s: {}",
                    std::fs::read_to_string(dir.join("moto.err")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(moto)
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python(script: &str, args: &[&str]) -> anyhow::Result<String> {
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
fn scanlens(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
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

fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Used when the corpus is not beside the repository.
const SMALL_TRIVY_JSON: &str = r#"{"SchemaVersion":2,"ArtifactName":"debian:latest","ArtifactType":"container_image","CreatedAt":"2021-09-01T00:00:00Z","Results":[{"Target":"debian:latest (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2020-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}]}]}"#;

fn fixture(rel: &str) -> Option<PathBuf> {
    let p = scanlens_e2e::workspace_root()
        .join("../shared/fixtures")
        .join(rel);
    p.is_file().then_some(p)
}

#[test]
fn publish_round_trips_through_a_real_s3_server() {
    if !e2e() {
        return;
    }
    let tmp = require!(TempDir::new("publish"));
    let moto = require!(Moto::start(tmp.path()));
    let ep = moto.endpoint();
    let keys: serde_json::Value =
        serde_json::from_str(&python(SETUP, &[&ep]).expect("moto setup")).unwrap();
    let (id, secret) = (
        keys["id"].as_str().unwrap().to_string(),
        keys["secret"].as_str().unwrap().to_string(),
    );

    // A real report folder (with SARIF; a space in its name, which SigV4 must encode) and a real
    // site built from it.
    let reports = tmp.path().join("out");
    let report = reports.join("debian latest");
    let input = fixture("local-trivy-0.76/debian-image-vuln-secret.json").unwrap_or_else(|| {
        let p = tmp.path().join("small.json");
        std::fs::write(&p, SMALL_TRIVY_JSON).unwrap();
        p
    });
    let site = tmp.path().join("public");
    for args in [
        vec![
            "render".as_ref(),
            input.as_os_str(),
            "--out".as_ref(),
            report.as_os_str(),
            "--sarif".as_ref(),
        ],
        vec![
            "site".as_ref(),
            "--out".as_ref(),
            site.as_os_str(),
            report.as_os_str(),
        ],
    ] {
        let out = Command::new(scanlens_bin().unwrap())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut expected = BTreeMap::new();
    for (rel, bytes) in files_under(&report) {
        expected.insert(format!("scans/abc123/out/debian latest/{rel}"), bytes);
    }
    for (rel, bytes) in files_under(&site) {
        expected.insert(format!("scans/abc123/site/{rel}"), bytes);
    }
    // What a killed render and people leave beside a report stays on the disk; the parent folder
    // is published, as a CI job with several images would.
    std::fs::create_dir_all(reports.join(".debian latest.scanlens-new-1-2")).unwrap();
    std::fs::write(
        reports.join(".debian latest.scanlens-new-1-2/report.json"),
        "{}",
    )
    .unwrap();
    std::fs::write(report.join("notes.txt"), "private").unwrap();
    std::fs::write(site.join("data/site.tmp-1"), "{}").unwrap();

    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let creds = [
        ("AWS_ACCESS_KEY_ID", id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ("AWS_ENDPOINT_URL_S3", ep.as_str()),
    ];
    let started = Instant::now();
    let out = scanlens(
        &home,
        &creds,
        &[
            "publish",
            "--s3",
            "s3://reports/scans/abc123",
            reports.to_str().unwrap(),
            "--site",
            site.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    eprintln!(
        "[timing] publish: {:.2}s: {}",
        started.elapsed().as_secs_f64(),
        stderr.trim()
    );

    // Read everything back with boto3, authenticated: the signed-request check is still on.
    let down = tmp.path().join("down");
    let types: BTreeMap<String, String> = serde_json::from_str(
        &python(
            DOWNLOAD,
            &[&ep, &id, &secret, "scans/abc123/", down.to_str().unwrap()],
        )
        .expect("download"),
    )
    .unwrap();
    let got = files_under(&down);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (key, bytes) in &expected {
        assert!(got[key] == *bytes, "{key} differs after the round trip");
    }
    let want_type = |suffix: &str| -> &str {
        match suffix.rsplit('.').next().unwrap() {
            "html" => "text/html; charset=utf-8",
            "json" => "application/json",
            "ndjson" => "application/x-ndjson",
            "sarif" => "application/sarif+json",
            "md" => "text/markdown; charset=utf-8",
            other => panic!("unexpected file type {other}"),
        }
    };
    for (key, ty) in &types {
        assert_eq!(ty, want_type(key), "{key}");
    }
    for name in [
        "report.json",
        "index.html",
        "summary.md",
        "report.sarif",
        "findings.ndjson",
    ] {
        let key = format!("scans/abc123/out/debian latest/{name}");
        assert!(types.contains_key(&key), "{key} was not published");
    }
    assert!(types.contains_key("scans/abc123/site/data/site.json"));

    // Failures: one line, exit 3, naming the fix.
    let fail = |env: &[(&str, &str)], url: &str, needle: &str| {
        let out = scanlens(
            &home,
            env,
            &["publish", "--s3", url, report.to_str().unwrap()],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "expected `{needle}` in: {err}");
    };
    fail(
        &[
            ("AWS_ACCESS_KEY_ID", id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", "not-the-secret"),
            ("AWS_ENDPOINT_URL_S3", ep.as_str()),
        ],
        "s3://reports/x",
        "credentials were rejected (SignatureDoesNotMatch)",
    );
    fail(
        &creds,
        "s3://no-such-bucket/x",
        "bucket `no-such-bucket` does not exist",
    );
    fail(
        &[("AWS_REGION", "us-east-1")],
        "s3://reports/x",
        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    );
    // A port nothing listens on: the one we just freed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{closed}");
    fail(
        &[
            ("AWS_ACCESS_KEY_ID", "k"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_ENDPOINT_URL", closed.as_str()),
        ],
        "s3://reports/x",
        "cannot reach the S3 endpoint",
    );
    // Credentials from a profile in ~/.aws, as the SDKs read them.
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        format!("[ci]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!("[profile ci]\nregion = eu-west-1\nendpoint_url = {ep}\n"),
    )
    .unwrap();
    let out = scanlens(
        &home,
        &[("AWS_PROFILE", "ci")],
        &[
            "publish",
            "--s3",
            "s3://reports/profile",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
