//! Publishing at fleet scale, against moto on 127.0.0.1 (see `common/moto.rs`):
//! - the findings table: several scans published, the bucket downloaded, and DuckDB's
//!   `read_json(..., hive_partitioning = true)` over `findings/` returns exactly the findings
//!   published, with the partition columns the keys promise; and with `--table-format parquet`
//!   DuckDB's `read_parquet` returns the same rows, value for value, as from the NDJSON table;
//! - the dashboard's index under concurrent publishers: 8 `publish` processes started at once,
//!   10 rounds, and the index lists all 8 scans every time (moto honours `If-Match` and
//!   `If-None-Match: *` on PUT, so losing writers really are refused and retry);
//! - `site --from` builds a dashboard of every scan in a bucket, and `publish --update-site`
//!   leaves one in the bucket that shows every scan, with 8 publishers at once.
//!
//! Needs `moto_server`, boto3 and the `duckdb` Python package.

mod common;
#[path = "common/moto.rs"]
mod moto;

use moto::{python, scanlens, Moto, DOWNLOAD};
use scanlens_e2e::{e2e, require, scanlens_bin, TempDir, Unavailable};
use scanlens_model::flat::{flatten, ColumnType, FlatFinding, COLUMNS, NULLABLE};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every row DuckDB reads under `root/findings/`, as JSON: the partition columns and enough of
/// each finding to tell them apart.
const DUCKDB_ROWS: &str = r#"
import sys, json, duckdb
root = sys.argv[1]
rows = duckdb.sql(f"""
    SELECT CAST(dt AS VARCHAR) AS dt, repository, image, kind, id, coalesce(package, '') AS package,
           coalesce(installed_version, '') AS installed_version, target
    FROM read_json('{root}/findings/*/*/*.ndjson.gz', hive_partitioning = true,
                   format = 'newline_delimited', union_by_name = true)
""").fetchall()
print(json.dumps([list(r) for r in rows]))
"#;

/// Every row of the findings table under `root/findings/` in one format, as DuckDB reads it with
/// Hive partitioning: `dt`, `repository`, then the row's columns (declared types given), and the
/// types DuckDB gives each column; for Parquet also each file column's schema entry.
const DUCKDB_TABLE: &str = r#"
import sys, json, glob, duckdb
root, fmt, cols = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
names = ", ".join(c for c, _ in cols)
if fmt == "ndjson":
    spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols) + "}"
    src = f"read_json('{root}/findings/*/*/*.ndjson.gz', hive_partitioning = true, format = 'newline_delimited', columns = {spec})"
else:
    src = f"read_parquet('{root}/findings/*/*/*.parquet', hive_partitioning = true)"
rel = duckdb.sql(f"SELECT CAST(dt AS VARCHAR) AS dt, repository, {names} FROM {src}")
out = {"types": dict(zip(rel.columns, [str(t) for t in rel.types])), "rows": [list(r) for r in rel.fetchall()]}
if fmt == "parquet":
    files = sorted(glob.glob(f"{root}/findings/*/*/*.parquet"))
    out["schemas"] = [duckdb.sql(f"SELECT name, type, repetition_type, converted_type FROM parquet_schema('{f}') WHERE num_children IS NULL").fetchall() for f in files]
print(json.dumps(out))
"#;

/// Reads one object (authenticated) and prints it.
const GET: &str = r#"
import sys, boto3
ep, key_id, secret, key = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=key_id, aws_secret_access_key=secret)
sys.stdout.write(s3.get_object(Bucket="reports", Key=key)["Body"].read().decode())
"#;

fn check_duckdb() -> Result<(), Unavailable> {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Ok(())
    } else {
        Err(Unavailable(
            "the duckdb Python package (pip install duckdb)".into(),
        ))
    }
}

fn render(input: &Path, out: &Path) {
    let o = Command::new(scanlens_bin().unwrap())
        .args([
            "render".as_ref(),
            input.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `(dt, repository, image, kind, id, package, installed_version, target)` of every row of the
/// report folder's findings.ndjson, as the table should hold them.
fn expected_rows(report: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(report.join("findings.ndjson")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            let secs = scanlens_model::date::parse_timestamp(&s("scanned_at")).unwrap();
            let repo = scanlens::site::repository(&s("image")).to_string();
            vec![
                scanlens_model::date::format_day(secs),
                scanlens::site::slug(&repo).as_str().to_string(),
                s("image"),
                s("kind"),
                s("id"),
                s("package"),
                s("installed_version"),
                s("target"),
            ]
        })
        .collect()
}

fn publish(moto: &Moto, home: &Path, url: &str, dirs: &[&Path]) -> String {
    let mut args = vec!["publish", "--s3", url];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    let out = scanlens(home, &moto.creds(), &args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{err}");
    err
}

/// Four corpus scans (OS packages of three distributions, a local image with secrets), each
/// rendered into the folder `out(i)` names; their folders in that order.
fn render_corpus(fixtures: &Path, out: impl Fn(usize) -> PathBuf) -> Vec<PathBuf> {
    [
        "trivy-golden/alpine-310.json.golden",
        "trivy-golden/centos-7.json.golden",
        "trivy-golden/amazon-2.json.golden",
        "local-trivy-0.76/debian-image-vuln-secret.json",
    ]
    .iter()
    .enumerate()
    .map(|(i, f)| {
        let dir = out(i);
        render(&fixtures.join(f), &dir);
        dir
    })
    .collect()
}

#[test]
fn duckdb_reads_exactly_the_published_findings_from_the_partitioned_table() {
    if !e2e() {
        return;
    }
    require!(check_duckdb());
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("fleet-table"));
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Two folders of two scans: the first publish below names a folder of folders.
    let reports = render_corpus(&fixtures, |i| {
        tmp.path().join(format!("out{}/scan-{i}", i / 2))
    });
    let mut want: Vec<Vec<String>> = reports.iter().flat_map(|r| expected_rows(r)).collect();
    assert!(want.len() >= 10, "the corpus gives {} findings", want.len());
    // Two publishes (one folder of folders, then two folders), and the first again: a scan
    // published twice is one scan in the table.
    let url = "s3://reports/table";
    publish(moto, &home, url, &[&tmp.path().join("out0")]);
    publish(moto, &home, url, &[&reports[2], &reports[3]]);
    publish(moto, &home, url, &[&reports[0]]);

    let down = tmp.path().join("down");
    python(
        DOWNLOAD,
        &[
            &moto.endpoint(),
            &moto.id,
            &moto.secret,
            "table/findings/",
            down.to_str().unwrap(),
        ],
    )
    .expect("download");
    let got: Vec<Vec<String>> = serde_json::from_str(
        &python(DUCKDB_ROWS, &[down.join("table").to_str().unwrap()]).expect("duckdb"),
    )
    .unwrap();
    let mut got = got;
    got.sort();
    want.sort();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "DuckDB reads other rows than were published");
    // `scanlens query` reads the downloaded prefix: the table, not the report folders beside it.
    python(
        DOWNLOAD,
        &[
            &moto.endpoint(),
            &moto.id,
            &moto.secret,
            "table/",
            down.to_str().unwrap(),
        ],
    )
    .expect("download");
    assert!(down.join("table/reports").is_dir());
    let q = Command::new(scanlens_bin().unwrap())
        .args(["query", "SELECT count(*) AS n FROM findings", "--json"])
        .arg(down.join("table"))
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let counted: serde_json::Value = serde_json::from_slice(&q.stdout).unwrap();
    assert_eq!(
        counted[0]["n"],
        want.len(),
        "scanlens query counts the table once"
    );
    // Each partition holds what its key says: four repositories, each scan's day.
    let repos: BTreeSet<&str> = got.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(repos.len(), 4, "{repos:?}");
}

/// DuckDB's name for a column's declared type.
fn duckdb_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text => "VARCHAR",
        ColumnType::Real => "DOUBLE",
        ColumnType::Boolean => "BOOLEAN",
    }
}

/// The table under `root` as DuckDB reads it in `format`: each row as one JSON array, sorted,
/// and the reply as it came.
fn duckdb_table(root: &Path, format: &str) -> (Vec<String>, serde_json::Value) {
    let columns: Vec<(&str, &str)> = scanlens_model::flat::COLUMNS
        .iter()
        .map(|&(c, t)| (c, duckdb_type(t)))
        .collect();
    let reply: serde_json::Value = serde_json::from_str(
        &python(
            DUCKDB_TABLE,
            &[
                root.to_str().unwrap(),
                format,
                &serde_json::to_string(&columns).unwrap(),
            ],
        )
        .expect("duckdb"),
    )
    .unwrap();
    let mut rows: Vec<String> = reply["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.to_string())
        .collect();
    rows.sort();
    (rows, reply)
}

#[test]
fn parquet_and_ndjson_tables_hold_the_same_published_findings() {
    if !e2e() {
        return;
    }
    require!(check_duckdb());
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("fleet-formats"));
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let reports = render_corpus(&fixtures, |i| tmp.path().join(format!("out/scan-{i}")));
    // What was published: report.json's findings, each as its findings.ndjson row, with the
    // partition its key names; as `[dt, repository, columns...]` in JSON, sorted.
    let mut want: Vec<String> = Vec::new();
    for r in &reports {
        let report = scanlens::input::load_report(r).unwrap();
        let rows: Vec<FlatFinding> = flatten(&report).collect();
        let text = std::fs::read_to_string(r.join("findings.ndjson")).unwrap();
        let ndjson: Vec<FlatFinding> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), report.findings.len());
        assert_eq!(
            ndjson,
            rows,
            "{}: findings.ndjson is report.json's rows",
            r.display()
        );
        for (row, keys) in rows.iter().zip(expected_rows(r)) {
            let v = serde_json::to_value(row).unwrap();
            let mut cells = vec![
                serde_json::Value::from(keys[0].clone()),
                serde_json::Value::from(keys[1].clone()),
            ];
            cells.extend(COLUMNS.iter().map(|(c, _)| v[*c].clone()));
            want.push(serde_json::Value::Array(cells).to_string());
        }
    }
    want.sort();
    assert!(want.len() >= 10, "the corpus gives {} findings", want.len());

    let down = tmp.path().join("down");
    let mut tables = Vec::new();
    for format in ["ndjson", "parquet"] {
        let prefix = format!("formats-{format}");
        let url = format!("s3://reports/{prefix}");
        if format == "ndjson" {
            // The default, then the flag: the same objects, one per scan.
            publish(moto, &home, &url, &[&tmp.path().join("out")]);
        }
        let mut args = vec!["publish", "--s3", url.as_str(), "--table-format", format];
        args.extend(reports.iter().map(|r| r.to_str().unwrap()));
        let o = scanlens(&home, &moto.creds(), &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        python(
            DOWNLOAD,
            &[
                &moto.endpoint(),
                &moto.id,
                &moto.secret,
                &format!("{prefix}/findings/"),
                down.to_str().unwrap(),
            ],
        )
        .expect("download");
        tables.push(down.join(&prefix));
    }
    // One object per scan, in the format asked for.
    let files = |root: &Path, ext: &str| -> usize {
        let mut n = 0;
        for day in std::fs::read_dir(root.join("findings")).unwrap() {
            for repo in std::fs::read_dir(day.unwrap().path()).unwrap() {
                for f in std::fs::read_dir(repo.unwrap().path()).unwrap() {
                    n += usize::from(f.unwrap().file_name().to_string_lossy().ends_with(ext));
                }
            }
        }
        n
    };
    assert_eq!(files(&tables[0], ".ndjson.gz"), reports.len());
    assert_eq!(files(&tables[0], ".parquet"), 0);
    assert_eq!(files(&tables[1], ".parquet"), reports.len());
    assert_eq!(files(&tables[1], ".ndjson.gz"), 0);

    let (ndjson, _) = duckdb_table(&tables[0], "ndjson");
    let (parquet, reply) = duckdb_table(&tables[1], "parquet");
    assert_eq!(ndjson.len(), want.len(), "NDJSON rows");
    assert!(
        ndjson == want,
        "DuckDB reads other NDJSON rows than were published"
    );
    assert_eq!(parquet.len(), ndjson.len(), "Parquet rows");
    for (i, (p, n)) in parquet.iter().zip(&ndjson).enumerate() {
        assert_eq!(p, n, "row {i}: Parquet and NDJSON differ");
    }
    // DuckDB types the Parquet columns as declared, with no hint: strings are UTF8, not bytes.
    for &(c, t) in COLUMNS {
        assert_eq!(reply["types"][c], duckdb_type(t), "{c}");
    }
    let schemas = reply["schemas"].as_array().unwrap();
    assert_eq!(schemas.len(), reports.len());
    for schema in schemas {
        let schema = schema.as_array().unwrap();
        assert_eq!(schema.len(), COLUMNS.len());
        for ((entry, &(c, t)), &nullable) in schema.iter().zip(COLUMNS).zip(NULLABLE) {
            assert_eq!(entry[0], c);
            let repetition = if nullable { "OPTIONAL" } else { "REQUIRED" };
            assert_eq!(entry[2], repetition, "{c}");
            if t == ColumnType::Text {
                assert_eq!(entry[3], "UTF8", "{c}");
            }
        }
    }
    // `scanlens query` reads both tables to the same rows.
    let query = |root: &Path| -> Vec<String> {
        let q = Command::new(scanlens_bin().unwrap())
            .args(["query", "SELECT * FROM findings", "--json"])
            .arg(root.join("findings"))
            .output()
            .unwrap();
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
        let rows: serde_json::Value = serde_json::from_slice(&q.stdout).unwrap();
        let mut rows: Vec<String> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.to_string())
            .collect();
        rows.sort();
        rows
    };
    let from_ndjson = query(&tables[0]);
    assert_eq!(from_ndjson.len(), want.len());
    assert!(
        query(&tables[1]) == from_ndjson,
        "scanlens query reads the Parquet table differently"
    );
}

/// A small scan of `image`.
fn small_scan(image: &str) -> String {
    format!(
        r#"{{"SchemaVersion":2,"ArtifactName":"{image}:1","ArtifactType":"container_image","CreatedAt":"2024-05-01T10:00:00Z","Results":[{{"Target":"t","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}}]}}]}}"#
    )
}

#[test]
fn eight_publishers_at_once_never_lose_a_scan_from_the_index() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("fleet-race"));
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    const PUBLISHERS: usize = 8;
    const ROUNDS: usize = 10;
    let reports: Vec<PathBuf> = (0..PUBLISHERS)
        .map(|i| {
            let input = tmp.path().join(format!("in-{i}.json"));
            std::fs::write(&input, small_scan(&format!("team/app-{i}"))).unwrap();
            let out = tmp.path().join(format!("out/app-{i}"));
            render(&input, &out);
            out
        })
        .collect();
    let mut conflicts = 0;
    for round in 0..ROUNDS {
        let url = format!("s3://reports/race/round-{round}");
        let children: Vec<_> = reports
            .iter()
            .map(|r| {
                let mut cmd = Command::new(scanlens_bin().unwrap());
                cmd.env_clear()
                    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                    .env("HOME", &home)
                    .args(["publish", "--s3", &url, r.to_str().unwrap()])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                for (k, v) in moto.creds() {
                    cmd.env(k, v);
                }
                cmd.spawn().unwrap()
            })
            .collect();
        for child in children {
            // Each publish is bounded by its own --total-timeout (10 minutes by default).
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "round {round}: {err}");
            if let Some(n) = err
                .split("(rebuilt ")
                .nth(1)
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse::<u32>().ok())
            {
                conflicts += n - 1;
            }
        }
        let index: serde_json::Value = serde_json::from_str(
            &python(
                GET,
                &[
                    &moto.endpoint(),
                    &moto.id,
                    &moto.secret,
                    &format!("race/round-{round}/site-data/index.json"),
                ],
            )
            .expect("the index"),
        )
        .unwrap();
        let images: BTreeSet<String> = index["images"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["scans"].as_array().is_some_and(|s| s.len() == 1))
            .map(|i| i["name"].as_str().unwrap().to_string())
            .collect();
        let want: BTreeSet<String> = (0..PUBLISHERS).map(|i| format!("team/app-{i}")).collect();
        assert_eq!(images, want, "round {round}: the index lost a scan");
    }
    eprintln!(
        "[fleet] {ROUNDS} rounds of {PUBLISHERS} publishers: {conflicts} conditional writes lost and retried"
    );
    // Started together, publishers do race: a run where none ever lost did not test the retry.
    assert!(conflicts > 0, "no publisher ever lost a conditional write");
}

/// The image names a dashboard's `data/site.json` lists, each with its number of scans.
fn listed(index: &serde_json::Value) -> Vec<(String, usize)> {
    index["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["scans"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[test]
fn site_from_a_bucket_and_update_site_show_every_published_scan() {
    if !e2e() {
        return;
    }
    let moto = Moto::shared();
    let tmp = require!(TempDir::new("fleet-site"));
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    const PUBLISHERS: usize = 8;
    let reports: Vec<PathBuf> = (0..PUBLISHERS)
        .map(|i| {
            let input = tmp.path().join(format!("in-{i}.json"));
            std::fs::write(&input, small_scan(&format!("site/app-{i}"))).unwrap();
            let out = tmp.path().join(format!("out/app-{i}"));
            render(&input, &out);
            out
        })
        .collect();
    let url = "s3://reports/dash";
    let children: Vec<_> = reports
        .iter()
        .map(|r| {
            let mut cmd = Command::new(scanlens_bin().unwrap());
            cmd.env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", &home)
                .env("TMPDIR", tmp.path())
                .args(["publish", "--s3", url, "--update-site", r.to_str().unwrap()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            for (k, v) in moto.creds() {
                cmd.env(k, v);
            }
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(err.contains("the dashboard at site/"), "{err}");
    }
    let want: Vec<(String, usize)> = (0..PUBLISHERS)
        .map(|i| (format!("site/app-{i}"), 1))
        .collect();
    // The dashboard in the bucket, as the last publisher left it.
    let index: serde_json::Value = serde_json::from_str(
        &python(
            GET,
            &[
                &moto.endpoint(),
                &moto.id,
                &moto.secret,
                "dash/site/data/site.json",
            ],
        )
        .expect("the dashboard's index"),
    )
    .unwrap();
    assert_eq!(listed(&index), want, "the bucket's dashboard");

    // A local dashboard from the bucket, then again: nothing new to add the second time.
    let site = tmp.path().join("public");
    let out = scanlens(
        &home,
        &moto.creds(),
        &["site", "--out", site.to_str().unwrap(), "--from", url],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("added 8 scan(s)"), "{err}");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    assert_eq!(listed(&index), want, "site --from");
    for i in 0..PUBLISHERS {
        let image = &index["images"][i];
        let folder = site
            .join("images")
            .join(image["slug"].as_str().unwrap())
            .join(image["scans"][0]["id"].as_str().unwrap());
        assert!(folder.join("report.json").is_file(), "{}", folder.display());
    }
    let out = scanlens(
        &home,
        &moto.creds(),
        &["site", "--out", site.to_str().unwrap(), "--from", url],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("added 0 scan(s)"), "{err}");
    // Nothing is left beside the site.
    let beside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("scanlens-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}
