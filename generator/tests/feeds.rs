//! The exploitability feeds end to end: CISA's real KEV catalog and an EPSS file in FIRST's
//! format joined onto real Trivy reports, refused when malformed, downloaded by `feeds fetch`
//! from a server on 127.0.0.1, and what they change in report.json, findings.ndjson,
//! report.sarif and the gate. Expected values come from reading the raw feed files here,
//! independently of the model's parsers.
//!
//! `tests/data/epss_scores-2025-03-15.csv` is in FIRST's format with made-up scores (there is no
//! real EPSS file in the corpus): every other CVE of the corpus is scored, so the corpus has
//! scored and unscored vulnerabilities.

mod common;

use common::feed_server::{Answer, FeedServer};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn scanlens(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanlens"));
    // A CI's commit variables would make report.json differ from the library's.
    for var in [
        "GITHUB_SHA",
        "CI_COMMIT_SHA",
        "CODEBUILD_RESOLVED_SOURCE_VERSION",
        "GIT_COMMIT",
    ] {
        cmd.env_remove(var);
    }
    cmd.args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn kev_file() -> Option<PathBuf> {
    Some(common::fixtures()?.join("feeds/known_exploited_vulnerabilities.json"))
}

fn golden(name: &str) -> PathBuf {
    common::fixtures().unwrap().join("trivy-golden").join(name)
}

const SPRING: [&str; 2] = [
    "spring4shell-jre8.json.golden",
    "spring4shell-jre11.json.golden",
];

fn epss_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/epss_scores-2025-03-15.csv")
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The catalog's entries by CVE, read as plain JSON.
fn raw_kev() -> HashMap<String, Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(kev_file().unwrap()).unwrap()).unwrap();
    v["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["cveID"].as_str().unwrap().to_string(), e.clone()))
        .collect()
}

/// The test EPSS file's rows, split by hand.
fn raw_epss() -> HashMap<String, (f64, f64)> {
    let text = std::fs::read_to_string(epss_file()).unwrap();
    text.lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                (f[1].parse().unwrap(), f[2].parse().unwrap()),
            )
        })
        .collect()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Renders `input` into `out` with `extra` options; the exit code and stderr.
fn render(input: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["render", s(input), "--out", s(out)];
    args.extend_from_slice(extra);
    let o = scanlens(&args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The finding's ID and those aliases that are CVE IDs.
fn cve_ids(f: &Value) -> Vec<String> {
    let mut ids = vec![f["id"].as_str().unwrap().to_string()];
    for a in f["aliases"].as_array().into_iter().flatten() {
        let a = a.as_str().unwrap();
        if a.starts_with("CVE-") {
            ids.push(a.to_string());
        }
    }
    ids
}

#[test]
fn kev_marks_spring4shell_in_both_goldens_with_the_catalogs_entry() {
    let Some(kev) = kev_file() else { return };
    let raw = raw_kev();
    let entry = &raw["CVE-2022-22965"];
    let catalog: Value = serde_json::from_slice(&std::fs::read(&kev).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in SPRING {
        let out = dir.path().join(name);
        let (code, err) = render(&golden(name), &out, &["--kev", s(&kev)]);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("feeds: KEV catalog 2025.08.25 (1404 CVEs)"),
            "{err}"
        );
        let r = json(&out.join("report.json"));
        assert_eq!(
            r["feeds"],
            serde_json::json!({"kev": catalog["catalogVersion"]})
        );
        let f = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "CVE-2022-22965")
            .unwrap_or_else(|| panic!("{name} has spring4shell"));
        let k = &f["kev"];
        assert_eq!(k["date_added"], entry["dateAdded"], "{name}");
        assert_eq!(k["due_date"], entry["dueDate"]);
        assert_eq!(k["name"], entry["vulnerabilityName"]);
        assert_eq!(k["required_action"], entry["requiredAction"]);
        assert_eq!(
            k["ransomware"],
            entry["knownRansomwareCampaignUse"] == "Known"
        );
        assert!(f.get("epss").is_none(), "no EPSS file, no epss key");
    }
}

/// Across the whole corpus, a vulnerability is listed exactly when the raw catalog has its ID
/// or a CVE alias, and scored with the highest raw EPSS score among them: nothing is listed
/// that is not in the feeds, and nothing in them is missed.
#[test]
fn kev_and_epss_list_exactly_what_the_raw_feeds_list_across_the_corpus() {
    let Some(kev_path) = kev_file() else { return };
    let kev = scanlens_model::feeds::KevCatalog::parse(&std::fs::read(&kev_path).unwrap()).unwrap();
    let epss =
        scanlens_model::feeds::EpssScores::parse(&std::fs::read(epss_file()).unwrap()).unwrap();
    let (raw_kev, raw_epss) = (raw_kev(), raw_epss());
    assert_eq!(kev.len(), raw_kev.len());
    assert_eq!(epss.len(), raw_epss.len());
    let (mut vulns, mut listed, mut scored, mut other_kinds) = (0, 0, 0, 0);
    for file in common::corpus_files() {
        let mut report = scanlens::input::read_reports(std::slice::from_ref(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        scanlens_model::feeds::enrich(&mut report, Some(&kev), Some(&epss));
        let v = serde_json::to_value(&report).unwrap();
        for f in v["findings"].as_array().unwrap() {
            if f["kind"] != "vulnerability" {
                assert!(f.get("kev").is_none() && f.get("epss").is_none(), "{f}");
                other_kinds += 1;
                continue;
            }
            vulns += 1;
            let ids = cve_ids(f);
            let in_kev = ids.iter().find_map(|id| raw_kev.get(id));
            match in_kev {
                Some(e) => {
                    listed += 1;
                    assert_eq!(f["kev"]["date_added"], e["dateAdded"], "{}", file.display());
                }
                None => assert!(f["kev"].is_null(), "{}: {f}", file.display()),
            }
            let best = ids
                .iter()
                .filter_map(|id| raw_epss.get(id))
                .map(|s| s.0)
                .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
            match best {
                Some(score) => {
                    scored += 1;
                    assert_eq!(f["epss"]["score"].as_f64(), Some(score), "{f}");
                    assert_eq!(f["epss"]["date"], "2025-03-15");
                }
                None => assert!(f["epss"].is_null(), "{}: {f}", file.display()),
            }
        }
    }
    // Both spring4shell goldens, and some of each of the rest.
    assert_eq!(listed, 2, "{vulns} vulnerabilities");
    assert!(scored > 10 && scored < vulns, "{scored} of {vulns} scored");
    assert!(other_kinds > 0);
}

#[test]
fn epss_reads_plain_and_gzipped_files_told_apart_by_content() {
    if common::fixtures().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read(epss_file()).unwrap();
    // A gzipped file under a plain name, and a plain one under a gzip name.
    let packed = dir.path().join("scores.csv");
    std::fs::write(&packed, gz(&csv)).unwrap();
    let plain_named_gz = dir.path().join("scores.csv.gz");
    std::fs::write(&plain_named_gz, &csv).unwrap();
    let input = golden("spring4shell-jre11.json.golden");
    let mut reports = Vec::new();
    for (i, file) in [epss_file(), packed, plain_named_gz].iter().enumerate() {
        let out = dir.path().join(format!("out{i}"));
        let (code, err) = render(&input, &out, &["--epss", s(file)]);
        assert_eq!(code, 0, "{err}");
        let line = format!("EPSS v2025.03.14 of 2025-03-15 ({} CVEs)", raw_epss().len());
        assert!(err.contains(&line), "{err}");
        reports.push(std::fs::read(out.join("report.json")).unwrap());
    }
    assert!(reports.iter().all(|r| *r == reports[0]));
    let r: Value = serde_json::from_slice(&reports[0]).unwrap();
    assert_eq!(r["feeds"]["epss"], "v2025.03.14 2025-03-15");
    let f = &r["findings"][0];
    let (score, percentile) = raw_epss()["CVE-2022-22965"];
    assert_eq!(f["epss"]["score"].as_f64(), Some(score));
    assert_eq!(f["epss"]["percentile"].as_f64(), Some(percentile));
    assert!(f.get("kev").is_none(), "no catalog, no kev key");
}

#[test]
fn malformed_feeds_are_refused_with_one_line_and_exit_3() {
    let Some(kev) = kev_file() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = golden("spring4shell-jre8.json.golden");
    let out = dir.path().join("out");
    let (code, err) = render(&input, &out, &[]);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(out.join("report.json")).unwrap();

    let catalog = std::fs::read(&kev).unwrap();
    let csv = std::fs::read(epss_file()).unwrap();
    let mut bad_row = csv.clone();
    bad_row.extend_from_slice(b"CVE-2025-0001,1.5,0.2\n");
    let packed = gz(&csv);
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        ("--kev", "cut.json", catalog[..5000].to_vec(), "cut short"),
        (
            "--kev",
            "count.json",
            String::from_utf8(catalog.clone())
                .unwrap()
                .replacen("\"count\": 1404", "\"count\": 1405", 1)
                .into_bytes(),
            "says it lists 1405 vulnerabilities but holds 1404",
        ),
        ("--kev", "swapped.csv", csv.clone(), "pass it with --epss"),
        (
            "--kev",
            "trivy.json",
            std::fs::read(&input).unwrap(),
            "no `catalogVersion`",
        ),
        ("--kev", "empty.json", Vec::new(), "empty"),
        (
            "--epss",
            "bad.csv",
            bad_row,
            "bad.csv:27: epss `1.5` of CVE-2025-0001 is not a number from 0 to 1",
        ),
        (
            "--epss",
            "swapped.json",
            catalog.clone(),
            "pass the catalog with --kev",
        ),
        (
            "--epss",
            "cut.csv.gz",
            packed[..packed.len() / 2].to_vec(),
            "damaged gzip",
        ),
        (
            "--epss",
            "page.html",
            b"<html><body>Forbidden</body></html>".to_vec(),
            "expected FIRST's first line",
        ),
    ];
    for (flag, name, bytes, want) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let (code, err) = render(&input, &out, &[flag, s(&file)]);
        assert_eq!(code, 3, "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        assert!(err.starts_with("scanlens: error: "), "{err}");
        assert!(err.contains(want), "{name}: {err}");
        assert!(err.contains(name), "{name}: names the file: {err}");
        assert_eq!(std::fs::read(out.join("report.json")).unwrap(), before);
    }
    // Larger than any feed: refused before reading (a sparse file costs no disk).
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    let (code, err) = render(&input, &out, &["--kev", s(&huge)]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("larger than 64.0 MiB"), "{err}");
    let (code, err) = render(&input, &out, &["--epss", s(&dir.path().join("nope.csv"))]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("nope.csv does not exist"), "{err}");
    assert_eq!(std::fs::read(out.join("report.json")).unwrap(), before);
}

/// A folder as `feeds fetch` writes it.
fn feeds_dir(parent: &Path, kev: bool, epss: bool) -> PathBuf {
    let dir = parent.join(format!("feeds-{kev}-{epss}"));
    std::fs::create_dir_all(&dir).unwrap();
    if kev {
        std::fs::copy(
            kev_file().unwrap(),
            dir.join("known_exploited_vulnerabilities.json"),
        )
        .unwrap();
    }
    if epss {
        let csv = std::fs::read(epss_file()).unwrap();
        std::fs::write(dir.join("epss_scores-current.csv.gz"), gz(&csv)).unwrap();
    }
    dir
}

#[test]
fn a_feeds_folder_reads_both_and_warns_for_a_missing_one() {
    let Some(kev) = kev_file() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = golden("spring4shell-jre11.json.golden");
    let read = |out: &str| std::fs::read(dir.path().join(out).join("report.json")).unwrap();

    let both = feeds_dir(dir.path(), true, true);
    let (code, err) = render(&input, &dir.path().join("a"), &["--feeds", s(&both)]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    let epss = epss_file();
    let (code, err) = render(
        &input,
        &dir.path().join("b"),
        &["--kev", s(&kev), "--epss", s(&epss)],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read("a"),
        read("b"),
        "--feeds DIR reads what --kev and --epss read"
    );

    let kev_only = feeds_dir(dir.path(), true, false);
    let (code, err) = render(&input, &dir.path().join("c"), &["--feeds", s(&kev_only)]);
    assert_eq!(code, 0, "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("epss_scores-current.csv.gz"), "{err}");
    assert!(warnings[0].contains("scanlens feeds fetch --out"), "{err}");
    let r: Value = serde_json::from_slice(&read("c")).unwrap();
    assert_eq!(r["feeds"], serde_json::json!({"kev": "2025.08.25"}));
    assert!(r["findings"][0].get("epss").is_none());

    // A rule needs its feed: missing from the folder is then an error, and no feed at all is a
    // command-line mistake.
    let (code, err) = render(
        &input,
        &dir.path().join("d"),
        &["--feeds", s(&kev_only), "--fail-on-epss", "0.5"],
    );
    assert_eq!((code, err.lines().count()), (3, 1), "{err}");
    assert!(
        err.contains("--fail-on-epss needs epss_scores-current.csv.gz"),
        "{err}"
    );
    let (code, err) = render(&input, &dir.path().join("d"), &["--fail-on-kev"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--fail-on-kev needs CISA's KEV catalog: add --kev FILE or --feeds DIR"),
        "{err}"
    );
    let (code, err) = render(
        &input,
        &dir.path().join("d"),
        &["--feeds", s(&dir.path().join("nowhere"))],
    );
    assert_eq!((code, err.lines().count()), (3, 1), "{err}");
    assert!(err.contains("scanlens feeds fetch --out"), "{err}");
    let (code, err) = render(
        &input,
        &dir.path().join("d"),
        &["--feeds", s(&both), "--kev", s(&kev)],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!dir.path().join("d").exists());
}

/// Without feeds, render writes what it wrote before they existed: report.json is what the
/// library makes of the input with the gate applied, byte for byte, with no feed key anywhere,
/// and an empty `--feeds` folder changes nothing either (SARIF included).
#[test]
fn report_json_is_unchanged_without_feeds() {
    let Some(_) = common::fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-feeds");
    std::fs::create_dir(&empty).unwrap();
    let mut files = common::corpus_files();
    // Every fifth corpus report and both spring4shell goldens: each is two runs of the binary.
    files = files.into_iter().step_by(5).collect();
    files.extend(SPRING.iter().map(|n| golden(n)));
    for (i, file) in files.iter().enumerate() {
        let plain = dir.path().join(format!("plain{i}"));
        let folder = dir.path().join(format!("folder{i}"));
        let (code, err) = render(file, &plain, &["--sarif"]);
        assert_eq!(code, 0, "{}: {err}", file.display());
        let (code, err) = render(file, &folder, &["--sarif", "--feeds", s(&empty)]);
        assert_eq!(code, 0, "{}: {err}", file.display());
        assert_eq!(err.matches("warning").count(), 2, "{err}");
        let bytes = std::fs::read(plain.join("report.json")).unwrap();
        let mut expected = scanlens::input::read_reports(std::slice::from_ref(file)).unwrap();
        scanlens_model::gate::GatePolicy::default().apply(&mut expected);
        scanlens_model::fix_first::plan_all(&mut expected);
        assert_eq!(
            bytes,
            serde_json::to_vec(&expected).unwrap(),
            "{}",
            file.display()
        );
        for name in ["report.json", "report.sarif", "findings.ndjson"] {
            assert_eq!(
                std::fs::read(folder.join(name)).unwrap(),
                std::fs::read(plain.join(name)).unwrap(),
                "{}: {name}",
                file.display()
            );
        }
        let r: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(r.get("feeds").is_none());
        for f in r["findings"].as_array().unwrap() {
            assert!(f.get("kev").is_none() && f.get("epss").is_none(), "{f}");
        }
        assert_eq!(
            r["gate"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["excluded", "fail_on", "failed", "failing"]
        );
    }
}

#[test]
fn the_gate_fails_on_kev_and_epss_and_says_which_rule() {
    let Some(kev) = kev_file() else { return };
    let dir = tempfile::tempdir().unwrap();
    let input = golden("spring4shell-jre8.json.golden");
    let epss = epss_file();
    let feeds = ["--kev", s(&kev), "--epss", s(&epss)];
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = feeds.to_vec();
        args.extend_from_slice(extra);
        let (code, err) = render(&input, &out, &args);
        (code, err, json(&out.join("report.json")))
    };
    let score = raw_epss()["CVE-2022-22965"].0;

    let (code, err, r) = run(&["--fail-on-kev"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("gate failed: 1 in CISA's KEV catalog (--fail-on-kev)"),
        "{err}"
    );
    assert_eq!(r["gate"]["fail_on_kev"], true);
    assert_eq!(r["gate"]["failing_kev"], 1);
    assert!(r["gate"].get("failing_epss").is_none());

    let (code, err, r) = run(&["--fail-on-epss", "0.5"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("gate failed: 1 with EPSS >= 0.5 (--fail-on-epss)"),
        "{err}"
    );
    assert_eq!(r["gate"]["fail_on_epss"], 0.5);
    assert_eq!(r["gate"]["failing_epss"], 1);

    // At exactly its score the rule trips; above, it does not.
    let at = score.to_string();
    let (code, err, _) = run(&["--fail-on-epss", &at]);
    assert_eq!(code, 1, "{err}");
    let (code, err, r) = run(&["--fail-on-epss", "0.95"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("gate passed"), "{err}");
    assert_eq!(r["gate"]["failing_epss"], 0);

    // Every rule that trips is named, with --fail-on's wording kept.
    let (code, err, _) = run(&[
        "--fail-on",
        "LOW",
        "--fail-on-kev",
        "--fail-on-epss",
        "0.1",
        "--exit-code",
        "7",
    ]);
    assert_eq!(code, 7, "{err}");
    assert!(
        err.contains("gate failed: 1 finding(s) at LOW, 1 in CISA's KEV catalog (--fail-on-kev), 1 with EPSS >= 0.1 (--fail-on-epss)"),
        "{err}"
    );

    // An excluded finding trips nothing.
    let ignore = dir.path().join(".trivyignore");
    std::fs::write(&ignore, "CVE-2022-22965\n").unwrap();
    let (code, err, r) = run(&[
        "--fail-on-kev",
        "--fail-on-epss",
        "0",
        "--ignorefile",
        s(&ignore),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        (
            r["gate"]["failing_kev"].as_u64(),
            r["gate"]["failing_epss"].as_u64()
        ),
        (Some(0), Some(0))
    );

    for bad in ["1.5", "-0.1", "half", "NaN"] {
        let flag = format!("--fail-on-epss={bad}");
        let (code, err) = render(&input, &out, &["--epss", s(&epss), &flag]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("probability from 0 to 1"), "{err}");
    }
}

#[test]
fn sarif_ndjson_and_query_carry_the_feeds() {
    let Some(kev) = kev_file() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let epss = epss_file();
    let (code, err) = render(
        &golden("spring4shell-jre11.json.golden"),
        &out,
        &["--kev", s(&kev), "--epss", s(&epss), "--sarif"],
    );
    assert_eq!(code, 0, "{err}");
    let raw = &raw_kev()["CVE-2022-22965"];
    let (score, percentile) = raw_epss()["CVE-2022-22965"];

    let sarif = json(&out.join("report.sarif"));
    let run = &sarif["runs"][0];
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "CVE-2022-22965");
    let p = &result["properties"];
    assert_eq!(p["kev"]["date_added"], raw["dateAdded"]);
    assert_eq!(p["kev"]["due_date"], raw["dueDate"]);
    assert_eq!(p["kev"]["required_action"], raw["requiredAction"]);
    assert_eq!(p["epss"]["score"].as_f64(), Some(score));
    assert_eq!(p["epss"]["percentile"].as_f64(), Some(percentile));
    assert_eq!(p["epss"]["date"], "2025-03-15");
    let tags = &run["tool"]["driver"]["rules"][0]["properties"]["tags"];
    assert!(
        tags.as_array().unwrap().contains(&Value::from("kev")),
        "{tags}"
    );

    let ndjson = std::fs::read_to_string(out.join("findings.ndjson")).unwrap();
    let row: Value = serde_json::from_str(ndjson.lines().next().unwrap()).unwrap();
    assert_eq!(row["kev"], true);
    assert_eq!(row["epss"].as_f64(), Some(score));

    let o = scanlens(&[
        "query",
        "SELECT id, kev, epss FROM findings WHERE kev AND epss >= 0.9",
        s(&out),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([{"id": "CVE-2022-22965", "kev": 1, "epss": score}])
    );
}

#[test]
fn findings_ndjson_without_feeds_has_the_columns_and_older_rows_still_load() {
    let Some(_) = common::fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, err) = render(&golden("spring4shell-jre11.json.golden"), &out, &[]);
    assert_eq!(code, 0, "{err}");
    let ndjson = std::fs::read_to_string(out.join("findings.ndjson")).unwrap();
    let row: Value = serde_json::from_str(ndjson.lines().next().unwrap()).unwrap();
    assert_eq!(
        (row["kev"].clone(), row["epss"].clone()),
        (Value::Bool(false), Value::Null)
    );
    // A folder written before the columns existed.
    let mut old = row.as_object().unwrap().clone();
    old.remove("kev");
    old.remove("epss");
    let old_dir = dir.path().join("old");
    std::fs::create_dir(&old_dir).unwrap();
    std::fs::write(
        old_dir.join("findings.ndjson"),
        format!("{}\n", Value::Object(old)),
    )
    .unwrap();
    let o = scanlens(&[
        "query",
        "SELECT count(*) AS n FROM findings WHERE NOT kev AND epss IS NULL",
        s(&old_dir),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).unwrap(),
        serde_json::json!([{"n": 1}])
    );
}

fn fetch(out: &Path, kev_url: &str, epss_url: &str, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "feeds",
        "fetch",
        "--out",
        s(out),
        "--kev-url",
        kev_url,
        "--epss-url",
        epss_url,
    ];
    args.extend_from_slice(extra);
    let o = scanlens(&args);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// A publisher on 127.0.0.1 serving the real catalog and the test scores gzipped, behind a
/// redirect to the day's file as FIRST's `-current` URL is.
fn publisher() -> FeedServer {
    let csv = std::fs::read(epss_file()).unwrap();
    FeedServer::start(vec![
        (
            "/kev.json",
            Answer::Body(std::fs::read(kev_file().unwrap()).unwrap()),
        ),
        (
            "/epss_scores-current.csv.gz",
            Answer::Redirect("/epss_scores-2025-03-15.csv.gz".into()),
        ),
        ("/epss_scores-2025-03-15.csv.gz", Answer::Body(gz(&csv))),
    ])
}

#[test]
fn feeds_fetch_downloads_checks_and_writes_a_folder_render_reads() {
    let Some(kev) = kev_file() else { return };
    let server = publisher();
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds");
    let (code, err) = fetch(
        &feeds,
        &server.url("/kev.json"),
        &server.url("/epss_scores-current.csv.gz"),
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one line per feed, no warning for loopback: {err}"
    );
    assert!(lines[0].contains("known_exploited_vulnerabilities.json: KEV catalog 2025.08.25 (1404 CVEs), released 2025-08-25T17:04:19.9796Z"), "{err}");
    let epss_line = format!(
        "epss_scores-current.csv.gz: EPSS v2025.03.14 of 2025-03-15 ({} CVEs)",
        raw_epss().len()
    );
    assert!(lines[1].contains(&epss_line), "{err}");
    assert_eq!(
        names(&feeds),
        [
            "epss_scores-current.csv.gz",
            "known_exploited_vulnerabilities.json"
        ]
    );
    assert_eq!(
        std::fs::read(feeds.join("known_exploited_vulnerabilities.json")).unwrap(),
        std::fs::read(&kev).unwrap()
    );
    let kept = std::fs::read(feeds.join("epss_scores-current.csv.gz")).unwrap();
    assert_eq!(&kept[..2], [0x1f, 0x8b], "kept gzipped");
    assert_eq!(gunzip(&kept), std::fs::read(epss_file()).unwrap());
    assert_eq!(names(dir.path()), ["feeds"], "no temporary folder left");

    let input = golden("spring4shell-jre8.json.golden");
    let (code, err) = render(
        &input,
        &dir.path().join("a"),
        &["--feeds", s(&feeds), "--fail-on-kev"],
    );
    assert_eq!(code, 1, "{err}");
    let epss = epss_file();
    let (_, err) = render(
        &input,
        &dir.path().join("b"),
        &["--kev", s(&kev), "--epss", s(&epss), "--fail-on-kev"],
    );
    assert_eq!(
        std::fs::read(dir.path().join("a/report.json")).unwrap(),
        std::fs::read(dir.path().join("b/report.json")).unwrap(),
        "{err}"
    );
}

#[test]
fn feeds_fetch_from_a_server_that_never_answers_fails_within_its_timeout() {
    let silent = FeedServer::silent();
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds");
    let url = silent.url("/kev.json");
    let started = Instant::now();
    let (code, err) = fetch(
        &feeds,
        &url,
        &silent.url("/epss.csv.gz"),
        &["--timeout", "2s"],
    );
    let took = started.elapsed();
    assert_eq!(code, 3, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("{url} did not finish within 2s")),
        "{err}"
    );
    assert!(err.contains("raise --timeout"), "{err}");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(15),
        "{took:?}"
    );
    assert!(!feeds.exists());

    // Nothing listening: refused at once, naming the URL.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/kev.json", l.local_addr().unwrap())
    };
    let (code, err) = fetch(&feeds, &closed, &closed, &[]);
    assert_eq!((code, err.lines().count()), (3, 1), "{err}");
    assert!(err.contains(&format!("cannot download {closed}")), "{err}");
    assert!(!feeds.exists());
}

#[test]
fn feeds_fetch_refuses_what_is_not_the_feed_and_leaves_the_folder_unchanged() {
    let Some(kev) = kev_file() else { return };
    let good = publisher();
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds");
    let (code, err) = fetch(
        &feeds,
        &good.url("/kev.json"),
        &good.url("/epss_scores-current.csv.gz"),
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let before: Vec<Vec<u8>> = names(&feeds)
        .iter()
        .map(|n| std::fs::read(feeds.join(n)).unwrap())
        .collect();

    let catalog = std::fs::read(&kev).unwrap();
    let packed = gz(&std::fs::read(epss_file()).unwrap());
    let bad = FeedServer::start(vec![
        (
            "/page",
            Answer::Body(b"<!doctype html><html><body>Access Denied</body></html>".to_vec()),
        ),
        (
            "/cut.json",
            Answer::Body(catalog[..catalog.len() / 3].to_vec()),
        ),
        (
            "/cut.csv.gz",
            Answer::Body(packed[..packed.len() - 10].to_vec()),
        ),
        ("/gone", Answer::Status(404)),
        ("/kev.json", Answer::Body(catalog.clone())),
    ]);
    let kev_ok = bad.url("/kev.json");
    let epss_ok = good.url("/epss_scores-current.csv.gz");
    let cases = [
        (bad.url("/page"), epss_ok.clone(), "not CISA's KEV catalog"),
        (
            kev_ok.clone(),
            bad.url("/page"),
            "expected FIRST's first line",
        ),
        (bad.url("/cut.json"), epss_ok.clone(), "cut short"),
        (kev_ok.clone(), bad.url("/cut.csv.gz"), "damaged gzip"),
        (
            kev_ok.clone(),
            bad.url("/gone"),
            "answered HTTP 404; check --epss-url",
        ),
        (
            kev_ok.clone(),
            epss_ok.replace("current", "nowhere"),
            "answered HTTP 404",
        ),
    ];
    for (kev_url, epss_url, want) in cases {
        let (code, err) = fetch(&feeds, &kev_url, &epss_url, &[]);
        assert_eq!(code, 3, "{want}: {err}");
        assert_eq!(err.lines().count(), 1, "{want}: {err}");
        assert!(err.contains(want), "{want}: {err}");
        let named = if kev_url == kev_ok {
            &epss_url
        } else {
            &kev_url
        };
        assert!(err.contains(named.as_str()), "names the URL: {err}");
        let after: Vec<Vec<u8>> = names(&feeds)
            .iter()
            .map(|n| std::fs::read(feeds.join(n)).unwrap())
            .collect();
        assert_eq!(after, before, "{want}: the folder is as it was");
        assert_eq!(names(dir.path()), ["feeds"], "no temporary folder left");
    }
    // Not a URL scanlens fetches from: a command-line error.
    for url in ["file:///etc/passwd", "ftp://example.com/kev.json"] {
        let (code, err) = fetch(&feeds, url, &epss_ok, &[]);
        assert_eq!(code, 2, "{err}");
    }
}
