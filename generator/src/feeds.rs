//! The exploitability feeds on the command line: `--kev FILE`, `--epss FILE` and `--feeds DIR`
//! read before a command starts ([`prepare`]), then joined onto each report between reading it
//! and the gate ([`enrich`]). The parsing and the join are the model's
//! ([`scanlens_model::feeds`]); this module reads files ([`read`]) and downloads them for
//! `scanlens feeds fetch` ([`download`]).

pub mod download;
pub mod read;

use crate::cli::{FeedArgs, GateArgs};
use anyhow::Context;
use scanlens_model::feeds::{EpssScores, KevCatalog};
use scanlens_model::Report;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The catalog's name as CISA publishes it, and in a `--feeds` folder.
pub const KEV_FILE: &str = "known_exploited_vulnerabilities.json";
/// The scores' name as FIRST publishes them, and in a `--feeds` folder.
pub const EPSS_FILE: &str = "epss_scores-current.csv.gz";

/// Where CISA publishes the catalog.
pub const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
/// Where FIRST publishes the scores (linked from https://www.first.org/epss/data_stats; the
/// older epss.cyentia.com redirects here). It redirects to the day's dated file.
pub const EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";

/// The largest catalog read: CISA's is about 1.5 MB.
pub const MAX_KEV: u64 = 64 << 20;
/// The largest score file read, decompressed: FIRST's is about 10 MB.
pub const MAX_EPSS: u64 = 256 << 20;

/// The feeds a command was given, read.
#[derive(Default)]
pub struct Loaded {
    pub kev: Option<KevCatalog>,
    pub epss: Option<EpssScores>,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("kev", &self.kev.as_ref().map(|k| (k.version(), k.len())))
            .field(
                "epss",
                &self.epss.as_ref().map(|e| (e.score_date(), e.len())),
            )
            .finish()
    }
}

/// Reads the feeds named by `args` into `args.loaded`, once, before anything else is read, so
/// that a wrong path costs no scan. A gate rule without its feed is a command-line error; a feed
/// missing from a `--feeds` folder is a warning, unless a rule needs it.
pub fn prepare(args: &mut FeedArgs, gate: &GateArgs) -> anyhow::Result<()> {
    check_rules(args, gate)?;
    let loaded = load(args, gate.fail_on_kev, gate.fail_on_epss.is_some())?;
    keep(args, loaded);
    Ok(())
}

/// [`prepare`], with the feeds read on a thread of their own while `work` runs on this one, for
/// `render`, whose work is reading its inputs: FIRST's 300,000 scores take about 90 ms of one
/// core, and reading a large report leaves a core idle while it finds where each finding is. A
/// feed's error comes first, as if the feeds had been read before the work.
pub fn prepare_alongside<T>(
    args: &mut FeedArgs,
    gate: &GateArgs,
    work: impl FnOnce() -> T,
) -> anyhow::Result<T> {
    check_rules(args, gate)?;
    if args.kev.is_none() && args.epss.is_none() && args.dir.is_none() {
        return Ok(work());
    }
    let (need_kev, need_epss) = (gate.fail_on_kev, gate.fail_on_epss.is_some());
    let feeds: &FeedArgs = args;
    let (loaded, out) = std::thread::scope(|s| {
        let reader = s.spawn(move || load(feeds, need_kev, need_epss));
        let out = work();
        (reader.join(), out)
    });
    let loaded = loaded.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    keep(args, loaded);
    Ok(out)
}

/// A gate rule without its feed is a command-line error, found before anything is read.
fn check_rules(args: &FeedArgs, gate: &GateArgs) -> anyhow::Result<()> {
    let usage = |flag: &str, feed: &str, file: &str| {
        crate::exit::Usage(format!(
            "{flag} needs {feed}: add --{file} FILE or --feeds DIR (from `scanlens feeds fetch`)"
        ))
    };
    let given = |file: &Option<PathBuf>| file.is_some() || args.dir.is_some();
    if gate.fail_on_kev && !given(&args.kev) {
        return Err(usage("--fail-on-kev", "CISA's KEV catalog", "kev").into());
    }
    if gate.fail_on_epss.is_some() && !given(&args.epss) {
        return Err(usage("--fail-on-epss", "FIRST's EPSS scores", "epss").into());
    }
    Ok(())
}

fn keep(args: &mut FeedArgs, loaded: Loaded) {
    if let Some(line) = describe(&loaded) {
        eprintln!("scanlens: {line}");
    }
    args.loaded = Some(Arc::new(loaded));
}

/// Joins the feeds onto `report` (see [`scanlens_model::feeds::enrich`]); reads them first if
/// [`prepare`] has not. Without feeds, the report is left exactly as it was.
pub fn enrich(args: &FeedArgs, report: &mut Report) -> anyhow::Result<()> {
    let read_now;
    let loaded = match &args.loaded {
        Some(l) => l.as_ref(),
        None => {
            read_now = load(args, false, false)?;
            &read_now
        }
    };
    scanlens_model::feeds::enrich(report, loaded.kev.as_ref(), loaded.epss.as_ref());
    Ok(())
}

fn load(args: &FeedArgs, need_kev: bool, need_epss: bool) -> anyhow::Result<Loaded> {
    if let Some(dir) = &args.dir {
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => anyhow::bail!(
                "--feeds {} is not a folder; pass the folder `scanlens feeds fetch --out` wrote, or the files as --kev and --epss",
                dir.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
                "--feeds {0}: no such folder; run `scanlens feeds fetch --out {0}` first, or check the path",
                dir.display()
            ),
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("--feeds {}: cannot read the folder; check its permissions", dir.display())
                })
            }
        }
    }
    let kev = match (&args.kev, &args.dir) {
        (Some(file), _) => Some(read::kev(file)?),
        (None, Some(dir)) => in_folder(dir, KEV_FILE, need_kev, "--fail-on-kev", read::kev)?,
        (None, None) => None,
    };
    let epss = match (&args.epss, &args.dir) {
        (Some(file), _) => Some(read::epss(file)?),
        (None, Some(dir)) => in_folder(dir, EPSS_FILE, need_epss, "--fail-on-epss", read::epss)?,
        (None, None) => None,
    };
    Ok(Loaded { kev, epss })
}

/// One feed of a `--feeds` folder: `None`, with a warning, when the folder lacks it and no rule
/// needs it.
fn in_folder<T>(
    dir: &Path,
    name: &str,
    needed: bool,
    rule: &str,
    read: fn(&Path) -> Result<T, read::FeedFileError>,
) -> anyhow::Result<Option<T>> {
    match read(&dir.join(name)) {
        Ok(feed) => Ok(Some(feed)),
        Err(read::FeedFileError::Missing { path }) if !needed => {
            eprintln!(
                "scanlens: warning: no {} (run `scanlens feeds fetch --out {}`); going on without it",
                path.display(),
                dir.display()
            );
            Ok(None)
        }
        Err(e @ read::FeedFileError::Missing { .. }) => {
            Err(anyhow::Error::new(e).context(format!("{rule} needs {name}")))
        }
        Err(e) => Err(e.into()),
    }
}

/// `KEV catalog 2025.08.25 (1404 CVEs); EPSS v2025.03.14 of 2025-03-15 (301234 CVEs)`.
fn describe(loaded: &Loaded) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(k) = &loaded.kev {
        parts.push(kev_line(k));
    }
    if let Some(e) = &loaded.epss {
        parts.push(epss_line(e));
    }
    (!parts.is_empty()).then(|| format!("feeds: {}", parts.join("; ")))
}

pub fn kev_line(k: &KevCatalog) -> String {
    format!("KEV catalog {} ({} CVEs)", k.version(), k.len())
}

pub fn epss_line(e: &EpssScores) -> String {
    format!(
        "EPSS {} of {} ({} CVEs)",
        e.model_version(),
        e.score_date(),
        e.len()
    )
}
