//! `model::versions` against the real tools: each ecosystem's order must agree with the
//! program that defines it, pair by pair, including which versions it refuses to read.
//!
//! | order | reference | how it is asked |
//! | --- | --- | --- |
//! | dpkg | `dpkg --compare-versions` | one call per pair (a warning or error is "cannot read") |
//! | rpm | rpm 4.18's `rpm.vercmp` | one `rpm --eval` Lua loop over a file of pairs |
//! | PEP 440 | Python's `packaging.version.Version` | one `python3` over stdin |
//! | npm, semver | node's `semver` package (in `.ci/node`) | one `node` over stdin |
//! | Maven | Maven's `ComparableVersion` (Debian's maven-artifact jar) | one `java` over stdin |
//! | RubyGems | Ruby's `Gem::Version` | one `ruby` over stdin |
//!
//! The versions: every `InstalledVersion` and listed `FixedVersion` of the corpus's results
//! (plus their packages' versions), by the ecosystem their `Class`/`Type` maps to; edge cases
//! per ecosystem (epochs, tildes, distribution suffixes, pre-releases, qualifiers, invalid
//! spellings); and neighbours of each (every digit run one up and one down). Pairs: each
//! installed/fixed pair of the corpus, every pair of edge cases, each version with each of its
//! neighbours and with 150 others drawn from a fixed seed (40 for dpkg, asked one pair per call),
//! about 2,000 to 9,000 pairs per order in 15 s. The lenient SemVer order has no
//! reference tool of its own; it is held to node's `semver` where node reads both versions.
//! apk and NuGet have no tool on Debian: their unit tests in the model hold them to the
//! orderings their projects document; NuGet is also held to node's `semver` where the two
//! agree by definition, and apk to apk-tools' `src/version.c` when a checkout of apk-tools is
//! given (`APK_TOOLS_SRC`, an ignored test).
//!
//! Each test prints its figures (pairs compared, refused by both, disagreements) and fails on
//! any disagreement.

mod common;

use scanlens_e2e::{e2e, require, which, workspace_root, TempDir, Unavailable};
use scanlens_model::versions::{compare, ecosystem, fixed_versions, Ecosystem};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

type Pair = (String, String);

/// Versions of one ecosystem: the pool, and the corpus's installed/fixed pairs.
#[derive(Default)]
struct Versions {
    pool: BTreeSet<String>,
    corpus_pairs: BTreeSet<Pair>,
}

/// The corpus's versions by ecosystem.
fn corpus(fixtures: &Path) -> BTreeMap<&'static str, Versions> {
    let mut out: BTreeMap<&'static str, Versions> = BTreeMap::new();
    let mut files = Vec::new();
    walk(fixtures, &mut files);
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        results(&doc, &mut |r| {
            let s = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
            let Some(eco) = ecosystem(&s(r, "Class"), &s(r, "Type")) else {
                return;
            };
            let e = out.entry(eco.as_str()).or_default();
            for p in r["Packages"].as_array().into_iter().flatten() {
                push(&mut e.pool, &s(p, "Version"));
            }
            for v in r["Vulnerabilities"].as_array().into_iter().flatten() {
                let installed = s(v, "InstalledVersion");
                push(&mut e.pool, &installed);
                for fixed in fixed_versions(v["FixedVersion"].as_str().unwrap_or("")) {
                    push(&mut e.pool, fixed);
                    if !installed.is_empty() {
                        e.corpus_pairs
                            .insert((installed.clone(), fixed.to_string()));
                    }
                }
            }
        });
    }
    out
}

fn push(pool: &mut BTreeSet<String>, v: &str) {
    if !v.is_empty() {
        pool.insert(v.to_string());
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every object that looks like a Trivy result (schema 2, legacy arrays, `trivy k8s` layouts).
fn results(v: &Value, f: &mut dyn FnMut(&Value)) {
    match v {
        Value::Object(m) => {
            if m.contains_key("Target") && m.contains_key("Class") {
                f(v);
            }
            m.values().for_each(|x| results(x, f));
        }
        Value::Array(a) => a.iter().for_each(|x| results(x, f)),
        _ => {}
    }
}

/// Edge cases per ecosystem, valid and not.
fn edge_cases(eco: Ecosystem) -> &'static [&'static str] {
    match eco {
        Ecosystem::Deb => &[
            "1:2.0",
            "2.0",
            "0:2.0",
            "1.0~rc1",
            "1.0",
            "1.0~~",
            "1.0~",
            "1.0~~a",
            "1.0+deb12u1",
            "1.0-1+deb12u1",
            "1.0-1~deb12u1",
            "1.0-1",
            "1.0-1ubuntu0.1",
            "1.0-1ubuntu0.10",
            "1.0-1build1",
            "1.0a",
            "1.0+",
            "1.0.0",
            "1.01",
            "2:1.0-1",
            "1.0-0",
            "7.6p2-4",
            "1.2.3+dfsg-1",
            "1.2.3+dfsg1-1",
            "1.2.3~dfsg-1",
            "10.0",
            "9.9",
            "1.0-1.1",
            "1.0-1-1",
            "1.0:1-1",
            "3:1.0",
            "1.0-1~bpo12+1",
            "2.36-9+deb12u4",
            "2.36-9+deb12u10",
            "1.0+really0.9-1",
            "0.9+really1.0-1",
            "1.0-A",
            "1.0-a",
            "1.0-Z1",
            "1.0.~1",
            // dpkg refuses or warns about these.
            "a1.0",
            "1.0_1",
            ":1.0",
            "1.0-",
            "abc:1",
            "1.0-a:b",
            "1.0-a_b",
            "-1:1.0",
        ],
        Ecosystem::Rpm => &[
            "1.0-1.el7",
            "1.0-1.el7_6",
            "1.0-1.el8",
            "1.0-1.el8_6",
            "1.0-1.el8_10",
            "1:1.0-1.el8",
            "2:0.9-1",
            "1.0~rc1-1",
            "1.0-1~rc1",
            "1.0^git1-1",
            "1.0^-1",
            "1.0-1.fc38",
            "1.0",
            "1.0a-1",
            "1.0-1.amzn2.0.1",
            "1.0-1.amzn2.0.2",
            "1.0.0-1",
            "1.00-1",
            "01:1.0-1",
            "1.0-1.cm2",
            "1.0-1.ph3",
            "1.0-lp151.8.3.1",
            "1.0-150400.1.1",
            "1.0-beta-3",
            "1.0-beta-2",
            "1.0_1-1",
            "1.0+git-1",
            "a:1.0-1",
            "1.0-",
            "1.0~",
            "1.0^",
            "1.0~~",
            "1.0^~",
            "0:1.0-1",
            ":1.0-1",
            "1.0-1.el9_2.1",
            "1.0-1.el9_2.10",
            "1.0.a-1",
            "1.0.A-1",
            "5.5p1-1",
            "5.5p10-1",
            "10xyz-1",
            "10.1xyz-1",
            "xyz10",
            "xyz.4",
            "1.0-1.module+el8",
        ],
        Ecosystem::SemVer | Ecosystem::Npm => &[
            "1.0.0",
            "v1.0.0",
            "1.0.0-rc.1",
            "1.0.0-rc.2",
            "1.0.0-rc.10",
            "1.0.0-RC.1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0+build.1",
            "1.0.0-rc.1+build",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.3-01",
            "1.2.3-0",
            "1.2.3-a-b",
            "2.0.0",
            "10.0.0",
            "1.10.0",
            "1.9.0",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-aaaaaaaaaaaa",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v2.7.1+incompatible",
            "=1.2.3",
            "1.2.3-",
            "V1.2.3",
            "1.2.3-x.7.z.92",
            "1.0.0-0.3.7",
            "9007199254740991.0.0",
            "9007199254740992.0.0",
            "1.2.3+",
            "1.2.3beta",
            "latest",
            "1.2.x",
            "0.0.0",
            "0.0.1",
            "1.0.0-alpha-1",
            "1.0.0-alpha.-1",
            "1.0.0--",
            "1.0.0-1a",
            "1.0.0-a1",
        ],
        Ecosystem::Pep440 => &[
            "1.0",
            "1.0.0",
            "1.0a1",
            "1.0b2",
            "1.0rc1",
            "1.0c1",
            "1.0.post1",
            "1.0-1",
            "1.0.dev1",
            "1.0a1.dev1",
            "1!1.0",
            "1.0+local.1",
            "1.0+local.a",
            "v1.0",
            "1.0-RC1",
            "1.0.PRE1",
            "1.0-alpha1",
            "1.0beta",
            "1.0_post1",
            "1.0.rev1",
            "1.0r1",
            "1.0.0.0.1",
            "1.0-foo",
            "1.0.x",
            "01.0",
            "1.0a",
            "1.0.post",
            "1.0-preview",
            "1.0+ubuntu-1",
            "1.0.dev",
            "1.0a1.post2.dev3",
            "1.0+1",
            "1.0+a",
            "1.0+A",
            "2.0",
            "0.11",
            "0.11.6",
            "1!0.5",
            "1.0-",
            "1.0+",
            "1.0++",
            "1.0.*",
            "1.0 ",
            "1.0.0-post1",
            "1.0.0-dev1",
            "1.0.0alpha",
        ],
        Ecosystem::Maven => &[
            "1",
            "1.0",
            "1.0.0",
            "1-1",
            "1-SNAPSHOT",
            "1.0-SNAPSHOT",
            "1.0-alpha-1",
            "1.0-alpha1",
            "1.0a1",
            "1.0-beta-2",
            "1.0-beta2",
            "1.0b2",
            "1.0-milestone-1",
            "1.0-m1",
            "1.0-rc1",
            "1.0-RC1",
            "1.0-cr1",
            "1.0.Final",
            "1.0.FINAL",
            "1.0-ga",
            "1.0.GA",
            "1.0-release",
            "1.0.RELEASE",
            "1.0-sp1",
            "1.0-SP1",
            "1.0.1",
            "1.0-1",
            "1.0-foo",
            "1.0.foo",
            "1.0-xyz",
            "2.9.10.4",
            "2.9.10",
            "2.9.1",
            "5.3.15",
            "5.3.18",
            "1.0.0-jre",
            "31.1-jre",
            "31.1-android",
            "1.0.0.Beta1",
            "1.0.0.CR1",
            "1.0.0.M1",
            "2.0.0.RC1",
            "3.2.0.RELEASE",
            "3.2.0.BUILD-SNAPSHOT",
            "1.0-2",
            "1.0-10",
            "1.0.2",
            "1-0.1",
            "1.0-a",
            "1.0.a",
            "1.0-b",
            "1.0-m",
            "1.0-dev",
            "1.0.12345678901234567890",
            "1.0.12345678901234567891",
            "1.0.0-20210101.123456-1",
            "1.0-a1",
            "1.0-alpha",
            "1.0-alpha-",
            "1.0--1",
            "1..0",
            "1.0.",
            "-1",
            ".1",
            "1.0-b1-SNAPSHOT",
            "1.0.0.0.0.0",
            "1.0.0-0",
            "1.0.0.0-a",
            "2.0-1",
            "2.0.1-xyz",
            "2.0.1-123",
            "1.7.0_45",
            "3.0-M2",
            "1.0-final-1",
            "1-alpha2snapshot",
            "1-alpha-123",
            "1-beta123",
            "1-m11",
            "1-cr2",
            "1-pom-1",
            "1-1-snapshot",
            "2.1-a",
            "2.1b",
            "11.a2",
            "11.m11",
            "11b",
            "11m",
            "1.0.RC2",
            "1.0-RC3",
            "1.0-0.0",
            "1a1",
            "..--",
            "1.0.0.RELEASE",
            "1-ga-1",
            "1.0.GA-1",
            "1.0-rc-1.0",
        ],
        Ecosystem::RubyGems => &[
            "1.0",
            "1.0.0",
            "1.0.a",
            "1.0.a1",
            "1.0.b1",
            "1.0.rc1",
            "1.0.pre",
            "1.0-rc1",
            "1.0.0.pre.rc1",
            "1.0a",
            "1.0.1",
            "6.0.2.1",
            "6.0.3.1",
            "5.2.4.3",
            "1.0.0.A",
            "1.9.3",
            "1.10",
            "0.8.01",
            "2.0.0.rc2",
            "2.0.0.b3",
            "1.0.0.1",
            "1",
            "1.a",
            "1-a-b",
            "1.0.a.2",
            "1.0.a10",
            "0",
            "0.0",
            "1.0.0.a.0",
            "1.0.0-",
            "junk",
            "1..2",
            "1.0_1",
            "v1.0",
            "1.0-a.b",
            "1.0-a..b",
            "1.0.0.Z",
            "2.0.0.rc",
            "1.0.0.0.1",
        ],
        Ecosystem::Apk => &[
            "1.0",
            "1.0-r0",
            "1.0-r1",
            "1.0-r10",
            "1.0_rc1",
            "1.0_rc1-r1",
            "1.0_rc2",
            "1.0_p1",
            "1.0_p1-r0",
            "1.0_alpha",
            "1.0_alpha1",
            "1.0_beta",
            "1.0_beta2",
            "1.0_pre1",
            "1.0_cvs",
            "1.0_svn",
            "1.0_git20200101",
            "1.0_hg1",
            "1.0a",
            "1.0b",
            "1.0a-r1",
            "1.0.1",
            "1.01",
            "1.001",
            "1.1",
            "1.10",
            "1.02",
            "1.0~abc",
            "1.0~abd",
            "1.0~abc-r1",
            "1.0_rc1_p2",
            "1.0_p1_rc1",
            "1.1.1b-r1",
            "1.1.1d-r2",
            "2.34",
            "0.1.0_alpha",
            "1",
            "1.0.0",
            "20200101",
            "1.0_rc",
            "1.0_p",
            "1.0-r01",
            // apk-tools calls these invalid.
            "a1",
            "1.",
            "1..2",
            "1.0-1",
            "1.0-r",
            "1.0_foo",
            "1.0_",
            "1.0ab",
            "1.0a.1",
            "1.0~",
            "1.0~xyz",
            "1.0-r1-r2",
            "v1.0",
            "1.0-r1_p1",
            "1.0_rc1a",
        ],
        Ecosystem::NuGet => &[
            "1.0.0",
            "1.0",
            "1",
            "1.0.0.0",
            "1.0.0.1",
            "1.0.1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-rc.1+build",
            "1.0.0+build",
            "9.0.1",
            "13.0.1",
            "12.0.3",
            "1.0.0-beta01",
            "1.0.0-beta1",
            "1.0.0-0",
            "1.0.0-a-b",
            "4.0.0.0-preview1",
            "2147483647.0.0",
            "2147483648.0.0",
            "1.2.3.4.5",
            "1.0.0-",
        ],
    }
}

/// Each version with every digit run one up and one down: neighbours that exercise the order
/// at every position.
fn neighbours(v: &str) -> Vec<String> {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let Ok(n) = v[start..i].parse::<u64>() else {
            continue;
        };
        let mut with = |m: u64| out.push(format!("{}{m}{}", &v[..start], &v[i..]));
        with(n + 1);
        if n > 0 {
            with(n - 1);
        }
    }
    out
}

/// The pairs to compare for one ecosystem, `partners` being how many other versions of the pool
/// each version meets: every corpus pair; every pair of edge cases; each version of the corpus
/// and the edge cases against each of its neighbours; and against `partners` others drawn from
/// a fixed seed, so every run checks the same pairs.
fn cases(eco: Ecosystem, corpus: &BTreeMap<&'static str, Versions>, partners: usize) -> Vec<Pair> {
    let empty = Versions::default();
    let c = corpus.get(eco.as_str()).unwrap_or(&empty);
    let edges: Vec<String> = edge_cases(eco).iter().map(|s| s.to_string()).collect();
    let mut seeds: BTreeSet<String> = c.pool.clone();
    seeds.extend(edges.iter().cloned());
    let seeds: Vec<String> = seeds.into_iter().collect();
    let mut pairs: BTreeSet<Pair> = c.corpus_pairs.clone();
    for (i, a) in edges.iter().enumerate() {
        for b in &edges[i..] {
            pairs.insert((a.clone(), b.clone()));
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "versions: {}: {} corpus versions, {} corpus installed/fixed pairs, {} edge cases",
        eco.as_str(),
        c.pool.len(),
        c.corpus_pairs.len(),
        edges.len()
    );
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    for a in &seeds {
        for n in neighbours(a) {
            pairs.insert((a.clone(), n));
        }
        for _ in 0..partners {
            // xorshift64: a fixed sequence.
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let b = &seeds[(rng % seeds.len() as u64) as usize];
            pairs.insert((a.clone(), b.clone()));
        }
    }
    pairs.into_iter().collect()
}

/// Ours against the tool's answers; prints the figures and fails on any disagreement.
fn check(name: &str, eco: Ecosystem, pairs: &[Pair], tool: &[Option<Ordering>]) {
    assert_eq!(pairs.len(), tool.len(), "{name}: one answer per pair");
    let mut both_refuse = 0;
    let mut bad = Vec::new();
    for ((a, b), t) in pairs.iter().zip(tool) {
        let ours = compare(eco, a, b);
        if ours != *t {
            bad.push(format!("  {a:?} vs {b:?}: ours {ours:?}, {name} {t:?}"));
        } else if t.is_none() {
            both_refuse += 1;
        }
    }
    report(name, eco, pairs.len(), both_refuse, &bad);
}

fn report(name: &str, eco: Ecosystem, pairs: usize, both_refuse: usize, bad: &[String]) {
    let _ = writeln!(
        std::io::stderr(),
        "versions: {} vs {name}: {pairs} pairs, {both_refuse} refused by both, {} disagreements",
        eco.as_str(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{} disagreement(s) with {name}:\n{}",
        bad.len(),
        bad.iter().take(200).cloned().collect::<Vec<_>>().join("\n")
    );
}

fn tool(name: &str) -> Result<PathBuf, Unavailable> {
    which(name).ok_or_else(|| Unavailable(format!("{name} is not installed (.ci/install)")))
}

/// Runs `cmd` with the pairs on stdin, one `a<TAB>b` a line, and reads one answer a line:
/// `-1`, `0`, `1`, or anything else for "cannot read".
fn batch(mut cmd: Command, pairs: &[Pair]) -> Vec<Option<Ordering>> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{cmd:?} failed: {}", out.status);
    answers(&String::from_utf8_lossy(&out.stdout), pairs.len())
}

fn answers(out: &str, n: usize) -> Vec<Option<Ordering>> {
    let got: Vec<Option<Ordering>> = out
        .lines()
        .map(|l| match l.trim() {
            "-1" => Some(Ordering::Less),
            "0" => Some(Ordering::Equal),
            "1" => Some(Ordering::Greater),
            _ => None,
        })
        .collect();
    assert_eq!(got.len(), n, "one answer per pair");
    got
}

/// No version in a pool holds a tab or a newline (the batch format); none does in the corpus.
fn batchable(pairs: Vec<Pair>) -> Vec<Pair> {
    pairs
        .into_iter()
        .filter(|(a, b)| !format!("{a}{b}").contains(['\t', '\n']))
        .collect()
}

fn corpus_or_skip() -> Option<BTreeMap<&'static str, Versions>> {
    Some(corpus(&common::fixtures()?))
}

#[test]
fn deb_agrees_with_dpkg() {
    if !e2e() {
        return;
    }
    let dpkg = require!(tool("dpkg"));
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let pairs = cases(Ecosystem::Deb, &corpus, 40);
    // dpkg takes one pair per call: four threads of calls.
    let chunk = pairs.len().div_ceil(4).max(1);
    let answers: Vec<Option<Ordering>> = std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| {
                s.spawn(|| {
                    part.iter()
                        .map(|(a, b)| dpkg_cmp(&dpkg, a, b))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    check("dpkg --compare-versions", Ecosystem::Deb, &pairs, &answers);
}

/// dpkg's answer for one pair; `None` when it calls either version bad syntax (an error, or a
/// warning it compares on after).
fn dpkg_cmp(dpkg: &Path, a: &str, b: &str) -> Option<Ordering> {
    let run = |op: &str| {
        let out = Command::new(dpkg)
            .args(["--compare-versions", a, op, b])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.code(), stderr)
    };
    let (code, stderr) = run("lt");
    if stderr.contains("bad syntax") || code == Some(2) {
        return None;
    }
    assert!(stderr.is_empty(), "dpkg said: {stderr}");
    if code == Some(0) {
        return Some(Ordering::Less);
    }
    match run("eq").0 {
        Some(0) => Some(Ordering::Equal),
        _ => Some(Ordering::Greater),
    }
}

#[test]
fn rpm_agrees_with_rpm() {
    if !e2e() {
        return;
    }
    let rpm = require!(tool("rpm"));
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let pairs = batchable(cases(Ecosystem::Rpm, &corpus, 150));
    let work = TempDir::new("versions-rpm").unwrap();
    let file = work.path().join("pairs");
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    std::fs::write(&file, input).unwrap();
    // `%` would start a macro inside `--eval`: the Lua has none, and the path is ours.
    let lua = format!(
        "%{{lua: for l in io.lines(\"{}\") do local a, b = l:match(\"^(.-)\\t(.*)$\"); io.write(rpm.vercmp(a, b), \"\\n\") end}}",
        file.display()
    );
    let out = Command::new(rpm)
        .args(["--eval", &lua])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rpm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `--eval` ends its output with a newline of its own.
    let text = String::from_utf8_lossy(&out.stdout);
    let answers = answers(text.trim_end_matches('\n'), pairs.len());
    check("rpm.vercmp", Ecosystem::Rpm, &pairs, &answers);
}

const PYTHON: &str = r#"
import sys
from packaging.version import Version, InvalidVersion
def read(v):
    # PEP 440 allows surrounding whitespace; the model does not (it is not part of a version).
    if v != v.strip():
        raise InvalidVersion(v)
    return Version(v)
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    try:
        x, y = read(a), read(b)
        print((x > y) - (x < y))
    except InvalidVersion:
        print("invalid")
"#;

#[test]
fn pep440_agrees_with_packaging() {
    if !e2e() {
        return;
    }
    let python = require!(tool("python3"));
    let check_import = Command::new(&python)
        .args(["-c", "import packaging.version"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    if !check_import.success() {
        require!(Err::<(), _>(Unavailable(
            "python3 has no packaging (.ci/install)".into()
        )));
    }
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let pairs = batchable(cases(Ecosystem::Pep440, &corpus, 150));
    let mut cmd = Command::new(python);
    cmd.args(["-c", PYTHON]);
    let answers = batch(cmd, &pairs);
    check("packaging.version", Ecosystem::Pep440, &pairs, &answers);
}

const NODE: &str = r#"
const semver = require(process.argv[1]);
const lines = require("fs").readFileSync(0, "utf8").split("\n");
lines.pop();
const out = lines.map((l) => {
  const [a, b] = l.split("\t");
  // The model does not read surrounding whitespace (node-semver trims it).
  if (a !== a.trim() || b !== b.trim()) return "invalid";
  try { return String(semver.compare(a, b)); } catch (e) { return "invalid"; }
});
process.stdout.write(out.map((s) => s + "\n").join(""));
"#;

/// node and the `semver` package from `.ci/node`.
fn node_semver() -> Result<(PathBuf, PathBuf), Unavailable> {
    let node = tool("node")?;
    let semver = workspace_root().join(".ci/node/node_modules/semver");
    if !semver.join("package.json").is_file() {
        return Err(Unavailable(format!(
            "node's semver is not at {} (.ci/install)",
            semver.display()
        )));
    }
    Ok((node, semver))
}

#[test]
fn npm_agrees_with_node_semver() {
    if !e2e() {
        return;
    }
    let (node, semver) = require!(node_semver());
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let pairs = batchable(cases(Ecosystem::Npm, &corpus, 150));
    let mut cmd = Command::new(node);
    cmd.args(["-e", NODE]).arg(&semver);
    let answers = batch(cmd, &pairs);
    check("node semver", Ecosystem::Npm, &pairs, &answers);
}

/// The lenient order reads more than node (any number of parts, leading zeros); where node reads
/// both versions the two must agree.
#[test]
fn lenient_semver_agrees_with_node_semver_where_node_reads() {
    if !e2e() {
        return;
    }
    let (node, semver) = require!(node_semver());
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let pairs = batchable(cases(Ecosystem::SemVer, &corpus, 150));
    let mut cmd = Command::new(node);
    cmd.args(["-e", NODE]).arg(&semver);
    let answers = batch(cmd, &pairs);
    let (mut compared, mut bad) = (0, Vec::new());
    for ((a, b), t) in pairs.iter().zip(&answers) {
        let Some(t) = t else { continue };
        compared += 1;
        let ours = compare(Ecosystem::SemVer, a, b);
        if ours != Some(*t) {
            bad.push(format!(
                "  {a:?} vs {b:?}: ours {ours:?}, node semver {t:?}"
            ));
        }
    }
    report(
        "node semver (where node reads both)",
        Ecosystem::SemVer,
        compared,
        0,
        &bad,
    );
}

/// NuGet has no reference tool here. Where its rules meet SemVer 2.0's (three parts, labels
/// without capitals) node's `semver` is one: a cross-check of the shared ground, not of NuGet's
/// own rules (four parts, case-insensitive labels), which the model's unit tests hold to
/// NuGet's documented examples.
#[test]
fn nuget_agrees_with_node_semver_on_their_shared_ground() {
    if !e2e() {
        return;
    }
    let (node, semver) = require!(node_semver());
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let mut pairs = cases(Ecosystem::SemVer, &corpus, 150);
    pairs.extend(cases(Ecosystem::NuGet, &corpus, 150));
    let pairs: Vec<Pair> = batchable(pairs)
        .into_iter()
        .filter(|(a, b)| !format!("{a}{b}").bytes().any(|c| c.is_ascii_uppercase()))
        .collect();
    let mut cmd = Command::new(node);
    cmd.args(["-e", NODE]).arg(&semver);
    let answers = batch(cmd, &pairs);
    let (mut compared, mut bad) = (0, Vec::new());
    for ((a, b), t) in pairs.iter().zip(&answers) {
        let ours = compare(Ecosystem::NuGet, a, b);
        // node reads a leading `v`, NuGet does not; NuGet reads four parts, node does not.
        let (Some(t), Some(o)) = (t, ours) else {
            continue;
        };
        compared += 1;
        if o != *t {
            bad.push(format!("  {a:?} vs {b:?}: ours {o:?}, node semver {t:?}"));
        }
    }
    report(
        "node semver (where both read)",
        Ecosystem::NuGet,
        compared,
        0,
        &bad,
    );
}

/// Every result type of the corpus that lists vulnerabilities has an order.
#[test]
fn every_corpus_type_with_vulnerabilities_has_an_order() {
    // Needs no tool, only the corpus: not gated by SCANLENS_E2E.
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    let mut files = Vec::new();
    walk(&fixtures, &mut files);
    let mut missing = BTreeSet::new();
    let mut seen = 0;
    for f in files {
        let Ok(doc) = serde_json::from_slice::<Value>(&std::fs::read(&f).unwrap_or_default())
        else {
            continue;
        };
        results(&doc, &mut |r| {
            if r["Vulnerabilities"].as_array().is_none_or(|v| v.is_empty()) {
                return;
            }
            seen += 1;
            let (class, ty) = (
                r["Class"].as_str().unwrap_or(""),
                r["Type"].as_str().unwrap_or(""),
            );
            if ecosystem(class, ty).is_none() {
                missing.insert(format!("{class}/{ty}"));
            }
        });
    }
    assert!(
        seen > 50,
        "the corpus has results with vulnerabilities ({seen})"
    );
    assert!(missing.is_empty(), "no order for {missing:?}");
}

/// apk-tools' own comparison, built from its source: Debian does not package `apk-tools`, so
/// this runs only when `APK_TOOLS_SRC` names a checkout of it (`git clone` of alpinelinux's
/// apk-tools; the driver uses `src/version.c` and `src/ctype.c` of apk-tools 3) and a C compiler
/// is installed: `APK_TOOLS_SRC=... cargo test -p scanlens-e2e --test versions -- --ignored`.
/// The pairs also include every line of apk-tools' `test/unit/version.data`.
#[test]
#[ignore = "needs APK_TOOLS_SRC, a checkout of apk-tools (not packaged by Debian)"]
fn apk_agrees_with_apk_tools() {
    let src = PathBuf::from(std::env::var_os("APK_TOOLS_SRC").expect("APK_TOOLS_SRC"));
    let cc = tool("cc").expect("a C compiler");
    let corpus = corpus_or_skip().expect("the Trivy corpus");
    let mut pairs = cases(Ecosystem::Apk, &corpus, 150);
    let data = std::fs::read_to_string(src.join("test/unit/version.data")).unwrap_or_default();
    for line in data.lines() {
        let line = line.split('#').next().unwrap_or("");
        if let [a, _op, b] = line.split_whitespace().collect::<Vec<_>>()[..] {
            pairs.push((a.to_string(), b.to_string()));
        }
    }
    let pairs = batchable(pairs);
    let work = TempDir::new("versions-apk").unwrap();
    let driver = work.path().join("driver.c");
    std::fs::write(&driver, APK_DRIVER).unwrap();
    let bin = work.path().join("apkcmp");
    let status = Command::new(cc)
        .arg("-O1")
        .arg("-o")
        .arg(&bin)
        .arg(&driver)
        .arg(src.join("src/version.c"))
        .arg(src.join("src/ctype.c"))
        .arg("-I")
        .arg(src.join("src"))
        .status()
        .unwrap();
    assert!(status.success(), "building the apk-tools driver");
    let answers = batch(Command::new(bin), &pairs);
    check("apk-tools version.c", Ecosystem::Apk, &pairs, &answers);
}

/// Reads `a<TAB>b` lines; answers as `apk version -t` would, or `invalid` when
/// `apk_version_validate` refuses either. The four blob helpers are apk-tools' own, restated
/// so that only `version.c` and `ctype.c` are needed.
const APK_DRIVER: &str = r#"
#include <stdio.h>
#include <string.h>
#include "apk_version.h"
int apk_blob_sort(apk_blob_t a, apk_blob_t b) { int s = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len); if (s) return s; return a.len - b.len; }
int apk_blob_compare(apk_blob_t a, apk_blob_t b) { if (a.len == b.len) return memcmp(a.ptr, b.ptr, a.len); return a.len < b.len ? -1 : 1; }
static int dx(int c) { if (c >= '0' && c <= '9') return c - '0'; if (c >= 'a' && c <= 'f') return c - 'a' + 10; if (c >= 'A' && c <= 'F') return c - 'A' + 10; return 256; }
uint64_t apk_blob_pull_uint(apk_blob_t *b, int radix) { uint64_t v = 0; int ch; while (b->len && b->ptr[0] != 0) { ch = dx(b->ptr[0]); if (ch >= radix) break; v = v * radix + ch; b->ptr++; b->len--; } return v; }
int apk_blob_pull_blob_match(apk_blob_t *b, apk_blob_t m) { if (b->len < m.len || memcmp(b->ptr, m.ptr, m.len) != 0) return 0; b->ptr += m.len; b->len -= m.len; return 1; }
int main(void) {
    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        *tab = 0;
        apk_blob_t a = APK_BLOB_STR(line), b = APK_BLOB_STR(tab + 1);
        if (!apk_version_validate(a) || !apk_version_validate(b)) { puts("invalid"); continue; }
        int r = apk_version_compare(a, b);
        puts(r == APK_VERSION_LESS ? "-1" : r == APK_VERSION_GREATER ? "1" : r == APK_VERSION_EQUAL ? "0" : "?");
    }
    return 0;
}
"#;

const JAVA: &str = r#"
import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;
public class Cmp {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, "UTF-8")));
        String line;
        while ((line = in.readLine()) != null) {
            String[] p = line.split("\t", -1);
            int c = new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]));
            out.println(Integer.signum(c));
        }
        out.flush();
    }
}
"#;

/// Debian's Maven ships `maven-artifact` (with `ComparableVersion`) in its lib folder.
fn maven_artifact_jar() -> Result<PathBuf, Unavailable> {
    let dir = Path::new("/usr/share/maven/lib");
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("maven-artifact") && n.ends_with(".jar"))
        })
        .ok_or_else(|| {
            Unavailable("Maven's maven-artifact jar is not installed (.ci/install)".into())
        })
}

#[test]
fn maven_agrees_with_comparable_version() {
    if !e2e() {
        return;
    }
    let java = require!(tool("java"));
    let jar = require!(maven_artifact_jar());
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    // Maven reads any string; the model refuses only the empty one and surrounding whitespace,
    // which the pool has none of.
    let pairs = batchable(cases(Ecosystem::Maven, &corpus, 150));
    let work = TempDir::new("versions-maven").unwrap();
    let src = work.path().join("Cmp.java");
    std::fs::write(&src, JAVA).unwrap();
    let mut cmd = Command::new(java);
    cmd.arg("-cp").arg(&jar).arg(&src);
    let answers = batch(cmd, &pairs);
    check(
        "Maven ComparableVersion",
        Ecosystem::Maven,
        &pairs,
        &answers,
    );
}

const RUBY: &str = r#"
STDIN.each_line do |line|
  a, b = line.chomp.split("\t", -1)
  # Gem::Version strips surrounding whitespace and reads "" as "0"; the model reads neither.
  ok = [a, b].all? { |v| v == v.strip && !v.empty? && Gem::Version.correct?(v) }
  puts(ok ? (Gem::Version.new(a) <=> Gem::Version.new(b)) : "invalid")
end
"#;

#[test]
fn rubygems_agrees_with_gem_version() {
    if !e2e() {
        return;
    }
    let ruby = require!(tool("ruby"));
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let pairs = batchable(cases(Ecosystem::RubyGems, &corpus, 150));
    let mut cmd = Command::new(ruby);
    cmd.args(["-e", RUBY]);
    let answers = batch(cmd, &pairs);
    check("Gem::Version", Ecosystem::RubyGems, &pairs, &answers);
}
