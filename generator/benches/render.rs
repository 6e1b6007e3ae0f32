//! `cargo bench -p scanlens --bench render`: figures for `scanlens render` at 100,000 findings.
//!
//! The synthetic report replicates real findings from `../shared/fixtures` with distinct IDs, so
//! text lengths and field mixes are those of real advisories. Prints parse + normalize throughput,
//! end-to-end time of the real binary, and its peak memory. Targets (2-core machine): at least
//! 150 MB/s for parse + normalize, at most 1 s end to end. Then what the exploitability feeds
//! (`--kev`, `--epss`) add: reading them, joining them, and render end to end with them, writing
//! to disk and (where `/dev/shm` is) to memory; with the fix plan, what enrichment and planning add
//! together (target: at most 10%).

use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

const TARGET_FINDINGS: usize = 100_000;
/// End-to-end runs; the median is the figure (page faults on this VM make single runs vary).
const RUNS: usize = 7;

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    dir.is_dir().then_some(dir)
}

/// Real findings, by the key Trivy lists them under.
fn corpus_findings(root: &std::path::Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for sub in ["trivy-golden", "local-trivy-0.76"] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if !p.is_file() {
                continue;
            }
            let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&p).unwrap()) else {
                continue;
            };
            for r in v["Results"].as_array().into_iter().flatten() {
                for key in [
                    "Vulnerabilities",
                    "Misconfigurations",
                    "Secrets",
                    "Licenses",
                ] {
                    for f in r[key].as_array().into_iter().flatten() {
                        out.push((key.to_string(), f.clone()));
                    }
                }
            }
        }
    }
    out
}

/// A Trivy report of `n` findings: real ones, replicated with distinct IDs over 50 targets.
pub fn synthetic_report(root: &std::path::Path, n: usize) -> Vec<u8> {
    synthetic_report_with(root, n, false)
}

/// The `n`th synthetic vulnerability's ID when IDs are CVE IDs: distinct, in FIRST's and CISA's
/// spelling, so that the feeds can list them.
fn synthetic_cve(i: usize) -> String {
    format!("CVE-{}-{}", 2000 + i % 26, 100_000 + i)
}

/// [`synthetic_report`], with vulnerability IDs that are CVE IDs when `cve_ids`.
fn synthetic_report_with(root: &std::path::Path, n: usize, cve_ids: bool) -> Vec<u8> {
    let pool = corpus_findings(root);
    assert!(!pool.is_empty());
    let targets = 50;
    let mut results: Vec<Value> = (0..targets)
        .map(|t| {
            json!({"Target": format!("synthetic/target-{t}/package-lock.json"), "Class": "lang-pkgs",
                   "Type": "npm", "Vulnerabilities": [], "Misconfigurations": [], "Secrets": [], "Licenses": []})
        })
        .collect();
    for i in 0..n {
        let (key, f) = &pool[i % pool.len()];
        let mut f = f.clone();
        let id_key = match key.as_str() {
            "Vulnerabilities" => "VulnerabilityID",
            "Misconfigurations" => "ID",
            "Secrets" => "RuleID",
            _ => "Name",
        };
        let id = f[id_key].as_str().unwrap_or("X").to_string();
        f[id_key] = Value::String(if cve_ids && key == "Vulnerabilities" {
            synthetic_cve(i)
        } else {
            format!("{id}-{i}")
        });
        results[i % targets][key.as_str()]
            .as_array_mut()
            .unwrap()
            .push(f);
    }
    serde_json::to_vec(
        &json!({"SchemaVersion": 2, "ArtifactName": "synthetic:100k",
        "ArtifactType": "container_image", "Results": results}),
    )
    .unwrap()
}

fn main() {
    // `cargo test` runs benches in test mode with `--bench` absent; only measure when benching.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Some(root) = fixtures() else {
        eprintln!("SKIPPED: ../shared/fixtures not found; the benchmark replicates real findings");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bytes = synthetic_report(&root, TARGET_FINDINGS);
    let input = dir.path().join("synthetic-100k.json");
    std::fs::write(&input, &bytes).unwrap();
    if let Some(keep) = std::env::var_os("SCANLENS_BENCH_SAVE") {
        std::fs::write(&keep, &bytes).unwrap();
    }
    let mb = bytes.len() as f64 / 1e6;
    // The end-to-end runs go first, with the input freed: a child's peak RSS on Linux includes
    // what the benchmark itself held when it forked.
    drop(bytes);
    // End to end: the real binary, as a pipeline runs it.
    let bin = env!("CARGO_BIN_EXE_scanlens");
    let mut times = Vec::new();
    let mut peak_kb = 0;
    for i in 0..RUNS {
        let out = dir.path().join(format!("out{i}"));
        // Each run alone, as in a pipeline: the previous run's output removed and its 300 MB
        // written back before the clock starts.
        if i > 0 {
            std::fs::remove_dir_all(dir.path().join(format!("out{}", i - 1))).unwrap();
        }
        let _ = std::process::Command::new("sync").status();
        let t = Instant::now();
        let child = std::process::Command::new(bin)
            .args([
                "render",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let (ok, rss_kb) = wait_with_peak_rss(child);
        peak_kb = peak_kb.max(rss_kb);
        times.push(t.elapsed().as_secs_f64());
        assert!(ok);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let bytes = std::fs::read(&input).unwrap();

    // Parse + normalize, in process (on every core, as `render` reads a large input); best of 5.
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let parsed = scanlens::input::parse_input(&bytes).unwrap();
        let mut b = scanlens_model::ReportBuilder::new("bench");
        b.add("synthetic", parsed);
        let report = b.finish();
        best = best.min(t.elapsed().as_secs_f64());
        findings = report.findings.len();
    }
    println!("input:                {findings} findings, {mb:.1} MB of Trivy JSON");
    println!(
        "parse + normalize:    {:.0} ms, {:.0} MB/s (target >= 150 MB/s)",
        best * 1e3,
        mb / best
    );

    // Where the time goes, stage by stage, in process.
    {
        let t = Instant::now();
        let mut report = scanlens::input::read_reports(std::slice::from_ref(&input)).unwrap();
        let t_read = t.elapsed().as_secs_f64();
        let t = Instant::now();
        scanlens_model::gate::GatePolicy::default().apply(&mut report);
        let t_gate = t.elapsed().as_secs_f64();
        let t = Instant::now();
        scanlens_model::fix_first::plan_all(&mut report);
        let t_plan = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let json = scanlens::json::to_vec(&report).unwrap();
        let t_json = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let html = scanlens::html::render(&report);
        let t_html = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let md = scanlens::markdown::render(&report);
        let t_md = t.elapsed().as_secs_f64();
        let t = Instant::now();
        scanlens::output::write_dir_atomically(
            &dir.path().join("stages"),
            &[
                ("report.json", &json),
                ("index.html", html.as_bytes()),
                ("summary.md", md.as_bytes()),
            ],
        )
        .unwrap();
        let t_write = t.elapsed().as_secs_f64();
        println!(
            "stages, one at a time (ms): read+parse {:.0}, gate {:.0}, fix plan {:.0} ({} entries), report.json {:.0}, index.html {:.0}, summary.md {:.0}, write {:.0}",
            t_read * 1e3, t_gate * 1e3, t_plan * 1e3, report.remediation.len(), t_json * 1e3, t_html * 1e3, t_md * 1e3, t_write * 1e3
        );
    }

    let out = dir.path().join(format!("out{}", RUNS - 1));
    let size = |f: &str| std::fs::metadata(out.join(f)).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let median = times[RUNS / 2];
    println!(
        "render end to end:    {:.0} ms median of {RUNS} (best {:.0}, worst {:.0}), {:.0} MB/s (target <= 1000 ms)",
        median * 1e3,
        times[0] * 1e3,
        times[RUNS - 1] * 1e3,
        mb / median
    );
    println!("peak memory (RSS):    {:.0} MB", peak_kb as f64 / 1024.0);
    println!(
        "output:               report.json {:.1} MB, index.html {:.1} MB, summary.md {:.2} MB",
        size("report.json"),
        size("index.html"),
        size("summary.md")
    );
    feeds(&root, dir.path());
    // SCANLENS_BENCH_KEEP=1: leave the inputs (reports, feeds) for profiling the binary by hand.
    if std::env::var_os("SCANLENS_BENCH_KEEP").is_some() {
        println!("inputs kept in:       {}", dir.keep().display());
    }
}

/// What `--kev` and `--epss` cost: reading CISA's real catalog and an EPSS file the size of
/// FIRST's (300,000 CVEs, half of the report's vulnerabilities among them), joining them onto
/// the 100,000 findings, and `render` end to end with and without them.
fn feeds(root: &std::path::Path, dir: &std::path::Path) {
    use std::io::Write;
    let input = dir.join("synthetic-100k-cves.json");
    std::fs::write(&input, synthetic_report_with(root, TARGET_FINDINGS, true)).unwrap();
    let kev = root.join("feeds/known_exploited_vulnerabilities.json");
    let mut csv = String::from(
        "#model_version:v2025.03.14,score_date:2025-03-15T00:00:00+0000\ncve,epss,percentile\n",
    );
    for i in 0..300_000 {
        // Every other synthetic vulnerability is scored; the rest of the rows are other CVEs.
        let id = if i % 2 == 0 && i < 2 * TARGET_FINDINGS {
            synthetic_cve(i)
        } else {
            format!("CVE-1999-{}", 1_000_000 + i)
        };
        let score = (i % 100_000) as f64 / 100_000.0;
        csv.push_str(&format!("{id},{score:.5},{:.5}\n", 1.0 - score));
    }
    let epss = dir.join("epss.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    std::fs::write(&epss, gz.finish().unwrap()).unwrap();

    let best = |f: &mut dyn FnMut()| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let t_kev = best(&mut || {
        scanlens::feeds::read::kev(&kev).unwrap();
    });
    let t_epss = best(&mut || {
        scanlens::feeds::read::epss(&epss).unwrap();
    });
    let catalog = scanlens::feeds::read::kev(&kev).unwrap();
    let scores = scanlens::feeds::read::epss(&epss).unwrap();
    let mut report = scanlens::input::read_reports(std::slice::from_ref(&input)).unwrap();
    let t_enrich = best(&mut || {
        scanlens_model::feeds::enrich(&mut report, Some(&catalog), Some(&scores));
    });
    scanlens_model::gate::GatePolicy::default().apply(&mut report);
    let t_plan = best(&mut || {
        scanlens_model::fix_first::plan_all(&mut report);
    });
    let scored = report
        .findings
        .iter()
        .filter(|f| f.epss.listed().is_some())
        .count();
    println!(
        "feeds:                KEV {} CVEs read in {:.0} ms; EPSS {} CVEs ({:.1} MB gzipped, {:.1} MB of CSV) read in {:.0} ms; joined onto {} findings ({scored} scored) in {:.1} ms; fix plan {:.0} ms",
        catalog.len(),
        t_kev * 1e3,
        scores.len(),
        std::fs::metadata(&epss).unwrap().len() as f64 / 1e6,
        csv.len() as f64 / 1e6,
        t_epss * 1e3,
        report.findings.len(),
        t_enrich * 1e3,
        t_plan * 1e3
    );

    let disk = FeedRuns::measure(&input, &kev, &epss, dir);
    disk.print("on disk", t_plan);
    // The same runs writing to memory (tmpfs): what Scanlens itself adds, without the file
    // system's share, which varies most from run to run on this VM (the kernel copying ~290 MB
    // into its page cache and allocating blocks for it).
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        let mem = tempfile::tempdir_in(shm).unwrap();
        FeedRuns::measure(&input, &kev, &epss, mem.path()).print("on tmpfs", t_plan);
    }
}

/// `render` end to end with `--kev` and `--epss` and without, interleaved: (wall, CPU) seconds.
struct FeedRuns {
    with: Vec<(f64, f64)>,
    without: Vec<(f64, f64)>,
}

impl FeedRuns {
    fn measure(
        input: &std::path::Path,
        kev: &std::path::Path,
        epss: &std::path::Path,
        out_dir: &std::path::Path,
    ) -> FeedRuns {
        let bin = env!("CARGO_BIN_EXE_scanlens");
        let run = |with_feeds: bool, i: usize| {
            let out = out_dir.join(format!("feeds-out-{with_feeds}-{i}"));
            let mut args = vec![
                "render".to_string(),
                input.display().to_string(),
                "--out".into(),
                out.display().to_string(),
            ];
            if with_feeds {
                args.extend(["--kev".into(), kev.display().to_string()]);
                args.extend(["--epss".into(), epss.display().to_string()]);
            }
            let _ = std::process::Command::new("sync").status();
            let cpu = children_cpu();
            let t = Instant::now();
            let ok = std::process::Command::new(bin)
                .args(&args)
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap()
                .success();
            let took = t.elapsed().as_secs_f64();
            let cpu = children_cpu() - cpu;
            assert!(ok);
            std::fs::remove_dir_all(&out).unwrap();
            (took, cpu)
        };
        // Interleaved in ABBA order, so that a slow minute of the machine, and the writeback of
        // the run before, weigh on both sides alike. Thirty of each: single runs on this VM vary
        // by ±25%, more than the difference measured.
        const FEED_RUNS: usize = 30;
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for i in 0..FEED_RUNS {
            if i % 2 == 0 {
                without.push(run(false, i));
                with.push(run(true, i));
            } else {
                with.push(run(true, i));
                without.push(run(false, i));
            }
        }
        FeedRuns { with, without }
    }

    fn print(&self, place: &str, t_plan: f64) {
        let median = |v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
            let mut v: Vec<f64> = v.iter().map(pick).collect();
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            (v[(v.len() - 1) / 2] + v[v.len() / 2]) / 2.0
        };
        let n = self.with.len();
        let (without, with) = (median(&self.without, |t| t.0), median(&self.with, |t| t.0));
        let (cpu_without, cpu_with) = (median(&self.without, |t| t.1), median(&self.with, |t| t.1));
        println!(
            "render with feeds, output {place}: {:.0} ms median of {n} with --kev and --epss, {:.0} ms without ({:+.0} ms, {:+.1}%)",
            with * 1e3,
            without * 1e3,
            (with - without) * 1e3,
            (with / without - 1.0) * 100.0
        );
        println!(
            "  CPU time (user+sys): {:.0} ms with, {:.0} ms without (+{:.1}%), the steadier figure on a VM",
            cpu_with * 1e3,
            cpu_without * 1e3,
            (cpu_with / cpu_without - 1.0) * 100.0
        );
        // Both runs plan (render always does), so the figure, what enrichment and
        // planning add together, is the runs' difference plus the plan's own time, against
        // render without either (the run without feeds, less its plan).
        let neither = without - t_plan;
        println!(
            "  enrichment + planning: {:+.0} ms (feeds, end to end) + {:.0} ms (fix plan, in process) = {:+.1}% of render without either ({:.0} ms; target <= +10%)",
            (with - without) * 1e3,
            t_plan * 1e3,
            (with - neither) / neither * 100.0,
            neither * 1e3
        );
    }
}

/// User and system CPU seconds of the children waited for so far.
#[cfg(unix)]
fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// Not measured where there is no getrusage: the CPU line then reads NaN.
#[cfg(not(unix))]
fn children_cpu() -> f64 {
    f64::NAN
}

/// Waits for `child` and returns its success and its peak RSS in KB, from `VmHWM` in
/// /proc, polled. (`getrusage`/`wait4` would count the memory this benchmark held when it forked,
/// because Linux carries the pre-exec high-water mark into the child's figure.)
fn wait_with_peak_rss(mut child: std::process::Child) -> (bool, i64) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status.success(), peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
