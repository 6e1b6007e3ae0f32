//! `scanlens publish --s3` against a real S3-compatible server: moto's, started here on
//! 127.0.0.1 with IAM enforcement on, so every request's SigV4 signature is checked by botocore's
//! own signer. Objects are read back with boto3 and compared byte for byte, with their content
//! types; the failure modes print their one-line fixes.
//!
//! Needs `moto_server` and boto3 (`pip install "moto[server]"`, done by `.ci/install`). One
//! server serves every test of this binary (stopped when the binary exits); each test publishes
//! under a prefix of its own. The failures that need no server (no credentials, nothing
//! listening) are in `generator/tests/publishing.rs`.

mod common;
#[path = "common/moto.rs"]
mod moto;

use moto::{python, scanlens, Moto, DOWNLOAD, ROLE_ARN};
use scanlens_e2e::{e2e, require, scanlens_bin, TempDir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

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

/// A small scan, for the tests that need a report folder but not what is in it.
const SMALL_TRIVY_JSON: &str = r#"{"SchemaVersion":2,"ArtifactName":"debian:latest","ArtifactType":"container_image","CreatedAt":"2021-09-01T00:00:00Z","Results":[{"Target":"debian:latest (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2020-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}]}]}"#;

/// Runs `scanlens ARGS` (not `publish`) and expects it to succeed.
fn prepare(args: &[&std::ffi::OsStr]) {
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

/// `render --sarif` of `input` into `out`.
fn render(input: &Path, out: &Path) {
    prepare(&[
        "render".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--sarif".as_ref(),
    ]);
}

/// A report folder of [`SMALL_TRIVY_JSON`] under `tmp`.
fn small_report(tmp: &Path) -> PathBuf {
    let input = tmp.join("small.json");
    std::fs::write(&input, SMALL_TRIVY_JSON).unwrap();
    let report = tmp.join("out/debian-latest");
    render(&input, &report);
    report
}

/// What one publish of a real report and site put in the bucket.
struct RoundTrip {
    /// Key → bytes of every file render and site wrote, under the published prefix.
    expected: BTreeMap<String, Vec<u8>>,
    /// Key → bytes read back with boto3.
    got: BTreeMap<String, Vec<u8>>,
    /// Key → content type read back with boto3.
    types: BTreeMap<String, String>,
    /// The scan's folder name under `reports/<slug>/` and the findings table.
    slug: String,
    id: String,
}

/// Renders a real report folder from the corpus (with SARIF; a space in its name, which SigV4
/// must encode) and a site from it, leaves beside them what a killed render and people leave,
/// publishes the parent folder (as a CI job with several images would) and the site under
/// `s3://reports/PREFIX`, and reads everything back with boto3, authenticated: the signed-request
/// check is still on. `None` when the corpus is missing and SCANLENS_SKIP_FIXTURES is set.
fn round_trip(tmp: &Path, prefix: &str) -> Option<RoundTrip> {
    let input = common::fixtures()?.join("local-trivy-0.76/debian-image-vuln-secret.json");
    let moto = Moto::shared();
    let reports = tmp.join("out");
    let report = reports.join("debian latest");
    let site = tmp.join("public");
    render(&input, &report);
    prepare(&[
        "site".as_ref(),
        "--out".as_ref(),
        site.as_os_str(),
        report.as_os_str(),
    ]);
    // The scan's folder name in the site is its slug and id in the bucket too.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    let slug = index["images"][0]["slug"].as_str().unwrap().to_string();
    let id = index["images"][0]["scans"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut expected = BTreeMap::new();
    for (rel, bytes) in files_under(&report) {
        expected.insert(format!("{prefix}/reports/{slug}/{id}/{rel}"), bytes);
    }
    for (rel, bytes) in files_under(&site) {
        expected.insert(format!("{prefix}/site/{rel}"), bytes);
    }
    // Left on the disk, never published.
    std::fs::create_dir_all(reports.join(".debian latest.scanlens-new-1-2")).unwrap();
    std::fs::write(
        reports.join(".debian latest.scanlens-new-1-2/report.json"),
        "{}",
    )
    .unwrap();
    std::fs::write(report.join("notes.txt"), "private").unwrap();
    std::fs::write(site.join("data/site.tmp-1"), "{}").unwrap();

    let home = tmp.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let started = Instant::now();
    let url = format!("s3://reports/{prefix}");
    let out = scanlens(
        &home,
        &moto.creds(),
        &[
            "publish",
            "--s3",
            &url,
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

    let down = tmp.join("down");
    let types: BTreeMap<String, String> = serde_json::from_str(
        &python(
            DOWNLOAD,
            &[
                &moto.endpoint(),
                &moto.id,
                &moto.secret,
                &format!("{prefix}/"),
                down.to_str().unwrap(),
            ],
        )
        .expect("download"),
    )
    .unwrap();
    Some(RoundTrip {
        expected,
        got: files_under(&down),
        types,
        slug,
        id,
    })
}

#[test]
fn publish_uploads_the_report_and_the_site_byte_for_byte_and_nothing_else() {
    if !e2e() {
        return;
    }
    let tmp = require!(TempDir::new("publish-bytes"));
    let Some(mut rt) = round_trip(tmp.path(), "scans/abc123") else {
        return;
    };
    let (slug, id) = (rt.slug.clone(), rt.id.clone());
    // Beside the files: the scan's findings in the table, its record and the index.
    let findings: Vec<String> = rt
        .got
        .keys()
        .filter(|k| k.starts_with("scans/abc123/findings/dt="))
        .cloned()
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0].ends_with(&format!("/repository={slug}/{id}.ndjson.gz")),
        "{findings:?}"
    );
    let mut rows = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&rt.got.remove(&findings[0]).unwrap()[..]),
        &mut rows,
    )
    .unwrap();
    let ndjson = format!("scans/abc123/reports/{slug}/{id}/findings.ndjson");
    assert!(
        rows == rt.expected[&ndjson],
        "the table holds the report's rows"
    );
    let record = rt
        .got
        .remove(&format!("scans/abc123/site-data/records/{slug}/{id}.json"))
        .expect("the scan's record");
    let record: serde_json::Value = serde_json::from_slice(&record).unwrap();
    assert_eq!(record["scan"]["id"], id.as_str());
    let index = rt
        .got
        .remove("scans/abc123/site-data/index.json")
        .expect("the index");
    let index: serde_json::Value = serde_json::from_slice(&index).unwrap();
    assert_eq!(index["images"][0]["scans"][0]["id"], id.as_str());
    // Exactly the files render and site wrote: no leftovers, no notes.txt, no site.tmp-1.
    assert_eq!(
        rt.got.keys().collect::<Vec<_>>(),
        rt.expected.keys().collect::<Vec<_>>()
    );
    for (key, bytes) in &rt.expected {
        assert!(rt.got[key] == *bytes, "{key} differs after the round trip");
    }
    for name in [
        "report.json",
        "index.html",
        "summary.md",
        "report.sarif",
        "findings.ndjson",
    ] {
        let key = format!("scans/abc123/reports/{slug}/{id}/{name}");
        assert!(rt.types.contains_key(&key), "{key} was not published");
    }
    assert!(rt.types.contains_key("scans/abc123/site/data/site.json"));
}

#[test]
fn published_objects_carry_the_content_types_browsers_and_athena_expect() {
    if !e2e() {
        return;
    }
    let tmp = require!(TempDir::new("publish-types"));
    let Some(rt) = round_trip(tmp.path(), "scans/types") else {
        return;
    };
    let want_type = |suffix: &str| -> &str {
        match suffix.rsplit('.').next().unwrap() {
            "html" => "text/html; charset=utf-8",
            "json" => "application/json",
            "ndjson" => "application/x-ndjson",
            "gz" => "application/gzip",
            "sarif" => "application/sarif+json",
            "md" => "text/markdown; charset=utf-8",
            other => panic!("unexpected file type {other}"),
        }
    };
    assert!(!rt.types.is_empty(), "nothing was published");
    for (key, ty) in &rt.types {
        assert_eq!(ty, want_type(key), "{key}");
    }
}

/// Exit 3, one line on stderr, naming the fix.
fn assert_fails(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
}

#[test]
fn publish_names_rejected_credentials() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("publish-rejected"));
    let report = small_report(tmp.path());
    let endpoint = moto.endpoint();
    let out = scanlens(
        tmp.path(),
        &[
            ("AWS_ACCESS_KEY_ID", moto.id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", "not-the-secret"),
            ("AWS_ENDPOINT_URL_S3", endpoint.as_str()),
        ],
        &[
            "publish",
            "--s3",
            "s3://reports/x",
            report.to_str().unwrap(),
        ],
    );
    assert_fails(&out, "credentials were rejected (SignatureDoesNotMatch)");
}

#[test]
fn publish_names_a_missing_bucket() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("publish-no-bucket"));
    let report = small_report(tmp.path());
    let out = scanlens(
        tmp.path(),
        &moto.creds(),
        &[
            "publish",
            "--s3",
            "s3://no-such-bucket/x",
            report.to_str().unwrap(),
        ],
    );
    assert_fails(&out, "bucket `no-such-bucket` does not exist");
}

/// Credentials, region and endpoint from a profile in ~/.aws, as the SDKs read them.
#[test]
fn publish_reads_credentials_and_the_endpoint_from_an_aws_profile() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("publish-profile"));
    let report = small_report(tmp.path());
    let home = tmp.path().join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/credentials"),
        format!(
            "[ci]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            moto.id, moto.secret
        ),
    )
    .unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!(
            "[profile ci]\nregion = eu-west-1\nendpoint_url = {}\n",
            moto.endpoint()
        ),
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

/// Web identity, as EKS (IRSA), GitLab and GitHub OIDC hand it out: the token file and the role
/// are exchanged at moto's STS (unsigned, as AWS takes it) for temporary keys, which moto then
/// checks on every S3 request, session token included.
#[test]
fn publish_assumes_a_role_with_a_web_identity_token() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("publish-web-identity"));
    let report = small_report(tmp.path());
    let token = tmp.path().join("token");
    std::fs::write(
        &token,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9hcHAifQ.c2ln\n",
    )
    .unwrap();
    let endpoint = moto.endpoint();
    let env = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", ROLE_ARN),
        ("AWS_ROLE_SESSION_NAME", "job-42"),
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let out = scanlens(
        tmp.path(),
        &env,
        &[
            "publish",
            "--s3",
            "s3://reports/oidc",
            report.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("the index lists 1 scans"), "{err}");
    // (Moto's STS grants any role, so STS's refusal is tested against a stand-in:
    // `s3::credentials` unit tests.)
}

/// A stand-in for the EC2 instance metadata service on 127.0.0.1 that insists on IMDSv2: it
/// answers a session token to `PUT /latest/api/token`, and the role's credentials (moto's user's
/// keys) only to requests carrying that token. Serves `n` requests; returns what it saw.
fn fake_imds(
    n: usize,
    id: String,
    secret: String,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..n {
            let (sock, _) = listener.accept().unwrap();
            sock.set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(sock.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let first = head.lines().next().unwrap_or("").to_string();
            let token = head
                .to_lowercase()
                .contains("x-aws-ec2-metadata-token: imds-session");
            let (status, body) = match first.split_whitespace().take(2).collect::<Vec<_>>()[..] {
                ["PUT", "/latest/api/token"] => ("200 OK", "imds-session".to_string()),
                [_, _] if !token => ("401 Unauthorized", String::new()),
                ["GET", "/latest/meta-data/iam/security-credentials/"] => {
                    ("200 OK", "ci-instance-role".to_string())
                }
                ["GET", "/latest/meta-data/iam/security-credentials/ci-instance-role"] => (
                    "200 OK",
                    format!(
                        r#"{{"Code":"Success","AccessKeyId":"{id}","SecretAccessKey":"{secret}","Expiration":"2099-01-01T00:00:00Z"}}"#
                    ),
                ),
                _ => ("404 Not Found", String::new()),
            };
            let mut w = sock;
            let _ = write!(
                w,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            seen.push(first);
        }
        seen
    });
    (endpoint, handle)
}

/// On EC2 (Jenkins or GitLab runners with an instance role): no keys anywhere, credentials from
/// the instance metadata service, IMDSv2 only.
#[test]
fn publish_uses_an_instance_role_through_imdsv2() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("publish-imds"));
    let report = small_report(tmp.path());
    let (imds, server) = fake_imds(3, moto.id.clone(), moto.secret.clone());
    let endpoint = moto.endpoint();
    let out = scanlens(
        tmp.path(),
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
            ("AWS_ENDPOINT_URL_S3", endpoint.as_str()),
        ],
        &[
            "publish",
            "--s3",
            "s3://reports/imds",
            report.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let seen = server.join().unwrap();
    assert!(seen[0].starts_with("PUT /latest/api/token"), "{seen:?}");
    // Disabled: no keys at all is the one-line error (that it is not even asked is a unit test).
    let out = scanlens(
        tmp.path(),
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ENDPOINT_URL_S3", endpoint.as_str()),
        ],
        &[
            "publish",
            "--s3",
            "s3://reports/imds",
            report.to_str().unwrap(),
        ],
    );
    assert_fails(&out, "no AWS credentials found");
}

/// Writes a CA, and a server certificate for 127.0.0.1 it signed, as PEM files into the folder
/// given: `ca.pem`, `server.pem`, `server.key`.
const MAKE_CERTS: &str = r#"
import sys, datetime, ipaddress
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
out = sys.argv[1]
now = datetime.datetime.now(datetime.timezone.utc)
def name(cn): return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
ca_key = ec.generate_private_key(ec.SECP256R1())
ca = (x509.CertificateBuilder().subject_name(name("scanlens test CA")).issuer_name(name("scanlens test CA"))
      .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
      .sign(ca_key, hashes.SHA256()))
key = ec.generate_private_key(ec.SECP256R1())
cert = (x509.CertificateBuilder().subject_name(name("127.0.0.1")).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256()))
open(out + "/ca.pem", "wb").write(ca.public_bytes(serialization.Encoding.PEM))
open(out + "/server.pem", "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(out + "/server.key", "wb").write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
"#;

/// A moto server of its own, over TLS with a certificate of a private CA; killed when dropped.
struct TlsMoto(std::process::Child);

impl Drop for TlsMoto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `AWS_CA_BUNDLE`: an S3-compatible server behind a company CA is trusted through the bundle,
/// and refused without it.
#[test]
fn publish_trusts_the_ca_bundle_it_is_given() {
    if !e2e() {
        return;
    }
    Moto::shared(); // moto is installed: the same check as the other tests.
    let tmp = require!(TempDir::new("publish-ca-bundle"));
    python(MAKE_CERTS, &[tmp.path().to_str().unwrap()]).expect("certificates");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = TlsMoto(
        Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string(), "-c"])
            .arg(tmp.path().join("server.pem"))
            .arg("-k")
            .arg(tmp.path().join("server.key"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server"),
    );
    let endpoint = format!("https://127.0.0.1:{port}");
    let ca = tmp.path().join("ca.pem");
    let make_bucket = format!(
        "import boto3,time\nfor i in range(300):\n    try:\n        boto3.client('s3', endpoint_url='{endpoint}', region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b', verify='{}').create_bucket(Bucket='tls'); break\n    except Exception as e:\n        time.sleep(0.1)\nelse:\n    raise SystemExit('moto over TLS did not start: ' + str(e))",
        ca.display()
    );
    python(&make_bucket, &[]).expect("bucket over TLS");
    let report = small_report(tmp.path());
    let env = |bundle: Option<&Path>| {
        let mut e = vec![
            ("AWS_ACCESS_KEY_ID", "a".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "b".to_string()),
            ("AWS_ENDPOINT_URL_S3", endpoint.clone()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ];
        if let Some(b) = bundle {
            e.push(("AWS_CA_BUNDLE", b.display().to_string()));
        }
        e
    };
    let args = ["publish", "--s3", "s3://tls/x", report.to_str().unwrap()];
    let out = scanlens(tmp.path(), &env(Some(&ca)), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The built-in roots do not know the company CA.
    let out = scanlens(tmp.path(), &env(None), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&endpoint)
            && err.contains("UnknownIssuer")
            && err.contains("set AWS_CA_BUNDLE"),
        "{err}"
    );
    drop(server);
}
