//! `diff`, `query`, `site` and `findings.ndjson` against the real corpus; what `publish` sends,
//! refuses and how long it waits, against a stand-in S3 on 127.0.0.1 (common/fake_s3.rs).

mod common;

use common::fake_s3::FakeS3;
use common::feed_server::{Answer, FeedServer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn scanlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(args)
        .output()
        .unwrap()
}

fn render(input: &Path, out: &Path) {
    let o = scanlens(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The alpine-3.10 golden scan, and a later scan of the same image with one vulnerability fixed
/// and one new, as a changed Trivy DB would give.
fn two_scans(dir: &Path, root: &Path) -> (PathBuf, PathBuf) {
    let raw = std::fs::read(root.join("trivy-golden/alpine-310.json.golden")).unwrap();
    let mut v: Value = serde_json::from_slice(&raw).unwrap();
    let old = dir.join("old.json");
    std::fs::write(&old, &raw).unwrap();
    v["CreatedAt"] = "2021-09-01T00:00:00Z".into();
    let vulns = v["Results"][0]["Vulnerabilities"].as_array_mut().unwrap();
    let gone = vulns.remove(0);
    let mut added = gone.clone();
    added["VulnerabilityID"] = "CVE-2099-0001".into();
    added["Severity"] = "CRITICAL".into();
    vulns.push(added);
    let new = dir.join("new.json");
    std::fs::write(&new, serde_json::to_vec(&v).unwrap()).unwrap();
    (old, new)
}

#[test]
fn diff_reports_new_and_fixed_and_gates_on_new() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = two_scans(dir.path(), &root);
    render(&old, &dir.path().join("r-old"));
    render(&new, &dir.path().join("r-new"));
    let o = scanlens(&[
        "diff",
        dir.path().join("r-old").to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["new"].as_array().unwrap().len(), 1);
    assert_eq!(d["new"][0]["id"], "CVE-2099-0001");
    assert_eq!(d["fixed"].as_array().unwrap().len(), 1);
    assert_eq!(d["unchanged"], 3);
    let o = scanlens(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--fail-on-new",
        "CRITICAL",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("**1 new**") && md.contains("CVE-2099-0001"),
        "{md}"
    );
    let o = scanlens(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--fail-on-new",
        "HIGH",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = scanlens(&["diff", "/nonexistent", new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn ndjson_and_query_agree_with_the_report() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    for (name, file) in [
        ("a", "local-trivy-0.76/debian-image-vuln-secret.json"),
        ("b", "trivy-golden/alpine-310.json.golden"),
        ("c", "trivy-golden/centos-7.json.golden"),
    ] {
        render(&root.join(file), &out.join(name));
    }
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("c/report.json")).unwrap()).unwrap();
    let nd = std::fs::read_to_string(out.join("c/findings.ndjson")).unwrap();
    let rows: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), report["findings"].as_array().unwrap().len());
    for key in [
        "image",
        "commit_sha",
        "scanned_at",
        "kind",
        "id",
        "severity",
        "package",
        "installed_version",
        "fixed_version",
        "status",
        "target",
    ] {
        assert!(rows[0].get(key).is_some(), "findings.ndjson lacks {key}");
    }
    let o = scanlens(&[
        "query",
        "SELECT image, count(*) AS n FROM findings WHERE kind = 'vulnerability' GROUP BY image ORDER BY image",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 3);
    let total: u64 = got.iter().map(|r| r["n"].as_u64().unwrap()).sum();
    let mut expected = 0;
    for name in ["a", "b", "c"] {
        let r: Value =
            serde_json::from_slice(&std::fs::read(out.join(name).join("report.json")).unwrap())
                .unwrap();
        expected += r["summary"]["vulnerabilities"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>();
    }
    assert_eq!(total, expected);
    let o = scanlens(&[
        "query",
        "SELECT id FROM findings WHERE severity='CRITICAL' AND kind='secret'",
        out.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("aws-access-key-id") && table.contains("(2 rows)"),
        "{table}"
    );
    let o = scanlens(&["query", "DROP TABLE nope", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sql error"));
}

#[test]
fn site_keeps_history_and_diffs_incrementally() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = two_scans(dir.path(), &root);
    let r_old = dir.path().join("r-old");
    let r_new = dir.path().join("r-new");
    let r_deb = dir.path().join("r-deb");
    render(&old, &r_old);
    render(&new, &r_new);
    render(
        &root.join("local-trivy-0.76/debian-image-vuln-secret.json"),
        &r_deb,
    );
    let site = dir.path().join("site");
    let s = site.to_str().unwrap();
    // Two CI runs: the first adds the old scan, the second the new one and another image.
    assert_eq!(
        scanlens(&["site", "--out", s, r_old.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        scanlens(&[
            "site",
            "--out",
            s,
            r_new.to_str().unwrap(),
            r_deb.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    // Adding the same report again changes nothing.
    assert_eq!(
        scanlens(&["site", "--out", s, r_new.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let index: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    let images = index["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    let alpine = images
        .iter()
        .find(|i| i["name"].as_str().unwrap().contains("alpine-310"))
        .unwrap();
    assert_eq!(alpine["scans"].as_array().unwrap().len(), 2);
    let slug = alpine["slug"].as_str().unwrap();
    let page = std::fs::read_to_string(site.join("images").join(slug).join("index.html")).unwrap();
    assert!(
        page.contains("<strong>1 new</strong>") && page.contains("<strong>1 fixed</strong>"),
        "{page}"
    );
    assert!(page.contains("CVE-2099-0001"));
    let latest = alpine["scans"][1]["id"].as_str().unwrap();
    assert!(site
        .join("images")
        .join(slug)
        .join(latest)
        .join("index.html")
        .is_file());
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("Content-Security-Policy"));
    assert!(
        home.contains("\"CVE-2099-0001\""),
        "latest scan's IDs are searchable"
    );
    assert!(home.contains("aws-access-key-id"));
    // Not a report directory: one clear error, the site untouched.
    let before = std::fs::read(site.join("data/site.json")).unwrap();
    let o = scanlens(&["site", "--out", s, dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("report.json"));
    assert_eq!(std::fs::read(site.join("data/site.json")).unwrap(), before);
}

/// A small scan of `app:1`, as trivy writes it.
const TRIVY_JSON: &str = r#"{"SchemaVersion":2,"ArtifactName":"app:1","ArtifactType":"container_image","CreatedAt":"2021-09-01T00:00:00Z","Results":[{"Target":"app:1 (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2020-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}]}]}"#;

/// `render --sarif` of [`TRIVY_JSON`] into `out`; returns the names of the files it wrote.
fn small_report(dir: &Path, out: &Path) -> Vec<String> {
    let input = dir.join("trivy.json");
    std::fs::write(&input, TRIVY_JSON).unwrap();
    let o = scanlens(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--sarif",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Runs `scanlens publish ARGS` against `endpoint` with test keys and nothing else from the
/// environment but `env`; killed after `limit`, so a hang fails the test instead of stalling it.
fn publish(
    endpoint: &str,
    env: &[(&str, &str)],
    args: &[&str],
    limit: Duration,
) -> (Output, Duration) {
    let args: Vec<&str> = ["publish"].iter().chain(args).copied().collect();
    timed(endpoint, env, &args, limit)
}

/// `scanlens ARGS` against the S3 `endpoint` with test credentials, killed after `limit`; its
/// output and how long it ran.
fn timed(
    endpoint: &str,
    env: &[(&str, &str)],
    args: &[&str],
    limit: Duration,
) -> (Output, Duration) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanlens"));
    cmd.env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_ENDPOINT_URL", endpoint)
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = started.elapsed();
    let out = child.wait_with_output().unwrap();
    assert!(
        took <= limit,
        "publish {args:?} still ran after {limit:?}; killed"
    );
    (out, took)
}

/// Exit 3 and one line on stderr holding each of `needles`.
fn assert_refused(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in: {err}");
    }
}

const QUICK: Duration = Duration::from_secs(30);

/// Every key one scan of `slug` with the report files `names` is published to, with its scan id
/// written `ID` and its day `DAY` (see [`masked`]), sorted.
fn scan_keys(prefix: &str, slug: &str, names: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = names
        .iter()
        .map(|n| format!("{prefix}/reports/{slug}/ID/{n}"))
        .collect();
    keys.push(format!(
        "{prefix}/findings/dt=DAY/repository={slug}/ID.ndjson.gz"
    ));
    keys.push(format!("{prefix}/site-data/records/{slug}/ID.json"));
    keys.push(format!("{prefix}/site-data/index.json"));
    keys.sort();
    keys
}

/// Scan ids (`20210825122030-0123456789ab`) as `ID`, `dt=YYYY-MM-DD` as `dt=DAY`.
fn masked_id(key: &str) -> String {
    key.split('/')
        .map(|seg| {
            let (stem, ext) = seg.split_once('.').unwrap_or((seg, ""));
            let is_id = stem.split_once('-').is_some_and(|(t, h)| {
                t.len() == 14
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && h.len() == 12
                    && h.bytes().all(|b| b.is_ascii_hexdigit())
            });
            match (is_id, ext) {
                (true, "") => "ID".to_string(),
                (true, ext) => format!("ID.{ext}"),
                _ if seg.starts_with("dt=") => "dt=DAY".to_string(),
                _ => seg.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn masked(keys: &[String]) -> Vec<String> {
    let mut m: Vec<String> = keys.iter().map(|k| masked_id(k)).collect();
    m.sort();
    m
}

#[cfg(unix)]
#[test]
fn publish_never_follows_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("out/app-1");
    let names = small_report(tmp.path(), &report);
    let secret_dir = tmp.path().join("private");
    std::fs::create_dir_all(&secret_dir).unwrap();
    std::fs::write(secret_dir.join("report.json"), "TOP-SECRET").unwrap();
    let secret = secret_dir.join("credentials");
    std::fs::write(&secret, "TOP-SECRET").unwrap();
    let s3 = FakeS3::start();
    let url = "s3://reports/scans";

    // A link to a secret file, named like a file scanlens writes.
    let link = report.join("trivy-image.json");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let (out, _) = publish(
        &s3.endpoint,
        &[],
        &["--s3", url, report.to_str().unwrap()],
        QUICK,
    );
    assert_refused(&out, &["trivy-image.json is a symbolic link", "remove it"]);
    std::fs::remove_file(&link).unwrap();

    // A link to a folder, holding a file named like a report's.
    let link = report.join("more");
    std::os::unix::fs::symlink(&secret_dir, &link).unwrap();
    let (out, _) = publish(
        &s3.endpoint,
        &[],
        &["--s3", url, report.to_str().unwrap()],
        QUICK,
    );
    assert_refused(&out, &["more is a symbolic link"]);
    std::fs::remove_file(&link).unwrap();
    assert_eq!(
        s3.connections(),
        0,
        "nothing is sent before the folders are checked"
    );

    // The report folder named on the command line may be a link: the user chose it.
    let named = tmp.path().join("latest");
    std::os::unix::fs::symlink(&report, &named).unwrap();
    let (out, _) = publish(
        &s3.endpoint,
        &[],
        &["--s3", url, named.to_str().unwrap()],
        QUICK,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(masked(&s3.keys()), scan_keys("scans", "app", &names));
    for (key, body) in s3.puts() {
        assert!(
            !String::from_utf8_lossy(&body).contains("TOP-SECRET"),
            "{key}"
        );
    }
}

#[test]
fn publish_skips_temp_and_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let report = out_dir.join("app-1");
    let names = small_report(tmp.path(), &report);
    let site = tmp.path().join("site");
    let o = scanlens(&[
        "site",
        "--out",
        site.to_str().unwrap(),
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut want = scan_keys("p", "app", &names);
    let index: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    let scan = format!(
        "images/{}/{}",
        index["images"][0]["slug"].as_str().unwrap(),
        index["images"][0]["scans"][0]["id"].as_str().unwrap()
    );
    want.extend(
        names
            .iter()
            .map(|n| format!("p/site/{}/{n}", masked_id(&scan))),
    );
    want.extend(
        ["data/site.json", "index.html", "images/app/index.html"]
            .iter()
            .map(|f| format!("p/site/{f}")),
    );
    want.sort();

    // What killed runs, editors and people leave beside reports and in a site.
    for (dir, file) in [
        (".app-1.scanlens-new-4242-17", "report.json"),
        (".app-1.scanlens-old-4242-17", "index.html"),
        ("app-1", ".env"),
        ("app-1", "notes.txt"),
        ("app-1", "id_rsa"),
        ("", "build.log"),
    ] {
        std::fs::create_dir_all(out_dir.join(dir)).unwrap();
        std::fs::write(out_dir.join(dir).join(file), "LEFTOVER").unwrap();
    }
    for (dir, file) in [
        (format!("{scan}.tmp"), "report.json"),
        ("data".into(), "site.tmp-4242"),
        ("".into(), "index.tmp-4242"),
        (".git".into(), "config"),
        (scan.clone(), "notes.txt"),
    ] {
        std::fs::create_dir_all(site.join(&dir)).unwrap();
        std::fs::write(site.join(&dir).join(file), "LEFTOVER").unwrap();
    }

    let s3 = FakeS3::start();
    let (out, _) = publish(
        &s3.endpoint,
        &[],
        &[
            "--s3",
            "s3://reports/p/",
            out_dir.to_str().unwrap(),
            "--site",
            site.to_str().unwrap(),
        ],
        QUICK,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(masked(&s3.keys()), want);
    for (key, body) in s3.puts() {
        assert_ne!(body, b"LEFTOVER", "{key}");
    }
    assert!(
        err.contains("left out 11 hidden, temporary or unknown entries"),
        "{err}"
    );
}

#[test]
fn publish_refuses_odd_prefixes() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("app-1");
    small_report(tmp.path(), &report);
    let s3 = FakeS3::start();
    for (url, needle) in [
        ("s3://reports/../../x", "`..`"),
        ("s3://reports/a/../../x", "`..`"),
        ("s3://reports/.", "`.`"),
        ("s3://reports/a/./b", "`.`"),
        ("s3://reports/a//c", "empty segment"),
        ("s3://reports//a", "empty segment"),
        ("s3://reports/a\\b", "backslash"),
        ("s3://reports/a\nb", "control character"),
        ("s3://reports/a\x1b[31mb", "control character"),
        ("s3://reports/a\x01", "control character"),
        ("s3://Reports/x", "not a valid S3 bucket name"),
        ("s3://re..ports/x", "not a valid S3 bucket name"),
        ("s3://10.0.0.1/x", "not a valid S3 bucket name"),
    ] {
        let (out, _) = publish(
            &s3.endpoint,
            &[],
            &["--s3", url, report.to_str().unwrap()],
            QUICK,
        );
        assert_refused(&out, &[needle]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.trim_end().chars().any(char::is_control),
            "printable: {err:?}"
        );
    }
    assert_eq!(s3.connections(), 0, "nothing was uploaded");
}

#[test]
fn publish_gives_up_on_a_dead_endpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("app-1");
    small_report(tmp.path(), &report);
    let dir = report.to_str().unwrap();
    let url = "s3://reports/x";

    // Each attempt ends after --timeout; three attempts and two short pauses, then one line.
    let s3 = FakeS3::silent();
    let (out, took) = publish(
        &s3.endpoint,
        &[],
        &[
            "--s3",
            url,
            dir,
            "--timeout",
            "1s",
            "--connect-timeout",
            "1s",
        ],
        QUICK,
    );
    assert_refused(
        &out,
        &[
            &s3.endpoint,
            "did not answer within 1s",
            "3 attempts",
            "AWS_ENDPOINT_URL",
            "raise --timeout",
        ],
    );
    // The scan's objects go up in parallel; each one started is tried three times.
    let n = s3.connections();
    assert!(
        n >= 3 && n.is_multiple_of(3),
        "the retries are kept: {n} connections"
    );
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(10),
        "{took:?}"
    );

    // The same through the environment, as a CI job would set it.
    let s3 = FakeS3::silent();
    let (out, took) = publish(
        &s3.endpoint,
        &[("SCANLENS_S3_TIMEOUT", "500ms")],
        &["--s3", url, dir],
        QUICK,
    );
    assert_refused(&out, &["did not answer within 500ms"]);
    assert!(took < Duration::from_secs(10), "{took:?}");

    // The whole publish is bounded too, whatever the per-request limits.
    let s3 = FakeS3::silent();
    let (out, took) = publish(
        &s3.endpoint,
        &[],
        &["--s3", url, dir, "--timeout", "1m", "--total-timeout", "2s"],
        QUICK,
    );
    assert_refused(&out, &["did not finish within 2s", "raise --total-timeout"]);
    assert!(took < Duration::from_secs(10), "{took:?}");

    let (out, _) = publish(
        &s3.endpoint,
        &[],
        &["--s3", url, dir, "--timeout", "0s"],
        QUICK,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a zero timeout is a usage error"
    );
}

/// `site --from` waits no longer than its timeouts, and names them: a bucket that never
/// answers, a deployed site that never answers, and one that drips its answer a byte at a time.
#[test]
fn site_from_gives_up_within_its_timeouts() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let site = site.to_str().unwrap();

    let s3 = FakeS3::silent();
    let (out, took) = timed(
        &s3.endpoint,
        &[],
        &[
            "site",
            "--out",
            site,
            "--from",
            "s3://reports/x",
            "--timeout",
            "1s",
            "--connect-timeout",
            "1s",
        ],
        QUICK,
    );
    assert_refused(&out, &["did not answer within 1s", "raise --timeout"]);
    assert!(took < Duration::from_secs(10), "{took:?}");

    let web = FeedServer::silent();
    let (out, took) = timed(
        "",
        &[("SCANLENS_S3_TIMEOUT", "1s")],
        &["site", "--out", site, "--from", &web.base],
        QUICK,
    );
    assert_refused(&out, &["did not answer within 1s", "raise --timeout"]);
    assert!(took < Duration::from_secs(10), "{took:?}");

    // Every read makes progress, so only the limit on the whole run ends it.
    let drip = FeedServer::start(vec![("/data/site.json", Answer::Drip)]);
    let (out, took) = timed(
        "",
        &[],
        &[
            "site",
            "--out",
            site,
            "--from",
            &drip.base,
            "--timeout",
            "1m",
            "--total-timeout",
            "2s",
        ],
        QUICK,
    );
    assert_refused(&out, &["did not finish within 2s", "raise --total-timeout"]);
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[test]
fn publish_asks_for_keys_when_it_finds_no_credentials() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("app-1");
    small_report(tmp.path(), &report);
    // No keys, no profile (an empty HOME), no container credentials, no instance metadata
    // service (whatever this machine's 169.254.169.254 is): nothing but a region.
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .env_clear()
        .env("HOME", &home)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "publish",
            "--s3",
            "s3://reports/x",
            report.to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_refused(&out, &["set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"]);
}

#[test]
fn publish_names_an_endpoint_nothing_listens_on() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("app-1");
    small_report(tmp.path(), &report);
    // A port nothing listens on: the one just freed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (out, _) = publish(
        &format!("http://127.0.0.1:{closed}"),
        &[],
        &["--s3", "s3://reports/x", report.to_str().unwrap()],
        QUICK,
    );
    assert_refused(&out, &["cannot reach the S3 endpoint"]);
}
