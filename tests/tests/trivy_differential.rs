//! Scanlens against the real `trivy` binary. Where Trivy's behaviour is the reference, the same
//! inputs go through both and the outcomes must agree, finding by finding:
//!
//! 1. ignore files: for every corpus report `trivy convert` reads, generated `.trivyignore` and
//!    `.trivyignore.yaml` files (IDs with `exp:` yesterday, today and tomorrow, globbed paths,
//!    purls, `expired_at`, rules in the wrong section, decoys): the findings `trivy convert
//!    --ignorefile F` keeps are exactly those Scanlens leaves un-excluded;
//! 2. `--ignore-unfixed`: Trivy's own golden pairs, and a rootfs scan with every status trivy-db
//!    knows, against `trivy rootfs --ignore-unfixed`;
//! 3. SARIF `security-severity`, rule by rule, against `trivy convert --format sarif`;
//! 4. the viewer's `.trivyignore.yaml` export ignores, in Trivy, what was selected;
//! 5. licenses written as SPDX expressions: Scanlens never ignores one Trivy keeps;
//! 6. the ignore file Trivy reads by itself: `trivy convert --exit-code` and `scanlens render
//!    --exit-code` run in a folder holding `./.trivyignore` (or only a `.trivyignore.yaml`, which
//!    Trivy reads only when named) reach the same verdict.
//!
//! The cases are generated from a fixed seed per file, so every run checks the same ones.
//!
//! The tests that run trivy are end-to-end tests (SCANLENS_E2E=1); the one that compares with
//! Trivy's golden files needs only the corpus and always runs.

mod common;

use scanlens::cli::GateArgs;
use scanlens_e2e::{e2e, require, scanlens_bin, which, TempDir, Unavailable};
use scanlens_model::gate::GatePolicy;
use scanlens_model::{Finding, Kind, Report};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One finding as both sides can name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    kind: &'static str,
    id: String,
    target: String,
    pkg: String,
    version: String,
    pkg_path: String,
    line: u64,
}

fn key_of(f: &Finding) -> Key {
    let p = f.package.as_ref();
    Key {
        kind: f.kind.as_str(),
        id: f.id.clone(),
        target: f.target.clone(),
        pkg: p.map_or(String::new(), |p| p.name.clone()),
        version: p.map_or(String::new(), |p| p.installed_version.clone()),
        pkg_path: match f.kind {
            Kind::License => f
                .license
                .as_ref()
                .map_or(String::new(), |l| l.file_path.clone()),
            _ => p.and_then(|p| p.path.clone()).unwrap_or_default(),
        },
        line: f
            .secret
            .as_ref()
            .and_then(|s| s.start_line)
            .or_else(|| f.misconfiguration.as_ref().and_then(|m| m.start_line))
            .unwrap_or(0),
    }
}

/// What trivy kept, from its JSON output.
fn trivy_keys(doc: &Value) -> BTreeSet<Key> {
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let mut keys = BTreeSet::new();
    for r in doc["Results"].as_array().into_iter().flatten() {
        let target = s(r, "Target");
        for v in r["Vulnerabilities"].as_array().into_iter().flatten() {
            keys.insert(Key {
                kind: "vulnerability",
                id: s(v, "VulnerabilityID"),
                target: target.clone(),
                pkg: s(v, "PkgName"),
                version: s(v, "InstalledVersion"),
                pkg_path: s(v, "PkgPath"),
                line: 0,
            });
        }
        for m in r["Misconfigurations"].as_array().into_iter().flatten() {
            if m["Status"] != "FAIL" {
                continue;
            }
            keys.insert(Key {
                kind: "misconfiguration",
                id: s(m, "ID"),
                target: target.clone(),
                pkg: String::new(),
                version: String::new(),
                pkg_path: String::new(),
                line: m["CauseMetadata"]["StartLine"].as_u64().unwrap_or(0),
            });
        }
        for x in r["Secrets"].as_array().into_iter().flatten() {
            keys.insert(Key {
                kind: "secret",
                id: s(x, "RuleID"),
                target: target.clone(),
                pkg: String::new(),
                version: String::new(),
                pkg_path: String::new(),
                line: x["StartLine"].as_u64().unwrap_or(0),
            });
        }
        for l in r["Licenses"].as_array().into_iter().flatten() {
            keys.insert(Key {
                kind: "license",
                id: s(l, "Name"),
                target: target.clone(),
                pkg: s(l, "PkgName"),
                version: String::new(),
                pkg_path: s(l, "FilePath"),
                line: 0,
            });
        }
    }
    keys
}

fn trivy() -> Result<PathBuf, Unavailable> {
    which("trivy").ok_or_else(|| Unavailable("`trivy` is not on PATH (run .ci/install)".into()))
}

/// `trivy convert` of `input` in `cwd` (which holds no `.trivyignore` or `trivy.yaml`): its
/// output when it succeeds, its message when not.
fn convert(trivy: &Path, cwd: &Path, input: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = convert_run(trivy, cwd, input, args).map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// `trivy convert` of `input` in `cwd` with `args`, run with no configuration or environment.
fn convert_run(
    trivy: &Path,
    cwd: &Path,
    input: &Path,
    args: &[&str],
) -> std::io::Result<std::process::Output> {
    Command::new(trivy)
        .arg("convert")
        .args(["--config", "", "--quiet"])
        .args(args)
        .arg(input)
        .current_dir(cwd)
        .env_clear()
        .env("HOME", cwd)
        .output()
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("trivy wrote JSON")
}

/// A small deterministic generator (xorshift), seeded per case.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        Rng(h | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Days around now, as ignore files write them.
struct Days {
    yesterday: String,
    today: String,
    tomorrow: String,
}

/// The days around now. Rules expire at midnight UTC, and each case asks Scanlens, then Trivy,
/// each with its own clock: a run across midnight would see a rule live for one and expired for
/// the other (seen at 00:00 UTC). Within three minutes of midnight, wait until it has passed.
fn days() -> Days {
    let to_midnight = 86_400 - scanlens::gate::now().rem_euclid(86_400);
    if to_midnight < 180 {
        std::thread::sleep(std::time::Duration::from_secs(to_midnight as u64 + 2));
    }
    let now = scanlens::gate::now();
    let day = |offset: i64| scanlens_model::date::format_day(now + offset * 86_400);
    Days {
        yesterday: day(-1),
        today: day(0),
        tomorrow: day(1),
    }
}

fn escape_glob(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\' | ',');
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

fn plain_file(rng: &mut Rng, findings: &[&Finding], d: &Days) -> String {
    let mut out = String::from("# generated by trivy_differential\n\n");
    for f in findings {
        if !rng.chance(45) {
            continue;
        }
        let id = &f.id;
        let line = match rng.below(7) {
            0 => id.to_string(),
            1 => format!("{id} exp:{}", d.yesterday),
            2 => format!("{id} exp:{}", d.today),
            3 => format!("{id} exp:{}", d.tomorrow),
            4 => format!("   {id}\t # accepted risk, until exp:{}", d.tomorrow),
            5 => format!("# {id}"),
            _ => format!("{id} some words"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("CVE-0000-00000\n");
    out
}

fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn path_variant(rng: &mut Rng, path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or(path);
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    match rng.below(8) {
        0 => escape_glob(path),
        1 => format!("**/{}", escape_glob(last)),
        2 => format!("{{{},nope/x}}", escape_glob(path)),
        3 => {
            // A class around its first letter.
            let esc = escape_glob(path);
            match esc.char_indices().find(|(_, c)| c.is_ascii_alphanumeric()) {
                Some((i, c)) => format!("{}[{c}]{}", &esc[..i], &esc[i + c.len_utf8()..]),
                None => esc,
            }
        }
        4 if !parent.is_empty() => format!("{}/*", escape_glob(parent)),
        5 => "**".to_string(),
        6 => "nope/**".to_string(),
        _ => format!("{}/**", escape_glob(parent)),
    }
}

fn purl_variant(rng: &mut Rng, purl: &str) -> String {
    let (base, query) = purl.split_once('?').unwrap_or((purl, ""));
    let unversioned = base.rsplit_once('@').map_or(base, |(b, _)| b);
    match rng.below(6) {
        0 => purl.to_string(),
        1 => unversioned.to_string(),
        2 => format!("{unversioned}@0.0.0-none"),
        3 => purl.to_uppercase().replacen("PKG:", "pkg:", 1),
        4 => match query.split('&').next().filter(|q| !q.is_empty()) {
            Some(q) => format!("{base}?{q}"),
            None => format!("{base}?zz=1"),
        },
        _ => format!("{base}?zz=1"),
    }
}

fn yaml_file(rng: &mut Rng, findings: &[&Finding], d: &Days) -> String {
    let mut sections: BTreeMap<&str, String> = BTreeMap::new();
    for f in findings {
        if !rng.chance(50) {
            continue;
        }
        let section = if rng.chance(8) {
            *rng.pick(&[
                "vulnerabilities",
                "misconfigurations",
                "secrets",
                "licenses",
            ])
        } else {
            f.kind.plural()
        };
        let id = match f.aliases.first() {
            Some(a) if f.kind == Kind::Misconfiguration && rng.chance(50) => a.as_str(),
            _ => f.id.as_str(),
        };
        let mut e = format!("  - id: {}\n", yaml_quote(id));
        if rng.chance(55) {
            let p = f.package.as_ref();
            let path = match f.kind {
                Kind::License => f.license.as_ref().map_or("", |l| l.file_path.as_str()),
                Kind::Vulnerability if rng.chance(40) => {
                    p.and_then(|p| p.path.as_deref()).unwrap_or(&f.target)
                }
                _ => f.target.as_str(),
            };
            e.push_str(&format!(
                "    paths:\n      - {}\n",
                yaml_quote(&path_variant(rng, path))
            ));
            if rng.chance(20) {
                e.push_str("      - \"nope/never\"\n");
            }
        }
        if let Some(purl) = f.package.as_ref().and_then(|p| p.purl.as_deref()) {
            if rng.chance(45) {
                e.push_str(&format!(
                    "    purls:\n      - {}\n",
                    yaml_quote(&purl_variant(rng, purl))
                ));
            }
        }
        if rng.chance(35) {
            let at = match rng.below(6) {
                0 => d.yesterday.clone(),
                1 => d.today.clone(),
                2 => d.tomorrow.clone(),
                3 => format!("{}T00:00:00Z", d.today),
                4 => format!("{}T01:00:00+02:00", d.tomorrow),
                _ => format!("{}T23:59:59Z", d.yesterday),
            };
            e.push_str(&format!("    expired_at: {at}\n"));
        }
        if rng.chance(30) {
            e.push_str("    statement: \"accepted: generated case\"\n");
        }
        sections.entry(section).or_default().push_str(&e);
    }
    sections
        .entry("vulnerabilities")
        .or_default()
        .push_str("  - id: \"CVE-0000-00000\"\n");
    let mut out = String::new();
    for (section, entries) in sections {
        out.push_str(&format!("{section}:\n{entries}"));
    }
    out
}

/// Scanlens's verdict on `report` with the ignore file at `path`: the keys it excludes.
fn scanlens_excluded(report: &Report, path: &Path) -> Result<BTreeSet<Key>, String> {
    let mut r = report.clone();
    let rules = scanlens::ignorefile::read(path).map_err(|e| e.to_string())?;
    let policy = GatePolicy {
        ignore: rules,
        now: scanlens::gate::now(),
        ..GatePolicy::default()
    };
    policy.apply(&mut r);
    Ok(r.findings
        .iter()
        .filter(|f| f.excluded.is_some())
        .map(key_of)
        .collect())
}

/// Runs `jobs` on both cores and returns their failures.
fn in_parallel<T: Sync>(jobs: &[T], run: impl Fn(&T) -> Vec<String> + Sync) -> Vec<String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                let f = run(job);
                failures.lock().unwrap().extend(f);
            });
        }
    });
    failures.into_inner().unwrap()
}

fn assert_none(what: &str, failures: Vec<String>, cases: usize) {
    eprintln!("{what}: {cases} cases, {} disagreements", failures.len());
    assert!(
        failures.is_empty(),
        "{what}: {} of {cases} cases disagree with trivy:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A report made here for what the corpus lacks: licenses with files and SPDX expressions,
/// package paths and purls with qualifiers, paths with glob characters.
fn synthetic_report() -> Value {
    json!({
        "SchemaVersion": 2,
        "ArtifactName": "synthetic",
        "ArtifactType": "filesystem",
        "Results": [
            {"Target": "app/package-lock.json", "Class": "lang-pkgs", "Type": "npm", "Vulnerabilities": [
                {"VulnerabilityID": "CVE-2021-23337", "PkgID": "lodash@4.17.20", "PkgName": "lodash", "PkgPath": "app/node_modules/lodash/package.json",
                 "PkgIdentifier": {"PURL": "pkg:npm/lodash@4.17.20?arch=x86_64&distro=none"}, "InstalledVersion": "4.17.20", "FixedVersion": "4.17.21", "Status": "fixed", "Severity": "HIGH",
                 "SeveritySource": "ghsa", "CVSS": {"ghsa": {"V3Score": 7.2}, "nvd": {"V3Score": 9.8}}},
                {"VulnerabilityID": "CVE-2021-23337", "PkgID": "lodash@4.17.19", "PkgName": "lodash", "PkgPath": "app/[legacy]/lodash/package.json",
                 "InstalledVersion": "4.17.19", "FixedVersion": "4.17.21", "Status": "fixed", "Severity": "HIGH"},
                {"VulnerabilityID": "CVE-2020-8203", "PkgID": "Lodash.Merge@1.0", "PkgName": "Lodash.Merge",
                 "PkgIdentifier": {"PURL": "pkg:npm/Lodash.Merge@1.0"}, "InstalledVersion": "1.0", "Status": "affected", "Severity": "LOW",
                 "SeveritySource": "nvd", "CVSS": {"nvd": {"V2Score": 5.0}}}
            ]},
            {"Target": "srv/{a,b}/deploy*.sh", "Class": "secret", "Secrets": [
                {"RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL", "Title": "AWS Access Key ID", "StartLine": 2, "EndLine": 2, "Match": "AKIA****"},
                {"RuleID": "github-pat", "Category": "GitHub", "Severity": "CRITICAL", "Title": "GitHub PAT", "StartLine": 7, "EndLine": 7, "Match": "ghp_****"}
            ]},
            {"Target": "OS Packages", "Class": "license", "Licenses": [
                {"Severity": "HIGH", "Category": "restricted", "PkgName": "bash", "FilePath": "", "Name": "GPL-3.0-only", "Confidence": 1, "Link": ""},
                {"Severity": "LOW", "Category": "notice", "PkgName": "zlib", "FilePath": "", "Name": "MIT AND BSD-3-Clause", "Confidence": 1, "Link": ""}
            ]},
            {"Target": "Loose File License(s)", "Class": "license-file", "Licenses": [
                {"Severity": "HIGH", "Category": "restricted", "FilePath": "usr/share/doc/x/LICENSE", "Name": "AGPL-3.0-only", "Confidence": 0.9, "Link": ""},
                {"Severity": "LOW", "Category": "notice", "FilePath": "vendor/lib/COPYING", "Name": "MIT", "Confidence": 1, "Link": ""}
            ]}
        ]
    })
}

/// Corpus reports `trivy convert` reads, plus the synthetic one, each with its baseline: what
/// trivy keeps with no ignore file.
struct Case {
    name: String,
    path: PathBuf,
    report: Report,
    baseline: BTreeSet<Key>,
}

/// [`synthetic_report`] as a file in `work`.
fn write_synthetic(work: &Path) -> PathBuf {
    let path = work.join("synthetic.json");
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(&synthetic_report()).unwrap(),
    )
    .unwrap();
    path
}

fn cases(trivy: &Path, fixtures: &Path, work: &Path) -> Vec<Case> {
    let mut files = vec![write_synthetic(work)];
    for sub in [
        "trivy-golden",
        "trivy-golden/convert",
        "trivy-golden/pkg-report",
        "local-trivy-0.76",
    ] {
        for e in std::fs::read_dir(fixtures.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() && p.to_string_lossy().contains(".json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(report) = scanlens::input::read_reports(std::slice::from_ref(&path)) else {
            continue; // not a report (refusals are tested elsewhere)
        };
        // Trivy's convert reads neither Kubernetes reports nor ones without an artifact.
        let Ok(base) = convert(
            trivy,
            work,
            &path,
            &["--format", "json", "--ignorefile", ""],
        ) else {
            continue;
        };
        let baseline = trivy_keys(&json(&base));
        let counted: BTreeSet<Key> = report
            .findings
            .iter()
            .filter(|f| f.is_counted())
            .map(key_of)
            .collect();
        let missing: Vec<&Key> = baseline.difference(&counted).collect();
        assert!(
            missing.is_empty(),
            "{name}: scanlens lacks what trivy shows: {missing:?}"
        );
        out.push(Case {
            name,
            path,
            report,
            baseline,
        });
    }
    out
}

#[test]
fn ignore_files_mean_what_they_mean_in_trivy() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-ignore").unwrap();
    let cases = cases(&trivy, &fixtures, work.path());
    assert!(cases.len() >= 60, "only {} reports", cases.len());
    let d = days();
    // Per report: two plain files and three YAML files.
    let mut jobs = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        let counted: Vec<&Finding> = case
            .report
            .findings
            .iter()
            .filter(|f| f.is_counted())
            .collect();
        if counted.is_empty() {
            continue;
        }
        for k in 0..5 {
            let mut rng = Rng::new(&format!("{}#{k}", case.name));
            let (ext, text) = if k < 2 {
                ("trivyignore", plain_file(&mut rng, &counted, &d))
            } else {
                ("trivyignore.yaml", yaml_file(&mut rng, &counted, &d))
            };
            let path = work.path().join(format!("{ci}-{k}.{ext}"));
            std::fs::write(&path, text).unwrap();
            jobs.push((ci, path));
        }
    }
    let rules_seen = std::sync::atomic::AtomicUsize::new(0);
    let failures = in_parallel(&jobs, |(ci, ignore)| {
        let case = &cases[*ci];
        let what = format!("{} with {}", case.name, ignore.display());
        let excluded = match scanlens_excluded(&case.report, ignore) {
            Ok(e) => e,
            Err(e) => return vec![format!("{what}: scanlens refused: {e}")],
        };
        let kept = match convert(
            &trivy,
            work.path(),
            &case.path,
            &["--format", "json", "--ignorefile", ignore.to_str().unwrap()],
        ) {
            Ok(out) => trivy_keys(&json(&out)),
            Err(e) => return vec![format!("{what}: trivy refused: {e}")],
        };
        rules_seen.fetch_add(
            case.baseline.len() - kept.len(),
            std::sync::atomic::Ordering::Relaxed,
        );
        let ours: BTreeSet<Key> = case.baseline.difference(&excluded).cloned().collect();
        let mut out = Vec::new();
        for k in kept.symmetric_difference(&ours) {
            let side = if kept.contains(k) {
                "trivy keeps, scanlens excludes"
            } else {
                "trivy ignores, scanlens keeps"
            };
            out.push(format!("{what}: {side} {k:?}"));
        }
        out
    });
    let ignored = rules_seen.into_inner();
    eprintln!("ignore files: {} reports, {} (report, ignore file) pairs, {ignored} findings ignored by trivy", cases.len(), jobs.len());
    assert!(
        ignored > 100,
        "the generated files must ignore something: {ignored}"
    );
    assert_none("ignore files", failures, jobs.len());
}

/// `expired_at` as people write it, unquoted and quoted, past and future: Trivy (yaml.v3 into a
/// Go `time.Time`) stops on some forms, and then Scanlens must refuse the file too; on the others
/// both ignore the same findings.
#[test]
fn ignore_file_expiry_forms_trivy_refuses_are_refused_and_the_rest_agree() {
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-expiry").unwrap();
    let input = write_synthetic(work.path());
    let report = scanlens::input::read_reports(std::slice::from_ref(&input)).unwrap();
    let baseline = trivy_keys(&json(
        &convert(
            &trivy,
            work.path(),
            &input,
            &["--format", "json", "--ignorefile", ""],
        )
        .unwrap(),
    ));
    let mut forms = Vec::new();
    for year in ["2000", "2099"] {
        for t in [
            "-01-01",
            "-1-1",
            "-01-01T00:00:00Z",
            "-01-01T0:0:0Z",
            "-01-01t00:00:00Z",
            "-01-01t00:00:00z",
            "-01-01T00:00:00",
            "-01-01T00:00:00.5Z",
            "-01-01T00:00:00,5Z",
            "-01-01T00:00:00.123456789123Z",
            "-01-01T03:00:00+03:00",
            "-01-01T03:00:00+3:00",
            "-01-01 00:00:00",
            "-01-01 00:00:00.25",
            "-01-01 00:00:00Z",
            "-01-01 00:00:00 +03:00",
            "-02-30",
            "-01-01T24:00:00Z",
        ] {
            let v = format!("{year}{t}");
            forms.push(v.clone());
            forms.push(format!("\"{v}\""));
            forms.push(format!("'{v}'"));
        }
    }
    forms.extend(
        [
            "20990101",
            "tomorrow",
            ">-\n      2099-01-01T00:00:00Z",
            "!!timestamp 2099-01-01",
            "!!str 2099-01-01",
        ]
        .map(String::from),
    );
    let failures = in_parallel(
        &forms.iter().enumerate().collect::<Vec<_>>(),
        |(i, form)| {
            let path = work.path().join(format!("{i}.trivyignore.yaml"));
            std::fs::write(
            &path,
            format!("vulnerabilities:\n  - id: CVE-2021-23337\n    expired_at: {form}\nsecrets:\n  - id: aws-access-key-id\n    expired_at: {form}\n"),
        )
        .unwrap();
            let ours = scanlens_excluded(&report, &path);
            let theirs = convert(
                &trivy,
                work.path(),
                &input,
                &["--format", "json", "--ignorefile", path.to_str().unwrap()],
            );
            match (ours, theirs) {
                (Err(_), Err(_)) => vec![],
                (Ok(excluded), Ok(out)) => {
                    let kept = trivy_keys(&json(&out));
                    let ours: BTreeSet<Key> = baseline.difference(&excluded).cloned().collect();
                    if kept == ours {
                        vec![]
                    } else {
                        vec![format!(
                            "expired_at: {form}: trivy keeps {} findings, scanlens {}",
                            kept.len(),
                            ours.len()
                        )]
                    }
                }
                (Ok(_), Err(e)) => vec![format!(
                    "expired_at: {form}: trivy stops ({e}), scanlens reads it"
                )],
                (Err(e), Ok(_)) => vec![format!(
                    "expired_at: {form}: trivy reads it, scanlens refuses: {e}"
                )],
            }
        },
    );
    let refused = (0..forms.len())
        .filter(|i| {
            scanlens::ignorefile::read(&work.path().join(format!("{i}.trivyignore.yaml"))).is_err()
        })
        .count();
    // Both outcomes must be exercised: forms trivy stops on, and forms it reads.
    assert!(
        refused >= 20 && refused + 20 <= forms.len(),
        "{refused} of {} refused",
        forms.len()
    );
    assert_none("expiry forms", failures, forms.len());
}

/// Ignore files in shapes people write and Trivy reads: YAML merge keys (a `paths` restriction
/// shared by anchor), and plain lines around Go's 64 KiB line limit, `\r` included. Scanlens
/// ignores what Trivy ignores; it may refuse a file only where Trivy silently stops reading it
/// (a line of 64 KiB or more), never ignore more.
#[test]
fn ignore_file_shapes_trivy_reads_are_read_as_trivy_reads_them() {
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-shapes").unwrap();
    let input = write_synthetic(work.path());
    let report = scanlens::input::read_reports(std::slice::from_ref(&input)).unwrap();
    let baseline = trivy_keys(&json(
        &convert(
            &trivy,
            work.path(),
            &input,
            &["--format", "json", "--ignorefile", ""],
        )
        .unwrap(),
    ));
    // (file name, text, whether Scanlens refuses it where Trivy stops reading silently)
    let mut files: Vec<(String, String, bool)> = Vec::new();
    let only = "{paths: [\"app/node_modules/**\"]}";
    for (i, text) in [
        format!("base: &v {only}\nvulnerabilities:\n  - id: CVE-2021-23337\n    <<: *v\n"),
        format!("vulnerabilities:\n  - id: CVE-2021-23337\n    <<: {only}\n"),
        format!("vulnerabilities:\n  - id: CVE-2021-23337\n    !!merge <<: {only}\n"),
        format!("a: &a {only}\nb: &b {{paths: [\"srv/**\"]}}\nvulnerabilities:\n  - id: CVE-2021-23337\n    <<: [*a, *b]\n"),
        format!("a: &a {only}\nb: &b {{<<: *a, statement: b}}\nvulnerabilities:\n  - {{id: CVE-2021-23337, <<: *b}}\n"),
        "a: &a {paths: [\"srv/**\"]}\nvulnerabilities:\n  - id: CVE-2021-23337\n    paths: [\"app/node_modules/**\"]\n    <<: *a\n".to_string(),
        "s: &s {secrets: [{id: aws-access-key-id}]}\n<<: *s\n".to_string(),
        "e: &e {id: github-pat, paths: [\"nowhere/**\"]}\nsecrets:\n  - <<: *e\n  - {<<: *e, id: aws-access-key-id}\n".to_string(),
    ]
    .into_iter()
    .enumerate()
    {
        files.push((format!("merge{i}.trivyignore.yaml"), text, false));
    }
    for (len, end) in [
        (65_534, "\n"),
        (65_535, "\n"),
        (65_536, "\n"),
        (65_533, "\r\n"),
        (65_534, "\r\n"),
        (65_535, "\r\n"),
    ] {
        let head = "CVE-2021-23337 # ";
        let text = format!(
            "{head}{}{end}aws-access-key-id\n",
            "x".repeat(len - head.len())
        );
        // The line with its `\r`, if any, and its `\n` must fit in 64 KiB.
        let stops = len + end.len() > 65_536;
        files.push((format!("long{len}-{}.trivyignore", end.len()), text, stops));
    }
    let failures = in_parallel(&files, |(name, text, stops)| {
        let path = work.path().join(name);
        std::fs::write(&path, text).unwrap();
        let ours = scanlens_excluded(&report, &path);
        let theirs = convert(
            &trivy,
            work.path(),
            &input,
            &["--format", "json", "--ignorefile", path.to_str().unwrap()],
        );
        match (ours, theirs) {
            (Err(_), Err(_)) => vec![],
            (Err(_), Ok(_)) if *stops => vec![],
            (Ok(excluded), Ok(out)) => {
                let kept = trivy_keys(&json(&out));
                let ours: BTreeSet<Key> = baseline.difference(&excluded).cloned().collect();
                if kept == ours && !*stops {
                    vec![]
                } else {
                    vec![format!(
                        "{name}: trivy keeps {} findings, scanlens {}{}",
                        kept.len(),
                        ours.len(),
                        if *stops {
                            " (trivy stops reading here: scanlens must refuse)"
                        } else {
                            ""
                        }
                    )]
                }
            }
            (Ok(_), Err(e)) => vec![format!("{name}: trivy stops ({e}), scanlens reads it")],
            (Err(e), Ok(_)) => vec![format!("{name}: trivy reads it, scanlens refuses: {e}")],
        }
    });
    assert_none("ignore file shapes", failures, files.len());
    // The merges restrict: the lodash finding outside `app/node_modules` is kept.
    let merged = scanlens_excluded(&report, &work.path().join("merge0.trivyignore.yaml")).unwrap();
    assert_eq!(merged.len(), 1, "{merged:?}");
}

/// An older report's vulnerabilities carry no package identifier; `trivy convert` first copies
/// it from the package of the same `PkgID` + `PkgPath` that has no UID either (its `compat`
/// step), so a `purls` rule holds each as in Trivy: kept when the package's purl is another,
/// ignored when the package has none. Read whole and in parts (a copy padded past 1 MiB), both
/// must agree with `trivy convert`.
#[test]
fn vulnerabilities_without_a_uid_take_their_packages_purl_as_in_trivy_convert() {
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-compat").unwrap();
    let vuln = |id: &str, pkg_id: &str, path: &str, extra: Value| {
        let mut v = json!({"VulnerabilityID": id, "PkgID": pkg_id, "PkgName": pkg_id.split('@').next().unwrap(),
            "PkgPath": path, "InstalledVersion": "1.0", "Severity": "HIGH"});
        if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
            v.extend(extra.clone());
        }
        v
    };
    let mut doc = json!({
        "SchemaVersion": 2, "ArtifactName": "app", "ArtifactType": "filesystem",
        "Results": [{"Target": "package-lock.json", "Class": "lang-pkgs", "Type": "npm",
            "Packages": [
                {"ID": "lodash@1.0", "Name": "lodash", "Version": "1.0", "FilePath": "a/package.json", "Identifier": {"PURL": "pkg:npm/lodash@1.0"}},
                {"ID": "bare@1.0", "Name": "bare", "Version": "1.0"},
                {"ID": "keep@1.0", "Name": "keep", "Version": "1.0", "Identifier": {"PURL": "pkg:npm/keep@1.0", "UID": "k1"}},
                {"ID": "dup@1.0", "Name": "dup", "Version": "1.0", "Identifier": {"PURL": "pkg:npm/first@1.0"}},
                {"ID": "dup@1.0", "Name": "dup", "Version": "1.0", "Identifier": {"PURL": "pkg:npm/underscore@1.0"}},
                // A key in two cases (Go: the last wins) and an empty PURL (Go: no change).
                {"ID": "case@1.0", "Name": "case", "Version": "1.0", "Identifier": {"PURL": "pkg:npm/underscore@1.0", "UID": "c1", "purl": "pkg:npm/case@1.0"}},
                {"ID": "empty@1.0", "Name": "empty", "Version": "1.0", "Identifier": {"PURL": "pkg:npm/empty@1.0"}, "identifier": {"PURL": ""}}
            ],
            "Vulnerabilities": [
                vuln("CVE-2020-0001", "lodash@1.0", "a/package.json", json!({})),
                vuln("CVE-2020-0001", "lodash@1.0", "b/package.json", json!({})),
                vuln("CVE-2020-0001", "bare@1.0", "", json!({"PkgIdentifier": {"PURL": "pkg:npm/bare@1.0"}})),
                vuln("CVE-2020-0001", "keep@1.0", "", json!({})),
                vuln("CVE-2020-0001", "lodash@1.0", "a/package.json", json!({"PkgIdentifier": {"PURL": "pkg:npm/other@1.0", "UID": "x"}})),
                vuln("CVE-2020-0001", "dup@1.0", "", json!({})),
                vuln("CVE-2020-0001", "case@1.0", "", json!({"PkgIdentifier": {"PURL": "pkg:npm/case@1.0"}})),
                vuln("CVE-2020-0001", "empty@1.0", "", json!({})),
            ]}]
    });
    let whole = work.path().join("compat.json");
    std::fs::write(&whole, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    // The same report past the size where it is read in parts (padding in a field both ignore).
    doc["Padding"] = json!("x".repeat(1 << 20));
    let parts = work.path().join("compat-parts.json");
    std::fs::write(&parts, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let rules = work.path().join("compat.trivyignore.yaml");
    std::fs::write(
        &rules,
        "vulnerabilities:\n  - id: CVE-2020-0001\n    purls: [\"pkg:npm/underscore\"]\n",
    )
    .unwrap();
    let mut failures = Vec::new();
    for input in [&whole, &parts] {
        let report = scanlens::input::read_reports(std::slice::from_ref(input)).unwrap();
        let excluded = scanlens_excluded(&report, &rules).unwrap();
        let all: BTreeSet<Key> = report.findings.iter().map(key_of).collect();
        let ours: BTreeSet<Key> = all.difference(&excluded).cloned().collect();
        let kept = trivy_keys(&json(
            &convert(
                &trivy,
                work.path(),
                input,
                &["--format", "json", "--ignorefile", rules.to_str().unwrap()],
            )
            .unwrap(),
        ));
        if kept != ours {
            failures.push(format!(
                "{}: trivy keeps {kept:#?}\nscanlens keeps {ours:#?}",
                input.display()
            ));
        }
        // Both outcomes occur: some findings kept, some ignored.
        assert!(!kept.is_empty() && kept.len() < all.len(), "{kept:?}");
    }
    assert_none("purls after trivy's compat step", failures, 2);
}

/// `doc` with the keys of every object below `Results` rewritten by `key` (all of them, or the
/// one named), or with `whole`, every key of the document.
fn rekey(doc: &Value, key: &dyn Fn(&str) -> Option<String>, whole: bool) -> Value {
    fn walk(v: &Value, key: &dyn Fn(&str) -> Option<String>) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (key(k).unwrap_or_else(|| k.clone()), walk(v, key)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|v| walk(v, key)).collect()),
            v => v.clone(),
        }
    }
    if whole {
        return walk(doc, key);
    }
    let mut out = doc.clone();
    out["Results"] = walk(&doc["Results"], key);
    out
}

/// Trivy's Go reads a key in any case as its field (`severity`, `SEVERITY`, `ſeverity`), so a
/// report written so (a key, every key of the results, or the whole document) is counted and
/// gated by Trivy as if written as Trivy writes it. Scanlens
/// reads each such report, whole and in parts (a copy past 1 MiB), into the findings and
/// severities `trivy convert` shows, for reports of every kind of finding.
#[test]
fn keys_in_any_case_are_read_as_trivy_reads_them() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-keys").unwrap();
    let reports = [
        "local-trivy-0.76/debian-image-vuln-secret.json",
        "trivy-golden/alpine-39.json.golden",
        "trivy-golden/npm.json.golden",
        "trivy-golden/dockerfile.json.golden",
        "trivy-golden/helm.json.golden",
        "trivy-golden/secrets.json.golden",
        "trivy-golden/license-cyclonedx.json.golden",
    ];
    let lower = |k: &str| Some(k.to_lowercase());
    let upper = |k: &str| Some(k.to_uppercase());
    let severity = |k: &str| (k == "Severity").then(|| "severity".to_string());
    let long_s = |k: &str| (k == "Severity").then(|| "\u{17F}everity".to_string());
    let results = |k: &str| (k == "Results").then(|| "results".to_string());
    type Rekey<'a> = &'a dyn Fn(&str) -> Option<String>;
    let variants: [(&str, Rekey, bool); 5] = [
        ("lower", &lower, true),
        ("upper", &upper, false),
        ("severity", &severity, false),
        ("long-s", &long_s, false),
        ("results", &results, true),
    ];
    // How many findings a reading shows at each severity.
    let tally = |sevs: &[String]| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for s in sevs {
            *m.entry(s.clone()).or_default() += 1;
        }
        m
    };
    let mut jobs = Vec::new();
    for name in reports {
        let doc = json(&std::fs::read(fixtures.join(name)).unwrap());
        for (variant, key, top) in &variants {
            jobs.push((format!("{name} ({variant})"), rekey(&doc, *key, *top)));
        }
    }
    let failures = in_parallel(
        &jobs.iter().enumerate().collect::<Vec<_>>(),
        |(i, (name, doc))| {
            let whole = work.path().join(format!("{i}.json"));
            std::fs::write(&whole, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
            let mut padded = doc.clone();
            padded["Padding"] = json!("x".repeat(1 << 20));
            let parts = work.path().join(format!("{i}-parts.json"));
            std::fs::write(&parts, serde_json::to_vec_pretty(&padded).unwrap()).unwrap();
            let out = match convert(&trivy, work.path(), &whole, &["--format", "json"]) {
                Ok(out) => json(&out),
                Err(e) => return vec![format!("{name}: trivy convert failed: {e}")],
            };
            let mut theirs = Vec::new();
            for r in out["Results"].as_array().into_iter().flatten() {
                for list in [
                    "Vulnerabilities",
                    "Misconfigurations",
                    "Secrets",
                    "Licenses",
                ] {
                    for f in r[list].as_array().into_iter().flatten() {
                        if list == "Misconfigurations" && f["Status"] != "FAIL" {
                            continue;
                        }
                        let sev = f["Severity"].as_str().unwrap_or("").to_string();
                        theirs.push(sev);
                    }
                }
            }
            let keys = trivy_keys(&out);
            let mut failures = Vec::new();
            for input in [&whole, &parts] {
                let report = match scanlens::input::read_reports(std::slice::from_ref(input)) {
                    Ok(r) => r,
                    Err(e) => {
                        failures.push(format!("{name}: scanlens refuses it: {e:#}"));
                        continue;
                    }
                };
                let counted: Vec<&Finding> =
                    report.findings.iter().filter(|f| f.is_counted()).collect();
                let ours: BTreeSet<Key> = counted.iter().map(|f| key_of(f)).collect();
                let severities: Vec<String> = counted
                    .iter()
                    .map(|f| f.severity.as_str().to_string())
                    .collect();
                if ours != keys || tally(&severities) != tally(&theirs) {
                    failures.push(format!(
                        "{name} read {}: trivy shows {} findings {:?}, scanlens {} {:?}",
                        if input == &whole { "whole" } else { "in parts" },
                        keys.len(),
                        tally(&theirs),
                        ours.len(),
                        tally(&severities),
                    ));
                }
            }
            failures
        },
    );
    assert_none("keys in any case", failures, jobs.len() * 2);
}

/// The `security-severity` trivy gives each vulnerability with ID `id` in `input`, each scored
/// alone (a report holding only that finding).
fn occurrence_scores(trivy: &Path, cwd: &Path, input: &Path, id: &str) -> Result<Vec<f64>, String> {
    let raw = json(&std::fs::read(input).unwrap());
    let mut scores = Vec::new();
    for (ri, r) in raw["Results"].as_array().into_iter().flatten().enumerate() {
        for (vi, v) in r["Vulnerabilities"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if v["VulnerabilityID"] != id {
                continue;
            }
            let mut doc = raw.clone();
            let mut one = r.clone();
            for k in [
                "Misconfigurations",
                "Secrets",
                "Licenses",
                "ExperimentalModifiedFindings",
            ] {
                one.as_object_mut().unwrap().remove(k);
            }
            one["Vulnerabilities"] = json!([v]);
            doc["Results"] = json!([one]);
            let path = cwd.join(format!("one-{ri}-{vi}-{}.json", std::process::id()));
            std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
            let out = convert(
                trivy,
                cwd,
                &path,
                &["--format", "sarif", "--ignorefile", ""],
            )?;
            let v = json(&out);
            let score = v["runs"][0]["tool"]["driver"]["rules"][0]["properties"]
                ["security-severity"]
                .as_str()
                .ok_or("no rule")?
                .parse::<f64>()
                .map_err(|e| e.to_string())?;
            scores.push(score);
        }
    }
    if scores.is_empty() {
        return Err("no vulnerability with that ID to score alone".into());
    }
    Ok(scores)
}

#[test]
fn sarif_security_severity_is_trivys() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-sarif").unwrap();
    let cases = cases(&trivy, &fixtures, work.path());
    let rules = |v: &Value| -> BTreeMap<String, String> {
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["properties"]["security-severity"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let mut compared = 0;
    let failures = in_parallel(&cases, |case| {
        let theirs = match convert(
            &trivy,
            work.path(),
            &case.path,
            &["--format", "sarif", "--ignorefile", ""],
        ) {
            Ok(out) => rules(&json(&out)),
            Err(e) => return vec![format!("{}: trivy refused: {e}", case.name)],
        };
        let category = scanlens::sarif::default_category(&case.report);
        let ours = rules(&json(
            &scanlens::sarif::render(&case.report, &category).bytes,
        ));
        let mut out = Vec::new();
        if theirs.keys().collect::<Vec<_>>() != ours.keys().collect::<Vec<_>>() {
            out.push(format!(
                "{}: rules differ: trivy {:?}, scanlens {:?}",
                case.name,
                theirs.keys(),
                ours.keys()
            ));
        }
        for (id, score) in &theirs {
            if ours.get(id) == Some(score) {
                continue;
            }
            // Trivy's rule keeps whichever of its findings came last; Scanlens's the highest.
            // Ask trivy for each finding of the rule alone.
            let each = match occurrence_scores(&trivy, work.path(), &case.path, id) {
                Ok(each) => each,
                Err(e) => {
                    out.push(format!("{}: {id}: {e}", case.name));
                    continue;
                }
            };
            let max = each.iter().cloned().fold(f64::MIN, f64::max);
            let ours_score = ours.get(id).and_then(|s| s.parse::<f64>().ok());
            let theirs_score: f64 = score.parse().unwrap();
            if ours_score != Some(max) || !each.contains(&theirs_score) {
                out.push(format!(
                    "{}: {id}: trivy {score} (its findings alone: {each:?}), scanlens {:?}",
                    case.name,
                    ours.get(id)
                ));
            }
        }
        out
    });
    for case in &cases {
        compared += case
            .report
            .findings
            .iter()
            .filter(|f| f.is_counted())
            .count();
    }
    assert_none("SARIF security-severity", failures, cases.len());
    eprintln!("SARIF: {} reports, {compared} findings", cases.len());
}

/// `trivy convert` applies `./.trivyignore` without being told; `scanlens render`, reading the
/// same report in the same folder, gates the same. Per corpus report: the IDs of its most severe
/// vulnerabilities, in `.trivyignore` (read by both) or in `.trivyignore.yaml` alone (read by
/// neither), or nothing, gated at that severity.
#[test]
fn the_ignore_file_trivy_reads_by_itself_gates_render_as_it_gates_trivy() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let scanlens = scanlens_bin().unwrap();
    let work = TempDir::new("differential-own-ignorefile").unwrap();
    let mut failures = Vec::new();
    let mut verdicts = BTreeSet::new();
    let mut cases = 0;
    for name in [
        "spring4shell-jre11",
        "alpine-310",
        "centos-7",
        "npm",
        "debian-stretch",
    ] {
        let input = fixtures.join(format!("trivy-golden/{name}.json.golden"));
        let report = scanlens::input::read_reports(std::slice::from_ref(&input)).unwrap();
        let vulns = || {
            report
                .findings
                .iter()
                .filter(|f| f.kind == Kind::Vulnerability)
        };
        let top = vulns()
            .map(|f| f.severity)
            .min()
            .expect("the report has vulnerabilities");
        let ids: BTreeSet<&str> = vulns()
            .filter(|f| f.severity == top)
            .map(|f| f.id.as_str())
            .collect();
        let plain: String = ids.iter().map(|id| format!("{id}\n")).collect();
        let yaml: String = std::iter::once("vulnerabilities:\n".to_string())
            .chain(ids.iter().map(|id| format!("  - id: {id}\n")))
            .collect();
        for (variant, file, text) in [
            ("none", None, ""),
            (".trivyignore", Some(".trivyignore"), plain.as_str()),
            (
                ".trivyignore.yaml alone",
                Some(".trivyignore.yaml"),
                yaml.as_str(),
            ),
        ] {
            cases += 1;
            let cwd = work.path().join(format!("{name}-{cases}"));
            std::fs::create_dir_all(&cwd).unwrap();
            if let Some(f) = file {
                std::fs::write(cwd.join(f), text).unwrap();
            }
            let sev = top.as_str();
            let theirs = convert_run(
                &trivy,
                &cwd,
                &input,
                &[
                    "--format",
                    "json",
                    "--output",
                    "trivy.json",
                    "--exit-code",
                    "5",
                    "--severity",
                    sev,
                ],
            )
            .unwrap();
            let ours = Command::new(&scanlens)
                .arg("render")
                .arg(&input)
                .args(["--out", "out", "--exit-code", "5", "--severity", sev])
                .current_dir(&cwd)
                .env_clear()
                .output()
                .unwrap();
            let (t, o) = (theirs.status.code(), ours.status.code());
            verdicts.insert(t);
            if t != o {
                failures.push(format!(
                    "{name}, {variant}, at {sev}: trivy convert exits {t:?}, scanlens render {o:?}: {}",
                    String::from_utf8_lossy(&ours.stderr).trim()
                ));
            }
        }
    }
    // Both verdicts occur, or the cases test nothing.
    assert_eq!(verdicts, [Some(0), Some(5)].into(), "{failures:?}");
    assert_none("./.trivyignore", failures, cases);
}

/// Trivy's own outputs with and without `--ignore-unfixed` (its golden pairs).
#[test]
fn ignore_unfixed_keeps_what_trivy_keeps_in_its_goldens() {
    // Needs no tool, only the corpus: not gated by SCANLENS_E2E.
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let golden = fixtures.join("trivy-golden");
    for base in ["centos-7", "debian-buster", "ubuntu-1804"] {
        let all = golden.join(format!("{base}.json.golden"));
        let filtered = golden.join(format!("{base}-ignore-unfixed.json.golden"));
        let theirs = trivy_keys(&json(&std::fs::read(&filtered).unwrap()));
        let ours = kept_with_ignore_unfixed(&scanlens::input::read_reports(&[all]).unwrap());
        assert_eq!(ours, theirs, "{base}");
        assert!(!theirs.is_empty());
    }
}

fn kept_with_ignore_unfixed(report: &Report) -> BTreeSet<Key> {
    kept_by(
        report,
        &GateArgs {
            ignore_unfixed: true,
            ..GateArgs::default()
        },
        Kind::Vulnerability,
    )
}

/// The findings of `kind` the gate counts under these options, read as the command line reads
/// them.
fn kept_by(report: &Report, args: &GateArgs, kind: Kind) -> BTreeSet<Key> {
    let mut r = report.clone();
    scanlens::gate::policy(args).unwrap().apply(&mut r);
    r.findings
        .iter()
        .filter(|f| f.is_counted() && f.excluded.is_none() && f.kind == kind)
        .map(key_of)
        .collect()
}

/// A Debian rootfs scanned with a DB holding an advisory of every status trivy-db has, filtered
/// by `--ignore-unfixed`, by `--ignore-status` with each status and some sets of them, and by both
/// (where Trivy lets `--ignore-status` win).
#[test]
fn ignoring_statuses_keeps_what_trivy_keeps_for_every_status() {
    use xtask::trivydb::{status, Advisory};
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-unfixed").unwrap();
    let root = work.path().join("rootfs");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
    )
    .unwrap();
    std::fs::write(root.join("etc/debian_version"), "12.15\n").unwrap();
    let packages = [
        ("apt", "apt", "2.6.1"),
        ("tar", "tar", "1.34+dfsg-1.2+deb12u1"),
        ("perl-base", "perl", "5.36.0-7+deb12u3"),
    ];
    let status_file: String = packages
        .iter()
        .map(|(p, src, v)| format!("Package: {p}\nStatus: install ok installed\nArchitecture: amd64\nSource: {src}\nVersion: {v}\n\n"))
        .collect();
    std::fs::write(root.join("var/lib/dpkg/status"), status_file).unwrap();
    // Test-only advisories (not real ones): one per status, and one fixed in a newer version.
    let statuses = [
        ("CVE-TEST-0001", "apt", status::NOT_AFFECTED),
        ("CVE-TEST-0002", "apt", status::AFFECTED),
        ("CVE-TEST-0003", "tar", status::UNDER_INVESTIGATION),
        ("CVE-TEST-0004", "tar", status::WILL_NOT_FIX),
        ("CVE-TEST-0005", "perl", status::FIX_DEFERRED),
        ("CVE-TEST-0006", "perl", status::END_OF_LIFE),
        ("CVE-TEST-0007", "perl", status::FIXED),
    ];
    let advisories: Vec<Advisory> = statuses
        .iter()
        .map(|(id, pkg, st)| Advisory {
            vuln_id: id,
            src_pkg: pkg,
            fixed_version: None,
            severity: 1,
            vendor_ids: &[],
            status: Some(*st),
        })
        .chain([Advisory {
            vuln_id: "CVE-TEST-0008",
            src_pkg: "perl",
            fixed_version: Some("5.36.0-7+deb12u9"),
            severity: 1,
            vendor_ids: &[],
            status: None,
        }])
        .collect();
    let details: Vec<(&str, Value)> = advisories
        .iter()
        .map(|a| {
            (
                a.vuln_id,
                json!({"Title": "test advisory", "Severity": "LOW"}),
            )
        })
        .collect();
    let cache = work.path().join("cache");
    xtask::trivydb::write_with(&cache, &advisories, &details).unwrap();
    let scan = |extra: &[&str]| -> Value {
        let out = Command::new(&trivy)
            .arg("rootfs")
            .args(["--cache-dir", cache.to_str().unwrap()])
            .args(scanlens_e2e::OFFLINE_FLAGS)
            .args([
                "--quiet",
                "--config",
                "",
                "--ignorefile",
                "",
                "--scanners",
                "vuln",
                "--format",
                "json",
            ])
            .args(extra)
            .arg(&root)
            .current_dir(work.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out.stdout)
    };
    let all = scan(&[]);
    let seen: BTreeSet<&str> = all["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Vulnerabilities"].as_array().into_iter().flatten())
        .filter_map(|v| v["Status"].as_str())
        .collect();
    assert!(
        seen.len() >= 5,
        "trivy reported too few statuses to compare: {seen:?}"
    );
    let path = work.path().join("all.json");
    std::fs::write(&path, serde_json::to_vec(&all).unwrap()).unwrap();
    let report = scanlens::input::read_reports(&[path]).unwrap();
    let theirs = trivy_keys(&scan(&["--ignore-unfixed"]));
    assert_eq!(
        kept_with_ignore_unfixed(&report),
        theirs,
        "statuses seen: {seen:?}"
    );
    eprintln!(
        "--ignore-unfixed: statuses {seen:?}; trivy and scanlens keep {}",
        theirs.len()
    );
    let sets: Vec<String> = scanlens_model::report::VULN_STATUSES
        .iter()
        .map(|s| s.to_string())
        .chain(
            [
                "will_not_fix,fix_deferred",
                "affected,end_of_life,not_affected",
                "",
            ]
            .map(String::from),
        )
        .collect();
    let mut compared = 0;
    for set in &sets {
        for with_unfixed in [false, true] {
            let mut flags = vec!["--ignore-status", set.as_str()];
            if with_unfixed {
                flags.push("--ignore-unfixed");
            }
            let theirs = trivy_keys(&scan(&flags));
            let args = GateArgs {
                ignore_status: set.split(',').map(String::from).collect(),
                ignore_unfixed: with_unfixed,
                ..GateArgs::default()
            };
            assert_eq!(
                kept_by(&report, &args, Kind::Vulnerability),
                theirs,
                "{flags:?}"
            );
            compared += 1;
        }
    }
    eprintln!("--ignore-status: {compared} command lines, each kept what trivy kept");
}

/// What the viewer's `.trivyignore.yaml` export makes Trivy ignore: the selection, and beyond it
/// only what Trivy's rules cannot tell apart (a vulnerability with no purl in the same target, a
/// package license by name).
#[test]
fn the_viewers_export_ignores_the_selection_in_trivy() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-export").unwrap();
    let cases = cases(&trivy, &fixtures, work.path());
    let mut checked = 0;
    let failures = in_parallel(&cases, |case| {
        let ds = scanlens_model::compact::Dataset::from_report(&case.report);
        let mut rng = Rng::new(&case.name);
        let picked: Vec<u32> = (0..ds.findings.len() as u32)
            .filter(|i| ds.findings[*i as usize].is_counted() && rng.chance(40))
            .collect();
        if picked.is_empty() {
            return Vec::new();
        }
        let yaml = scanlens_model::export::trivyignore_yaml(&ds, &picked);
        let path = work.path().join(format!("export-{}.yaml", case.name));
        std::fs::write(&path, &yaml).unwrap();
        let kept = match convert(
            &trivy,
            work.path(),
            &case.path,
            &["--format", "json", "--ignorefile", path.to_str().unwrap()],
        ) {
            Ok(out) => trivy_keys(&json(&out)),
            Err(e) => {
                return vec![format!(
                    "{}: trivy refused the export: {e}\n{yaml}",
                    case.name
                )]
            }
        };
        let report = ds.to_report();
        let selected: BTreeSet<Key> = picked
            .iter()
            .map(|i| key_of(&report.findings[*i as usize]))
            .collect();
        let ignored: BTreeSet<Key> = case.baseline.difference(&kept).cloned().collect();
        let mut out = Vec::new();
        for k in selected.intersection(&case.baseline) {
            if !ignored.contains(k) {
                out.push(format!("{}: selected but kept by trivy: {k:?}", case.name));
            }
        }
        for k in ignored.difference(&selected) {
            let unavoidable = selected.iter().any(|s| {
                s.kind == k.kind
                    && s.id == k.id
                    && match k.kind {
                        // No line in Trivy's rules: a check or secret rule by file.
                        "vulnerability" | "misconfiguration" | "secret" => s.target == k.target,
                        "license" => k.pkg_path.is_empty(),
                        _ => false,
                    }
            });
            if !unavoidable {
                out.push(format!(
                    "{}: not selected but ignored by trivy: {k:?}",
                    case.name
                ));
            }
        }
        out
    });
    for case in &cases {
        checked += usize::from(!case.baseline.is_empty());
    }
    assert_none("viewer export", failures, checked);
}

/// Licenses written as SPDX expressions, each with rules for some of its parts (as written, or
/// as Trivy normalises them) in a `.trivyignore.yaml`, each rule held to its own finding by
/// path: Scanlens never ignores an expression Trivy keeps, and ignores every one Trivy does
/// whose licenses are all SPDX IDs Trivy compares as written. Every ID of that list is checked
/// too, so the list cannot drift from the binary's.
#[test]
fn license_expressions_are_ignored_only_where_trivy_ignores_them() {
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-spdx").unwrap();
    let listed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/src/spdx_ids.txt"),
    )
    .unwrap();
    let listed: Vec<&str> = listed.lines().collect();
    assert!(listed.len() > 700, "the list holds {} IDs", listed.len());
    // Licenses Trivy compares in another form than written, with the form it compares.
    let other_forms = [
        ("GPL-2.0", "GPL-2.0-only"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("LGPL-2.1", "LGPL-2.1-only"),
        ("mit", "MIT"),
        ("apache-2.0", "Apache-2.0"),
        ("GPLv2", "GPL-2.0-only"),
        ("BSD", "BSD-3-Clause"),
        ("Apache License 2.0", "Apache-2.0"),
        ("LicenseRef-Proprietary", "LicenseRef-Proprietary"),
        ("Classpath-exception-2.0", "Classpath-exception-2.0"),
    ];
    let operators = ["AND", "OR", "and", "Or", "WITH", "with"];
    // (expression, rule IDs)
    let mut entries: Vec<(String, Vec<String>)> = Vec::new();
    for id in &listed {
        entries.push((format!("{id} AND MIT"), vec![id.to_string(), "MIT".into()]));
    }
    let first_generated = entries.len();
    let mut rng = Rng::new("spdx");
    for _ in 0..3000 {
        let mut expr = String::new();
        let mut rules = Vec::new();
        let n = 1 + rng.below(4);
        let mut open = 0;
        for i in 0..n {
            if i > 0 {
                let op = if rng.chance(85) {
                    *rng.pick(&operators[..4])
                } else {
                    *rng.pick(&operators[4..])
                };
                expr.push_str(&format!(" {op} "));
            }
            if rng.chance(15) {
                expr.push('(');
                open += 1;
            }
            let (written, compared) = if rng.chance(70) {
                let id = *rng.pick(&listed);
                (id, id)
            } else {
                *rng.pick(&other_forms)
            };
            expr.push_str(written);
            if rng.chance(85) {
                rules.push(if rng.chance(70) { written } else { compared }.to_string());
            }
            if open > 0 && rng.chance(40) {
                expr.push(')');
                open -= 1;
            }
        }
        if rng.chance(90) {
            expr.push_str(&")".repeat(open));
        }
        if rng.chance(5) {
            expr.push_str(" AND");
        }
        if rng.chance(5) {
            rules.push(expr.clone());
        }
        entries.push((expr, rules));
    }
    let names: Vec<String> = entries.iter().map(|(name, _)| name.clone()).collect();
    let input = work.path().join("spdx.json");
    std::fs::write(
        &input,
        serde_json::to_vec(&xtask::spdx::licenses_report(&names)).unwrap(),
    )
    .unwrap();
    let rules = entries
        .iter()
        .enumerate()
        .flat_map(|(k, (_, rules))| rules.iter().map(move |id| (k, id.as_str())));
    let yaml = format!("licenses:\n{}", xtask::spdx::held_rules(rules));
    let ignore = work.path().join("spdx.trivyignore.yaml");
    std::fs::write(&ignore, yaml).unwrap();
    let report = scanlens::input::read_reports(std::slice::from_ref(&input)).unwrap();
    let excluded = scanlens_excluded(&report, &ignore).unwrap();
    let kept = trivy_keys(&json(
        &convert(
            &trivy,
            work.path(),
            &input,
            &["--format", "json", "--ignorefile", ignore.to_str().unwrap()],
        )
        .unwrap(),
    ));
    let kept: BTreeSet<&str> = kept.iter().map(|k| k.pkg_path.as_str()).collect();
    let excluded: BTreeSet<&str> = excluded.iter().map(|k| k.pkg_path.as_str()).collect();
    let as_written = |expr: &str| {
        !expr.to_ascii_uppercase().contains(" WITH ")
            && expr
                .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
                .filter(|t| {
                    !t.is_empty() && !t.eq_ignore_ascii_case("AND") && !t.eq_ignore_ascii_case("OR")
                })
                .all(|t| listed.contains(&t))
    };
    let (mut failures, mut stricter, mut split) = (Vec::new(), 0, 0);
    for (k, (expr, rules)) in entries.iter().enumerate() {
        let path = format!("f/{k}");
        let (ours, theirs) = (
            excluded.contains(path.as_str()),
            !kept.contains(path.as_str()),
        );
        if k < first_generated && !theirs {
            failures.push(format!(
                "{expr:?}: listed as compared as written, but trivy keeps it under {rules:?}"
            ));
        }
        match (ours, theirs) {
            (true, false) => failures.push(format!(
                "{expr:?} under {rules:?}: trivy keeps, scanlens ignores"
            )),
            (false, true) if as_written(expr) => failures.push(format!(
                "{expr:?} under {rules:?}: trivy ignores, scanlens keeps"
            )),
            (false, true) => stricter += 1,
            (true, true) => split += usize::from(!rules.contains(expr)),
            (false, false) => {}
        }
    }
    eprintln!(
        "license expressions: {} cases; scanlens ignores {split} by their parts; keeps {stricter} that trivy ignores through its normalisation tables",
        entries.len()
    );
    assert_none("license expressions", failures, entries.len());
    assert!(
        split > 900,
        "too few expressions ignored by their parts: {split}"
    );
}

/// Where each SARIF result points in its file, as `trivy convert --format sarif` has it for every
/// corpus report: the same results, each with the same lines (a vulnerability at its package's
/// lines in a lock file, one location per place the package is listed). The file itself is
/// Scanlens's own choice in places (relative, percent-encoded, a license at its file).
#[test]
fn sarif_locations_are_trivys() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-sarif-locations").unwrap();
    let cases = cases(&trivy, &fixtures, work.path());
    // (rule, every location's lines), one per result, sorted.
    let located = |v: &Value| -> Vec<(String, Vec<(u64, u64)>)> {
        let mut out: Vec<_> = v["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let locs = r["locations"].as_array().cloned().unwrap_or_default();
                let lines = locs
                    .iter()
                    .map(|l| {
                        let region = &l["physicalLocation"]["region"];
                        (
                            region["startLine"].as_u64().unwrap_or(0),
                            region["endLine"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect();
                (r["ruleId"].as_str().unwrap_or("").to_string(), lines)
            })
            .collect();
        out.sort();
        out
    };
    let beyond_line_one = std::sync::atomic::AtomicUsize::new(0);
    let failures = in_parallel(&cases, |case| {
        let theirs = match convert(
            &trivy,
            work.path(),
            &case.path,
            &["--format", "sarif", "--ignorefile", ""],
        ) {
            Ok(out) => located(&json(&out)),
            Err(e) => return vec![format!("{}: trivy refused: {e}", case.name)],
        };
        let category = scanlens::sarif::default_category(&case.report);
        let ours = located(&json(
            &scanlens::sarif::render(&case.report, &category).bytes,
        ));
        beyond_line_one.fetch_add(
            theirs
                .iter()
                .filter(|(_, l)| l.len() > 1 || l.iter().any(|x| *x != (1, 1)))
                .count(),
            std::sync::atomic::Ordering::Relaxed,
        );
        if theirs == ours {
            return Vec::new();
        }
        let only = |a: &Vec<(String, Vec<(u64, u64)>)>, b: &Vec<(String, Vec<(u64, u64)>)>| {
            a.iter()
                .filter(|x| !b.contains(x))
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
        };
        vec![format!(
            "{}: {} results in trivy, {} in scanlens; only trivy's: {:?}; only scanlens's: {:?}",
            case.name,
            theirs.len(),
            ours.len(),
            only(&theirs, &ours),
            only(&ours, &theirs)
        )]
    });
    let beyond = beyond_line_one.into_inner();
    eprintln!(
        "SARIF locations: {} reports, {beyond} results located beyond line 1",
        cases.len()
    );
    assert_none("SARIF locations", failures, cases.len());
    assert!(
        beyond > 50,
        "the corpus located only {beyond} results beyond line 1"
    );
}

/// The exit code of `trivy convert` of `input` with gate options `args` (no ignore file).
fn trivy_exit(trivy: &Path, cwd: &Path, input: &Path, args: &[&str]) -> Option<i32> {
    let mut all = vec![
        "--format",
        "json",
        "--ignorefile",
        "",
        "--output",
        "/dev/null",
    ];
    all.extend(args);
    convert_run(trivy, cwd, input, &all).unwrap().status.code()
}

/// The exit code `scanlens render` gives `report` with gate options `args`, and its verdict.
fn scanlens_exit(report: &Report, args: &[&str]) -> (u8, scanlens_model::GateResult) {
    use clap::Parser;
    let cli = scanlens::cli::Cli::try_parse_from(
        ["scanlens", "render", "in.json", "--out", "out"]
            .into_iter()
            .chain(args.iter().copied()),
    )
    .unwrap();
    let scanlens::cli::Command::Render(render) = cli.command else {
        panic!("not render")
    };
    let policy = scanlens::gate::policy(&render.gate).unwrap();
    let verdict = policy.apply(&mut report.clone());
    (scanlens::gate::exit_code(&render.gate, &verdict), verdict)
}

/// Trivy's `--exit-code 1` (with or without `--severity`) given to Scanlens as it stands, without
/// `--fail-on`: for every corpus report and severity set, Scanlens's exit code is Trivy's.
#[test]
fn exit_code_alone_gates_as_in_trivy() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-exit-code").unwrap();
    let cases = cases(&trivy, &fixtures, work.path());
    let severities = ["", "CRITICAL", "HIGH,CRITICAL", "LOW", "UNKNOWN,MEDIUM"];
    let jobs: Vec<(usize, &str)> = (0..cases.len())
        .flat_map(|c| severities.iter().map(move |s| (c, *s)))
        .collect();
    let failed_somewhere = std::sync::atomic::AtomicUsize::new(0);
    let failures = in_parallel(&jobs, |(c, sev)| {
        let case = &cases[*c];
        let mut args = vec!["--exit-code", "1"];
        if !sev.is_empty() {
            args.extend(["--severity", sev]);
        }
        let theirs = trivy_exit(&trivy, work.path(), &case.path, &args);
        let (ours, _) = scanlens_exit(&case.report, &args);
        failed_somewhere.fetch_add(usize::from(ours != 0), std::sync::atomic::Ordering::Relaxed);
        if theirs == Some(i32::from(ours)) {
            Vec::new()
        } else {
            vec![format!(
                "{} with {args:?}: trivy exits {theirs:?}, scanlens {ours}",
                case.name
            )]
        }
    });
    let failed = failed_somewhere.into_inner();
    eprintln!(
        "--exit-code alone: {} (report, severities) pairs, {failed} failing",
        jobs.len()
    );
    assert_none("--exit-code alone", failures, jobs.len());
    assert!(failed > 50, "too few gates tripped to tell: {failed}");
}

/// Trivy's `--exit-on-eol N`: exit N when the scanned OS is past its end of life, before the
/// findings' `--exit-code`. Every corpus report with an OS, as written and marked end of life,
/// with the option alone, beside `--exit-code` (and `--severity`), and off (`0`): the same exit
/// code as `trivy convert` gives.
#[test]
fn exit_on_eol_exits_as_in_trivy() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let trivy = require!(trivy());
    let work = TempDir::new("differential-eol").unwrap();
    let mut inputs = Vec::new();
    for case in cases(&trivy, &fixtures, work.path()) {
        let doc = json(&std::fs::read(&case.path).unwrap());
        if !doc["Metadata"]["OS"].is_object() {
            continue;
        }
        for eosl in [false, true] {
            let mut d = doc.clone();
            d["Metadata"]["OS"]["EOSL"] = json!(eosl);
            let path = work.path().join(format!("{}-{eosl}.json", inputs.len()));
            std::fs::write(&path, serde_json::to_vec(&d).unwrap()).unwrap();
            let report = scanlens::input::read_reports(std::slice::from_ref(&path)).unwrap();
            inputs.push((format!("{} (EOSL {eosl})", case.name), path, report));
        }
    }
    let options: [&[&str]; 5] = [
        &["--exit-on-eol", "4"],
        &["--exit-on-eol", "4", "--exit-code", "1"],
        &[
            "--exit-on-eol",
            "1",
            "--exit-code",
            "5",
            "--severity",
            "CRITICAL",
        ],
        &["--exit-on-eol", "0", "--exit-code", "1"],
        &["--exit-on-eol", "6", "--exit-code", "0"],
    ];
    let jobs: Vec<(usize, &[&str])> = (0..inputs.len())
        .flat_map(|i| options.iter().map(move |o| (i, *o)))
        .collect();
    let eol_exits = std::sync::atomic::AtomicUsize::new(0);
    let failures = in_parallel(&jobs, |(i, args)| {
        let (name, path, report) = &inputs[*i];
        let theirs = trivy_exit(&trivy, work.path(), path, args);
        let (ours, verdict) = scanlens_exit(report, args);
        if !verdict.eol.is_empty() {
            eol_exits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if theirs == Some(i32::from(ours)) {
            Vec::new()
        } else {
            vec![format!(
                "{name} with {args:?}: trivy exits {theirs:?}, scanlens {ours}"
            )]
        }
    });
    let eol = eol_exits.into_inner();
    assert_none("--exit-on-eol", failures, jobs.len());
    assert!(eol >= 20, "too few end-of-life verdicts to tell: {eol}");
}

/// `null` where Trivy's Go types read a string, a struct or a list (hand-edited reports, other
/// tools' output): Trivy reads it as empty, and so does Scanlens, finding for finding.
#[test]
fn nulls_trivy_reads_as_empty_are_read_as_empty() {
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-nulls").unwrap();
    let docs = [
        json!({"SchemaVersion": 2, "ArtifactName": "x", "ArtifactType": "filesystem", "Metadata": null,
            "Results": [
                {"Target": "a", "Class": "lang-pkgs", "Type": "npm", "Packages": null,
                 "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": null, "InstalledVersion": null,
                     "Severity": null, "Title": null, "Layer": null, "CVSS": null}]},
                {"Target": "Dockerfile", "Class": "config", "Type": "dockerfile",
                 "Misconfigurations": [{"ID": "DS-0002", "Status": "FAIL", "Severity": "HIGH", "Message": null,
                     "CauseMetadata": null}]},
                {"Target": "s", "Class": "secret",
                 "Secrets": [{"RuleID": "r", "Severity": "HIGH", "Title": null, "Match": null, "Code": null,
                     "StartLine": null}]}]}),
        json!({"SchemaVersion": 2, "ArtifactName": "x", "ArtifactType": "container_image",
            "Metadata": {"OS": null, "ImageConfig": null, "RepoTags": null},
            "Results": [
                {"Target": "a", "Class": "os-pkgs", "Type": "debian",
                 "Vulnerabilities": [{"VulnerabilityID": "CVE-2", "PkgName": "p", "InstalledVersion": "1",
                     "FixedVersion": null, "Status": null, "Severity": "LOW", "VendorIDs": null, "CweIDs": null,
                     "References": null, "DataSource": null, "SeveritySource": null, "PrimaryURL": null,
                     "VendorSeverity": null, "CVSS": null, "PublishedDate": null}]},
                {"Target": "l", "Class": "license",
                 "Licenses": [{"Severity": "HIGH", "Category": null, "PkgName": null, "FilePath": null,
                     "Name": "GPL-3.0", "Confidence": null, "Link": null}]}]}),
    ];
    for (i, doc) in docs.iter().enumerate() {
        let path = work.path().join(format!("nulls-{i}.json"));
        std::fs::write(&path, serde_json::to_vec(doc).unwrap()).unwrap();
        let theirs = trivy_keys(&json(
            &convert(
                &trivy,
                work.path(),
                &path,
                &["--format", "json", "--ignorefile", ""],
            )
            .unwrap(),
        ));
        let report = scanlens::input::read_reports(std::slice::from_ref(&path))
            .unwrap_or_else(|e| panic!("nulls-{i}: scanlens refused what trivy reads: {e}"));
        let ours: BTreeSet<Key> = report
            .findings
            .iter()
            .filter(|f| f.is_counted())
            .map(key_of)
            .collect();
        assert_eq!(ours, theirs, "nulls-{i}");
        assert!(!ours.is_empty());
    }
}

/// `--ignored-licenses` against `trivy fs --scanners license --ignored-licenses` on a lock file
/// whose packages carry licenses as written, as SPDX expressions and in other spellings: for each
/// value, the licenses the gate still counts are the ones Trivy still reports.
#[test]
fn ignored_licenses_keep_what_trivy_keeps() {
    if !e2e() {
        return;
    }
    let trivy = require!(trivy());
    let work = TempDir::new("differential-ignored-licenses").unwrap();
    let dir = work.path().join("app");
    let licenses = [
        ("a", "GPL-2.0"),
        ("b", "AGPL-3.0"),
        ("c", "MIT"),
        ("d", "Apache-2.0"),
        ("e", "GPL-2.0 OR MIT"),
        ("f", "LGPL-2.1+"),
        ("g", "GPL-3.0-only"),
        ("h", "BSD-3-Clause AND GPL-2.0-or-later"),
    ];
    let mut packages = serde_json::Map::new();
    packages.insert(
        String::new(),
        json!({"name": "app", "version": "1.0.0", "dependencies": licenses.iter().map(|(p, _)| (format!("pkg-{p}"), json!("1.0.0"))).collect::<serde_json::Map<_, _>>()}),
    );
    for (p, l) in licenses {
        packages.insert(
            format!("node_modules/pkg-{p}"),
            json!({"version": "1.0.0", "license": l}),
        );
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("package-lock.json"),
        serde_json::to_vec(&json!({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": packages})).unwrap(),
    )
    .unwrap();
    let scan = |ignored: Option<&str>| -> Value {
        let mut cmd = Command::new(&trivy);
        cmd.args(["fs", "--scanners", "license", "--format", "json", "--quiet"])
            .args([
                "--skip-db-update",
                "--offline-scan",
                "--config",
                "",
                "--ignorefile",
                "",
            ])
            .arg("--cache-dir")
            .arg(work.path().join("cache"));
        if let Some(v) = ignored {
            cmd.args(["--ignored-licenses", v]);
        }
        let out = cmd.arg(&dir).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out.stdout)
    };
    let all = scan(None);
    let path = work.path().join("all.json");
    std::fs::write(&path, serde_json::to_vec(&all).unwrap()).unwrap();
    let report = scanlens::input::read_reports(&[path]).unwrap();
    let everything = trivy_keys(&all);
    assert!(everything.len() >= licenses.len(), "{everything:?}");
    let values = [
        "GPL-2.0",
        "GPL-2.0-only",
        "gpl-2.0",
        "AGPL-3.0,MIT",
        "GPL-2.0 OR MIT",
        "LGPL-2.1+",
        "LGPL-2.1-or-later",
        "GPL-3.0",
        "GPL-2.0-or-later",
        "BSD-3-Clause",
        "Apache-2.0,GPL-3.0-only,GPL-2.0",
    ];
    let mut differing = 0;
    for v in values {
        let theirs = trivy_keys(&scan(Some(v)));
        let args = GateArgs {
            ignored_licenses: v.split(',').map(String::from).collect(),
            ..GateArgs::default()
        };
        assert_eq!(
            kept_by(&report, &args, Kind::License),
            theirs,
            "--ignored-licenses {v}"
        );
        if theirs != everything {
            differing += 1;
        }
    }
    // The values tell the rule apart: most of them do leave something out.
    assert!(differing >= values.len() / 2, "{differing}");
    eprintln!(
        "--ignored-licenses: {} values, {differing} leaving licenses out, each as trivy",
        values.len()
    );
}
