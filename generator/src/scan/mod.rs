//! `scanlens scan`: commit message → tags → plan → `docker build` → `trivy` → report.
//!
//! - [`tag`] parses `::image:tag` tags out of a commit message (the grammar is documented there);
//! - [`source`] finds the commit message (`--message`, `--commit`, CI variables, git HEAD);
//! - [`plan`] maps each reference to a Dockerfile folder or to a registry image;
//! - this module executes a plan through a [`Runner`], so error paths are testable without
//!   docker or trivy. Its parts, one idea (running one planned image):
//!   1. [`Options`] and [`ScanError`], what a scan is given and how it fails;
//!   2. [`scan_image`]: build (or not), then trivy on the image and on its Dockerfile folder;
//!   3. the command lines, as argument lists ([`docker_build_cmd`], [`trivy_image_cmd`],
//!      [`trivy_input_cmd`], [`trivy_config_cmd`] and the flags they share);
//!   4. running them: `docker_build` and `run_trivy`, with bounded waits and a clipped tail of
//!      their output in errors;
//!   5. reading trivy's output files back (`read_output`) from a scratch folder that is
//!      removed on every path (`Scratch`).

pub mod base;
pub mod plan;
pub mod server;
pub mod source;
pub mod tag;

use crate::process::{Cmd, Finished, Runner, SpawnError, Status, Stream};
use plan::{Build, PlannedImage};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Severities passed to trivy so that the report is always complete (the gate decides).
pub const ALL_SEVERITIES: &str = "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL";
/// Scanners for `trivy image` unless `--scanners` says otherwise.
pub const DEFAULT_SCANNERS: &str = "vuln,secret";
/// Raw Trivy output files kept in each report folder.
pub const IMAGE_JSON: &str = "trivy-image.json";
pub const CONFIG_JSON: &str = "trivy-config.json";
/// Trivy settings that would drop findings before Scanlens sees them, with what to use instead.
/// `scan` keeps them from trivy (flags for the files, a clean environment for the variables), so
/// the report holds everything trivy found and the gate alone decides, visibly.
pub const TRIVY_FILTER_VARS: &[(&str, &str)] = &[
    ("TRIVY_IGNOREFILE", "--ignorefile"),
    ("TRIVY_CONFIG", "scanlens's own options"),
    ("TRIVY_IGNORE_UNFIXED", "--ignore-unfixed"),
    ("TRIVY_IGNORE_STATUS", "--ignore-status"),
    ("TRIVY_IGNORE_POLICY", "--ignorefile"),
    ("TRIVY_SEVERITY", "--severity"),
    ("TRIVY_PKG_TYPES", "--pkg-types"),
    ("TRIVY_IGNORED_LICENSES", "--ignored-licenses"),
    ("TRIVY_EXIT_CODE", "--exit-code"),
    ("TRIVY_EXIT_ON_EOL", "--exit-on-eol"),
];

/// How many lines of a failed build's log are shown.
const BUILD_TAIL: usize = 20;

/// Docker and Trivy settings of a scan (everything but the gate).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub docker_bin: OsString,
    pub trivy_bin: OsString,
    pub build_args: Vec<String>,
    pub platform: Option<String>,
    pub network: Option<String>,
    pub labels: Vec<String>,
    pub scanners: Option<String>,
    pub cache_dir: Option<PathBuf>,
    pub db_repository: Vec<String>,
    pub skip_db_update: bool,
    pub offline_scan: bool,
    /// `trivy image --server URL`: client mode (see `server.rs`).
    pub server: Option<String>,
    /// The server's token, given to trivy as [`server::TOKEN_VAR`].
    pub token: Option<String>,
    /// Passed to trivy as given (`5m`, `300s`); parsed to kill a hung trivy a little later.
    pub timeout: Option<String>,
    /// The largest report trivy may write that is read (`--max-input-size`); 0 is the default.
    pub max_input: u64,
    /// `trivy image --skip-dirs` / `--skip-files`, one value each.
    pub skip_dirs: Vec<String>,
    pub skip_files: Vec<String>,
    pub list_all_pkgs: bool,
    /// `trivy image --vex`, one value each.
    pub vex: Vec<String>,
}

/// Why one image could not be scanned. [`ScanError::is_fatal`] ones stop the remaining tags,
/// since they would fail the same way.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("`{0}` is not installed or not on PATH; install Docker or pass --docker-bin")]
    DockerMissing(String),
    #[error("cannot reach the Docker daemon ({0}); start dockerd or point DOCKER_HOST at a running engine")]
    DaemonUnreachable(String),
    #[error("DOCKER_BUILDKIT is set but docker's buildx component is missing; unset DOCKER_BUILDKIT (or set it to 0) or install docker-buildx")]
    BuildxMissing,
    #[error("docker build of {reference} failed ({status}): {detail}; fix {dockerfile} (the end of the build log is shown above)")]
    BuildFailed {
        reference: String,
        dockerfile: String,
        status: String,
        detail: String,
    },
    #[error("image {reference} was not found in the Docker engine or its registry; check the name and tag, run docker login for a private registry, or add a folder with a Dockerfile to build it")]
    ImageNotFound { reference: String },
    #[error("`{0}` is not installed or not on PATH; install trivy (https://trivy.dev) or pass --trivy-bin")]
    TrivyMissing(String),
    #[error("trivy has no vulnerability DB in {cache_dir} and --skip-db-update/--offline-scan (or TRIVY_SKIP_DB_UPDATE) forbid downloading it; point --cache-dir at a cache holding db/trivy.db, or drop --skip-db-update and --offline-scan so trivy can download it")]
    DbMissing { cache_dir: String },
    #[error("trivy cannot download its vulnerability DB ({detail}); allow access to the DB repository (--db-repository), or pass --skip-db-update --offline-scan with --cache-dir holding a DB")]
    DbDownload { detail: String },
    #[error("{what} timed out{after}; raise --timeout (e.g. --timeout 15m) or check the network and the engine")]
    TrivyTimedOut { what: String, after: String },
    #[error("{what} failed ({status}): {detail}; see trivy's output above")]
    TrivyFailed {
        what: String,
        status: String,
        detail: String,
    },
    #[error("{what} wrote no readable report ({detail}); check free space in the temp dir")]
    TrivyOutput { what: String, detail: String },
    #[error("cannot run `{program}`: {detail}; check that it is executable")]
    Spawn { program: String, detail: String },
    #[error("cannot create a temporary directory in {dir}: {detail}; check free space and TMPDIR")]
    Scratch { dir: String, detail: String },
    #[error("{0}")]
    Output(String),
}

impl ScanError {
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            ScanError::DockerMissing(_)
                | ScanError::DaemonUnreachable(_)
                | ScanError::BuildxMissing
                | ScanError::TrivyMissing(_)
                | ScanError::DbMissing { .. }
                | ScanError::DbDownload { .. }
                | ScanError::Spawn { .. }
        )
    }
}

/// The Trivy JSON files of one image, as trivy wrote them.
#[derive(Debug, Clone, Default)]
pub struct RawReports {
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// The DiffIDs of the image's base image, oldest first, when it was built here and its base
    /// is known to the engine.
    pub base_layers: Option<Vec<String>>,
}

/// Builds (when planned) and scans one image; returns trivy's JSON files.
pub fn scan_image(
    image: &PlannedImage,
    opts: &Options,
    runner: &dyn Runner,
    log: &mut dyn Write,
) -> Result<RawReports, ScanError> {
    if let Some(build) = &image.build {
        docker_build(&image.reference, build, opts, runner, log)?;
    }
    let scratch = Scratch::new()?;
    let mut raw = RawReports {
        base_layers: image
            .build
            .as_ref()
            .and_then(|b| base_of(b, opts, runner, log)),
        ..RawReports::default()
    };
    let image_json = scratch.path().join(IMAGE_JSON);
    let _ = writeln!(
        log,
        "scanlens: scanning {} with trivy image",
        image.reference
    );
    let cmd = match &image.input {
        Some(archive) => trivy_input_cmd(archive, &image_json, opts),
        None => trivy_image_cmd(&image.reference, image.build.is_some(), &image_json, opts),
    };
    run_trivy(
        &cmd,
        &format!("trivy image {}", image.reference),
        &image.reference,
        opts,
        runner,
    )?;
    raw.files
        .push((IMAGE_JSON, read_output(&image_json, "trivy image", opts)?));
    if let Some(build) = &image.build {
        let config_json = scratch.path().join(CONFIG_JSON);
        let _ = writeln!(
            log,
            "scanlens: scanning {} with trivy config",
            build.context.display()
        );
        let cmd = trivy_config_cmd(&build.context, &config_json, opts);
        let what = format!("trivy config {}", build.context.display());
        run_trivy(&cmd, &what, &image.reference, opts, runner)?;
        raw.files.push((
            CONFIG_JSON,
            read_output(&config_json, "trivy config", opts)?,
        ));
    }
    Ok(raw)
}

/// The layers of the base image `build`'s Dockerfile names in its final `FROM`; `None` (with a
/// notice) when they cannot be told, which leaves the layers' origin unknown.
fn base_of(
    build: &Build,
    opts: &Options,
    runner: &dyn Runner,
    log: &mut dyn Write,
) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(&build.dockerfile).ok()?;
    let Some(image) = base::final_base(&text, &opts.build_args) else {
        // `FROM scratch`: every layer is the image's own.
        return Some(Vec::new());
    };
    match base::base_layers(runner, &opts.docker_bin, &image) {
        Ok(layers) => Some(layers),
        Err(why) => {
            let _ = writeln!(log, "scanlens: the base image's layers are not known ({why}); layers are marked unknown");
            None
        }
    }
}

/// `docker build -t REF -f DOCKERFILE [passthrough flags] CONTEXT`.
pub fn docker_build_cmd(reference: &str, build: &Build, opts: &Options) -> Cmd {
    let mut cmd = Cmd::new(&opts.docker_bin)
        .args(["build", "-t", reference, "-f"])
        .arg(&build.dockerfile);
    for a in &opts.build_args {
        cmd = cmd.arg("--build-arg").arg(a);
    }
    if let Some(p) = &opts.platform {
        cmd = cmd.arg("--platform").arg(p);
    }
    if let Some(n) = &opts.network {
        cmd = cmd.arg("--network").arg(n);
    }
    for l in &opts.labels {
        cmd = cmd.arg("--label").arg(l);
    }
    // `--` would be accepted too, but the context path is ours (never from the message).
    cmd.arg(&build.context)
}

/// `trivy image` with the flags that apply to it.
pub fn trivy_image_cmd(reference: &str, built: bool, output: &Path, opts: &Options) -> Cmd {
    let mut cmd = image_flags(output, opts);
    if built {
        // Just built in the engine: never look for it anywhere else.
        cmd = cmd.args(["--image-src", "docker"]);
    }
    cmd.arg(reference).timeout(hard_limit(opts))
}

/// `trivy image --input ARCHIVE`: an image saved as a tar (`--input`).
pub fn trivy_input_cmd(archive: &Path, output: &Path, opts: &Options) -> Cmd {
    image_flags(output, opts)
        .arg("--input")
        .arg(archive)
        .timeout(hard_limit(opts))
}

/// Everything `trivy image` gets but what to scan.
fn image_flags(output: &Path, opts: &Options) -> Cmd {
    let mut cmd = Cmd::new(&opts.trivy_bin).args([
        "image",
        "--format",
        "json",
        "--severity",
        ALL_SEVERITIES,
        "--exit-code",
        "0",
        "--scanners",
        opts.scanners.as_deref().unwrap_or(DEFAULT_SCANNERS),
    ]);
    cmd = cmd.arg("--output").arg(output);
    // Findings a VEX document suppresses come back marked, not dropped.
    cmd = cmd.arg("--show-suppressed");
    for d in &opts.skip_dirs {
        cmd = cmd.arg("--skip-dirs").arg(d);
    }
    for f in &opts.skip_files {
        cmd = cmd.arg("--skip-files").arg(f);
    }
    if opts.list_all_pkgs {
        cmd = cmd.arg("--list-all-pkgs");
    }
    for v in &opts.vex {
        cmd = cmd.arg("--vex").arg(v);
    }
    cmd = common_trivy_flags(cmd, opts);
    if let Some(url) = &opts.server {
        cmd = cmd.arg("--server").arg(url);
    }
    if let Some(t) = &opts.token {
        cmd = cmd.env(server::TOKEN_VAR, t);
    }
    for r in &opts.db_repository {
        cmd = cmd.arg("--db-repository").arg(r);
    }
    if opts.skip_db_update {
        cmd = cmd.args(["--skip-db-update", "--skip-java-db-update"]);
    }
    if opts.offline_scan {
        cmd = cmd.arg("--offline-scan");
    }
    if let Some(p) = &opts.platform {
        cmd = cmd.arg("--platform").arg(p);
    }
    cmd
}

/// `trivy config` on a Dockerfile folder. It rejects the DB flags, so they are not passed.
pub fn trivy_config_cmd(dir: &Path, output: &Path, opts: &Options) -> Cmd {
    let mut cmd = Cmd::new(&opts.trivy_bin).args([
        "config",
        "--format",
        "json",
        "--severity",
        ALL_SEVERITIES,
        "--exit-code",
        "0",
    ]);
    cmd = cmd.arg("--output").arg(output);
    cmd = common_trivy_flags(cmd, opts);
    cmd.arg(dir).timeout(hard_limit(opts))
}

fn common_trivy_flags(mut cmd: Cmd, opts: &Options) -> Cmd {
    // Trivy would read ./.trivyignore and ./trivy.yaml on its own and drop what they name.
    cmd = cmd.args(["--ignorefile", "", "--config", ""]);
    for (var, _) in TRIVY_FILTER_VARS {
        cmd = cmd.env_remove(var);
    }
    if let Some(c) = &opts.cache_dir {
        cmd = cmd.arg("--cache-dir").arg(c);
    }
    if let Some(t) = &opts.timeout {
        cmd = cmd.arg("--timeout").arg(t);
    }
    if opts.skip_db_update || opts.offline_scan {
        // Offline: do not try to fetch the misconfiguration checks either.
        cmd = cmd.arg("--skip-check-update");
    }
    cmd
}

/// Trivy enforces `--timeout` itself; a trivy that hangs anyway is killed 30 s later.
fn hard_limit(opts: &Options) -> Option<Duration> {
    opts.timeout
        .as_deref()
        .and_then(parse_duration)
        .map(|d| d + Duration::from_secs(30))
}

/// Parses a Go-style duration as trivy takes it: `300s`, `5m`, `1h30m`, `1m30.5s`, `500ms`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += value * factor;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).ok()
}

fn docker_build(
    reference: &str,
    build: &Build,
    opts: &Options,
    runner: &dyn Runner,
    log: &mut dyn Write,
) -> Result<(), ScanError> {
    let _ = writeln!(
        log,
        "scanlens: building {reference} from {}",
        build.dockerfile.display()
    );
    let cmd = docker_build_cmd(reference, build, opts);
    let tty = std::io::stderr().is_terminal();
    let mut tail: VecDeque<String> = VecDeque::with_capacity(BUILD_TAIL + 1);
    let mut on_line = |_: Stream, line: &str| {
        if tail.len() == BUILD_TAIL {
            tail.pop_front();
        }
        tail.push_back(line.to_string());
        if tty {
            // One progress line, rewritten in place: the step and what it does.
            if line.starts_with("Step ") || line.starts_with("#") {
                let short: String = line.chars().take(100).collect();
                let _ = write!(log, "\r\x1b[K  [{reference}] {short}");
                let _ = log.flush();
            }
        } else {
            let _ = writeln!(log, "  | {line}");
        }
    };
    let result = runner.run(&cmd, Some(&mut on_line));
    if tty {
        let _ = writeln!(log);
    }
    let out = result.map_err(|e| match e {
        SpawnError::NotFound { program } => ScanError::DockerMissing(program),
        SpawnError::Other { program, source } => ScanError::Spawn {
            program,
            detail: source.to_string(),
        },
    })?;
    if out.success() {
        return Ok(());
    }
    let all: Vec<&String> = tail.iter().collect();
    let text = format!("{}\n{}", out.stdout_text(), out.stderr_text());
    if let Some(l) = text.lines().find(|l| is_daemon_unreachable(l)) {
        return Err(ScanError::DaemonUnreachable(clip(l.trim(), 200)));
    }
    if text.contains("buildx component is missing") {
        return Err(ScanError::BuildxMissing);
    }
    let _ = writeln!(log, "scanlens: last lines of the build log of {reference}:");
    for l in &all {
        let _ = writeln!(log, "  | {l}");
    }
    let detail = all
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .map(|l| clip(l, 300))
        .unwrap_or_else(|| "no output".into());
    Err(ScanError::BuildFailed {
        reference: reference.to_string(),
        dockerfile: build.dockerfile.display().to_string(),
        status: describe(out.status),
        detail,
    })
}

fn is_daemon_unreachable(line: &str) -> bool {
    line.contains("Cannot connect to the Docker daemon")
        || line.contains("Is the docker daemon running")
        || line.contains("permission denied while trying to connect to the Docker daemon")
        || line.contains("error during connect")
}

fn run_trivy(
    cmd: &Cmd,
    what: &str,
    reference: &str,
    opts: &Options,
    runner: &dyn Runner,
) -> Result<Finished, ScanError> {
    // Trivy's own log goes to stderr; pass it through so users see its warnings.
    let out = runner.run(cmd, None).map_err(|e| match e {
        SpawnError::NotFound { program } => ScanError::TrivyMissing(program),
        SpawnError::Other { program, source } => ScanError::Spawn {
            program,
            detail: source.to_string(),
        },
    })?;
    let stderr = out.stderr_text();
    if out.status == Status::TimedOut {
        return Err(ScanError::TrivyTimedOut {
            what: what.to_string(),
            after: opts
                .timeout
                .as_ref()
                .map(|t| format!(" (--timeout {t})"))
                .unwrap_or_default(),
        });
    }
    if out.success() {
        return Ok(out);
    }
    // Show trivy's own log above our one-line summary.
    eprint!("{}", clip_lines(&stderr, 30));
    if stderr.contains("cannot be specified on the first run")
        || stderr.contains("first run cannot skip downloading DB")
    {
        return Err(ScanError::DbMissing {
            cache_dir: cache_dir_display(opts),
        });
    }
    if stderr.contains("context deadline exceeded") {
        return Err(ScanError::TrivyTimedOut {
            what: what.to_string(),
            after: opts
                .timeout
                .as_ref()
                .map(|t| format!(" (--timeout {t})"))
                .unwrap_or_else(|| " (trivy's default of 5m)".into()),
        });
    }
    let fatal = fatal_line(&stderr);
    if stderr.contains("failed to download vulnerability DB")
        || stderr.contains("DB download error")
    {
        return Err(ScanError::DbDownload { detail: fatal });
    }
    if stderr.contains("unable to find the specified image") {
        return Err(ScanError::ImageNotFound {
            reference: reference.to_string(),
        });
    }
    Err(ScanError::TrivyFailed {
        what: what.to_string(),
        status: describe(out.status),
        detail: fatal,
    })
}

/// Trivy's `FATAL` line without the timestamp, shortened; or its last non-empty line.
fn fatal_line(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.contains("FATAL"))
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
        .unwrap_or("no output");
    let line = match line.find("FATAL") {
        Some(n) => line[n + "FATAL".len()..].trim(),
        None => line.trim(),
    };
    let line = line.strip_prefix("Fatal error").unwrap_or(line).trim();
    clip(line, 300)
}

fn cache_dir_display(opts: &Options) -> String {
    opts.cache_dir
        .as_ref()
        .map(|p| p.display().to_string())
        .or_else(|| {
            std::env::var("TRIVY_CACHE_DIR")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "trivy's default cache (~/.cache/trivy)".into())
}

fn describe(s: Status) -> String {
    match s {
        Status::Exited(c) => format!("exit {c}"),
        Status::Signaled => "killed by a signal".into(),
        Status::TimedOut => "timed out".into(),
    }
}

fn clip(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() <= max {
        s
    } else {
        let mut c: String = s.chars().take(max).collect();
        c.push('…');
        c
    }
}

fn clip_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let mut out = lines[lines.len().saturating_sub(n)..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn read_output(path: &Path, what: &str, opts: &Options) -> Result<Vec<u8>, ScanError> {
    let max = match opts.max_input {
        0 => crate::input::MAX_INPUT,
        n => n,
    };
    let fail = |detail: String| ScanError::TrivyOutput {
        what: what.to_string(),
        detail,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| fail(e.to_string()))?
        .len();
    if len > max {
        return Err(ScanError::Output(format!(
            "{what} wrote {} of JSON, more than --max-input-size ({}); raise --max-input-size",
            bytesize::ByteSize(len),
            bytesize::ByteSize(max)
        )));
    }
    std::fs::read(path).map_err(|e| fail(e.to_string()))
}

/// A private temporary directory for trivy's output, removed on drop (or on a signal).
struct Scratch(crate::cleanup::TempDir);

impl Scratch {
    fn new() -> Result<Scratch, ScanError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        crate::cleanup::remove_stale(&base);
        let dir = base.join(format!(
            "scanlens-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        create_private_dir(&dir).map_err(|e| ScanError::Scratch {
            dir: base.display().to_string(),
            detail: e.to_string(),
        })?;
        Ok(Scratch(crate::cleanup::TempDir::register(dir)))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

/// Creates `dir` readable by this user only.
#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(dir)
}

/// Windows has no mode: the folder inherits the permissions of the user's own %TEMP%, which only
/// they (and administrators) can read.
#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir(dir)
}

#[cfg(test)]
mod tests;
