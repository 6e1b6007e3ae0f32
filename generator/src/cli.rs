//! The command line. Help text here is the user's manual for each flag.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "scanlens",
    version,
    about = "Build Docker images named in a commit message, scan them with Trivy, and write a report people read",
    long_about = "Scanlens turns Trivy's JSON into a severity-grouped, searchable report: report.json \
(normalized, with a JSON Schema), index.html (one self-contained page that opens from file://), \
summary.md (for $GITHUB_STEP_SUMMARY and PR comments), findings.ndjson (one line per finding, for \
queries), report.sarif with --sarif, and an exit code that gates the pipeline.",
    after_help = "Exit codes: 0 passed (or nothing to do), 1 the gate tripped (see --exit-code), \
2 bad command line, 3 error (unreadable input, docker or trivy missing or failing)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render existing Trivy JSON into report.json, index.html, summary.md and findings.ndjson
    /// (and report.sarif with --sarif)
    Render(Box<RenderArgs>),
    /// Build and scan the images named by `::name:tag` tags in the commit message
    #[command(
        long_about = "Reads the commit message (--message, --commit, the CI's variables or git HEAD), \
finds its `::name[:tag]` image tags, builds each from <docker-dir>/<name>/Dockerfile (or scans it \
from its registry when there is no such folder), scans it with `trivy image` (vulnerabilities and \
secrets) and `trivy config` (the Dockerfile), and writes <out>/<name>-<tag>/ with trivy's JSON \
(trivy-image.json, and trivy-config.json for an image built from a Dockerfile), report.json, \
index.html, summary.md, findings.ndjson and, with --sarif, report.sarif. A message without a tag is not an error: scanlens prints \
\"no scan requested\" and exits 0 (unless --require-tag).",
        after_help = "Tag grammar: `::` then a Docker reference name[:tag][@digest] (lowercase name, \
optional registry[:port]/ and path; tag defaults to latest), at the start of the message or after \
whitespace, up to the next whitespace; trailing .,;:!?)]}\"'` are not part of it. Example: \
`Fixed yum for image ::mysql:latest` builds docker/mysql/Dockerfile as mysql:latest.\n\n\
Exit codes: 0 passed (or no scan requested), 1 the gate tripped (see --exit-code), 2 bad command \
line, 3 error (bad tag, docker or trivy missing or failing); with several images, the worst."
    )]
    Scan(Box<ScanArgs>),
    /// Compare two reports: new, fixed and unchanged findings
    Diff(DiffArgs),
    /// Run SQL over the findings of stored reports (an embedded SQLite)
    Query(QueryArgs),
    /// Add reports to a static site: an index of all images with history, trends and diffs
    Site(SiteArgs),
    /// Upload report folders (and a site) to S3 with the right content types
    Publish(PublishArgs),
    /// Download the exploitability feeds (CISA's KEV catalog, FIRST's EPSS scores) for --feeds
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Print the JSON Schema of report.json
    Schema,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Install it where your shell looks for completions, e.g.\n  \
scanlens completions bash > ~/.local/share/bash-completion/completions/scanlens\n  \
scanlens completions zsh > \"${fpath[1]}/_scanlens\"\n  \
scanlens completions fish > ~/.config/fish/completions/scanlens.fish\n  \
scanlens completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (scanlens.1), or write one page per subcommand with --out
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write scanlens.1 and one page per subcommand (scanlens-scan.1, ...) into DIR instead
    /// of printing scanlens.1
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ScanArgs {
    /// The commit message to read `::image` tags from [default: the commit's message, see
    /// --commit]
    #[arg(long, short, value_name = "TEXT", conflicts_with_all = ["commit", "images", "inputs"])]
    pub message: Option<String>,

    /// Scan this image as it is (from the Docker engine, or its registry), with no commit
    /// message and no build: trivy-action's `image-ref`. Comma-separated or repeated
    #[arg(
        long = "image",
        id = "images",
        value_name = "REF",
        value_delimiter = ',',
        conflicts_with_all = ["commit", "require_tag"]
    )]
    pub images: Vec<String>,

    /// Scan an image saved as a tar archive (`docker save`, OCI layout), with no commit message:
    /// trivy-action's `input`. May be repeated; the report folder is named after the file
    #[arg(
        long = "input",
        id = "inputs",
        value_name = "TAR",
        conflicts_with_all = ["commit", "require_tag"]
    )]
    pub inputs: Vec<PathBuf>,

    /// Read the message of this commit (`git log -1 --format=%B REV`). Without --message or
    /// --commit: GitHub Actions' event payload, GitLab's CI_COMMIT_MESSAGE, CodeBuild's
    /// CODEBUILD_RESOLVED_SOURCE_VERSION, Jenkins' GIT_COMMIT, then HEAD
    #[arg(long, value_name = "REV")]
    pub commit: Option<String>,

    /// Folder with one folder per image: `::mysql:latest` builds <DIR>/mysql/Dockerfile with
    /// <DIR>/mysql as context; an image without a folder is scanned from its registry
    /// [default: docker]
    #[arg(long, value_name = "DIR")]
    pub docker_dir: Option<std::path::PathBuf>,

    /// Where to write the reports: one <DIR>/<name>-<tag>/ per image, each replaced as a whole
    /// only once it is complete
    #[arg(long, short, value_name = "DIR", required_unless_present = "dry_run")]
    pub out: Option<std::path::PathBuf>,

    /// Print the plan (message source, images, Dockerfiles) as JSON and run nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Fail (exit 3) when the message holds no `::image` tag
    #[arg(long)]
    pub require_tag: bool,

    /// Passed to `docker build --build-arg`; may be repeated
    #[arg(long = "build-arg", value_name = "KEY=VALUE", help_heading = "Build")]
    pub build_args: Vec<String>,

    /// Target platform, for `docker build --platform` and `trivy image --platform`
    #[arg(long, value_name = "OS/ARCH", help_heading = "Build")]
    pub platform: Option<String>,

    /// Passed to `docker build --network` (e.g. host)
    #[arg(long, value_name = "MODE", help_heading = "Build")]
    pub network: Option<String>,

    /// Passed to `docker build --label`; may be repeated
    #[arg(long = "label", value_name = "KEY=VALUE", help_heading = "Build")]
    pub labels: Vec<String>,

    /// The docker client to run
    #[arg(
        long,
        value_name = "PATH",
        default_value = "docker",
        help_heading = "Build"
    )]
    pub docker_bin: std::path::PathBuf,

    /// The trivy binary to run
    #[arg(
        long,
        value_name = "PATH",
        default_value = "trivy",
        help_heading = "Trivy"
    )]
    pub trivy_bin: std::path::PathBuf,

    /// Scanners for `trivy image` [default: vuln,secret]. Every severity is always scanned, so
    /// the report is complete; the gate options decide the exit code
    #[arg(long, value_name = "LIST", help_heading = "Trivy")]
    pub scanners: Option<String>,

    /// Trivy's cache dir (holds db/trivy.db); TRIVY_CACHE_DIR works too
    #[arg(long, value_name = "DIR", help_heading = "Trivy")]
    pub cache_dir: Option<std::path::PathBuf>,

    /// OCI repository of Trivy's vulnerability DB; may be repeated
    #[arg(long, value_name = "REPO", help_heading = "Trivy")]
    pub db_repository: Vec<String>,

    /// Use the DB in the cache dir as it is (no download)
    #[arg(long, help_heading = "Trivy")]
    pub skip_db_update: bool,

    /// Make no network requests while scanning
    #[arg(long, help_heading = "Trivy")]
    pub offline_scan: bool,

    /// Scan in Trivy's client mode against this `trivy server` (http://HOST:PORT), which holds
    /// the vulnerability DB: no DB is downloaded here
    #[arg(long, value_name = "URL", value_parser = crate::scan::server::parse_url, help_heading = "Trivy")]
    pub server: Option<String>,

    /// The token the trivy server was started with (`trivy server --token`); handed to trivy in
    /// its environment, not its arguments. Needs --server: a token without it is refused
    /// (exit 2)
    #[arg(long, value_name = "TOKEN", env = "SCANLENS_TRIVY_TOKEN", hide_env_values = true, value_parser = crate::scan::server::parse_token, help_heading = "Trivy")]
    pub token: Option<String>,

    /// Trivy's time limit per scan, e.g. 10m [default: trivy's 5m]
    #[arg(long, value_name = "DURATION", help_heading = "Trivy")]
    pub timeout: Option<String>,

    /// Directories inside the image that `trivy image` does not walk (globs as trivy takes
    /// them, e.g. /usr/lib/python3*/test); comma-separated or repeated
    #[arg(
        long,
        value_name = "DIRS",
        value_delimiter = ',',
        help_heading = "Trivy"
    )]
    pub skip_dirs: Vec<String>,

    /// Files inside the image that `trivy image` does not read; comma-separated or repeated
    #[arg(
        long,
        value_name = "FILES",
        value_delimiter = ',',
        help_heading = "Trivy"
    )]
    pub skip_files: Vec<String>,

    /// Ask trivy to list every package, vulnerable or not (kept in trivy-image.json)
    #[arg(long, help_heading = "Trivy")]
    pub list_all_pkgs: bool,

    /// VEX documents for `trivy image --vex` (an OpenVEX, CycloneDX or CSAF file; `repo` or
    /// `oci` fetch them from the network); comma-separated or repeated. What a document says is
    /// not_affected or fixed stays in the report, marked suppressed, and out of the gate
    #[arg(
        long,
        value_name = "SOURCES",
        value_delimiter = ',',
        help_heading = "Trivy"
    )]
    pub vex: Vec<String>,

    /// Also write report.sarif (SARIF 2.1.0 for GitHub code scanning) in each report folder
    #[arg(long)]
    pub sarif: bool,

    /// Put only findings at these severities in report.sarif (trivy-action's
    /// limit-severities-for-sarif) [default: every severity]
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "SEVERITIES",
        requires = "sarif"
    )]
    pub sarif_severity: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub feeds: FeedArgs,

    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Trivy JSON files (`trivy ... --format json`); `-` reads standard input. Several inputs, such
    /// as an image scan and a `trivy config` scan of its Dockerfile, merge into one report.
    #[arg(required = true, value_name = "TRIVY_JSON")]
    pub inputs: Vec<PathBuf>,

    /// Directory to write. It is replaced as a whole only once everything is written, so a
    /// failure leaves an earlier report there intact.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,

    /// Also write report.sarif (SARIF 2.1.0 for GitHub code scanning): the 5,000 most severe
    /// findings, at most 10 MB gzipped, as GitHub accepts
    #[arg(long)]
    pub sarif: bool,

    /// Put only findings at these severities in report.sarif (trivy-action's
    /// limit-severities-for-sarif) [default: every severity]
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "SEVERITIES",
        requires = "sarif"
    )]
    pub sarif_severity: Vec<String>,

    /// The image the scanned image was built FROM: its layers (asked of the Docker engine,
    /// `docker image inspect`) are marked as the base image's, the rest as the image's own.
    /// When docker or its engine cannot answer, render fails (exit 3). Without it, layers are
    /// marked unknown
    #[arg(long, value_name = "REF")]
    pub base_image: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub feeds: FeedArgs,

    #[command(flatten)]
    pub gate: GateArgs,
}

/// The exploitability feeds, shared by `render` and `scan`: each vulnerability is marked with
/// its KEV entry and EPSS score (in report.json, findings.ndjson, report.sarif), and the gate can
/// fail on them.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Exploitability feeds")]
pub struct FeedArgs {
    /// CISA's Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json;
    /// gzipped works too): marks the vulnerabilities it lists
    #[arg(long, value_name = "FILE", conflicts_with = "feeds_dir")]
    pub kev: Option<PathBuf>,

    /// FIRST's EPSS scores (epss_scores-current.csv, plain or gzipped: told apart by content):
    /// gives each vulnerability its probability of exploitation in the next 30 days
    #[arg(long, value_name = "FILE", conflicts_with = "feeds_dir")]
    pub epss: Option<PathBuf>,

    /// Read both feeds from a folder written by `scanlens feeds fetch`; a feed missing there is
    /// a warning (an error when a --fail-on-kev / --fail-on-epss rule needs it)
    #[arg(long = "feeds", id = "feeds_dir", value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The feeds as read, filled in before the command starts (see `crate::feeds::prepare`)
    /// so that `scan` reads them once for all its images.
    #[arg(skip)]
    pub loaded: Option<std::sync::Arc<crate::feeds::Loaded>>,
}

/// The gate's options, shared by `render` and `scan`. They never remove findings from the
/// report; excluded findings are marked there.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Gate")]
pub struct GateArgs {
    /// Severities that count: the gate and summary.md consider only findings at these
    /// (trivy's --severity, trivy-action's `severity`); report.json, index.html and
    /// findings.ndjson still hold every finding [default: all]
    #[arg(long, value_delimiter = ',', value_name = "SEVERITIES")]
    pub severity: Vec<String>,

    /// Fail (exit 1, or --exit-code) when a counted finding has one of these severities
    /// [values: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN]
    #[arg(long, value_delimiter = ',', value_name = "SEVERITIES")]
    pub fail_on: Vec<String>,

    /// Leave vulnerabilities with no fix out of the verdict (Trivy's meaning: every status but
    /// fixed, that is affected, will_not_fix, fix_deferred, end_of_life, under_investigation and
    /// not_affected)
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// Leave vulnerabilities with these statuses out of the verdict, as Trivy's option (its names,
    /// comma-separated): unknown, not_affected, affected, fixed, under_investigation,
    /// will_not_fix, fix_deferred, end_of_life. It overrides --ignore-unfixed, as in Trivy
    #[arg(long, value_delimiter = ',', value_name = "STATUSES")]
    pub ignore_status: Vec<String>,

    /// Count only vulnerabilities in these package types [values: os, library]
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub pkg_types: Vec<String>,

    /// Licenses that do not count, as Trivy's option: each matched as a `licenses` entry of a
    /// .trivyignore.yaml matches (names exactly as written, comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "LICENSES")]
    pub ignored_licenses: Vec<String>,

    /// A .trivyignore (IDs, `# comments`, `exp:YYYY-MM-DD`) or .trivyignore.yaml file;
    /// may be given several times. Without it, ./.trivyignore is applied when there is one, as
    /// Trivy does
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Vec<PathBuf>,

    /// Fail when a counted finding is in CISA's Known Exploited Vulnerabilities catalog (needs
    /// --kev or --feeds)
    #[arg(long)]
    pub fail_on_kev: bool,

    /// Fail when a counted finding's EPSS score is SCORE or more, from 0 to 1 (e.g. 0.5; needs
    /// --epss or --feeds)
    #[arg(long, value_name = "SCORE", value_parser = probability)]
    pub fail_on_epss: Option<f64>,

    /// Exit code when the gate trips [default: 1] (0 reports without failing; 2 and 3 are
    /// taken by usage errors and failures). Given alone, as in Trivy, it sets the gate: any
    /// counted finding (at --severity, every severity by default) fails
    #[arg(long, value_name = "N", value_parser = gate_exit_code)]
    pub exit_code: Option<u8>,

    /// Exit with code N when a scanned OS is past its end of support life, as Trivy's option
    /// (0, its default, is off). It comes before the other rules' code, as in Trivy
    #[arg(long, value_name = "N", value_parser = gate_exit_code)]
    pub exit_on_eol: Option<u8>,
}

/// `--fail-on-epss`: an EPSS score, which is a probability.
fn probability(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{s}` is not an EPSS score; write a probability from 0 to 1, such as 0.5 (50%)"
        )),
    }
}

/// `--exit-code`: any code but the two that mean something else, so that a pipeline can tell a
/// tripped gate from a broken run.
fn gate_exit_code(s: &str) -> Result<u8, String> {
    let n: u8 = s
        .parse()
        .map_err(|_| format!("`{s}` is not an exit code from 0 to 255"))?;
    if n == crate::exit::USAGE || n == crate::exit::ERROR {
        return Err(format!(
            "{n} is scanlens's code for a {}; choose 1 or 4 to 255 (0 reports without failing)",
            if n == crate::exit::USAGE {
                "bad command line"
            } else {
                "failed run"
            }
        ));
    }
    Ok(n)
}

/// The largest input read, for `render` and `scan`.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// The largest Trivy JSON file read (e.g. 512MiB, 8GiB); anything larger is refused rather
    /// than read into memory
    #[arg(long, value_name = "SIZE", default_value = "2GiB")]
    pub max_input_size: bytesize::ByteSize,
}

impl Default for InputArgs {
    fn default() -> Self {
        InputArgs {
            max_input_size: bytesize::ByteSize(crate::input::MAX_INPUT),
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "OLD and NEW are report directories, report.json files or Trivy JSON files. \
Findings match by kind, ID, package and target (relative to the image name, so a new tag of the same \
image compares cleanly). Exit codes: 0, 1 when --fail-on-new matched (or --exit-code), 2 bad \
command line, 3 error."
)]
pub struct DiffArgs {
    /// The earlier scan
    pub old: PathBuf,
    /// The later scan
    pub new: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    pub format: DiffFormat,
    /// Write to FILE instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail when a NEW finding has one of these severities (the baseline gate)
    #[arg(long, value_delimiter = ',', value_name = "SEVERITIES")]
    pub fail_on_new: Vec<String>,
    /// Exit code when --fail-on-new matches (2 and 3 are taken)
    #[arg(long, default_value_t = crate::exit::GATE, value_name = "N", value_parser = gate_exit_code)]
    pub exit_code: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

/// `query --help`'s closing text, listing the table's columns from the one definition of the row.
fn query_help() -> String {
    let columns: Vec<&str> = scanlens_model::flat::COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect();
    format!(
        "The table `findings` has one row per finding with the columns of findings.ndjson: {}.\n\n{QUERY_HELP}",
        columns.join(", ")
    )
}

const QUERY_HELP: &str = "The statement only reads: one SELECT (or WITH, VALUES, EXPLAIN, PRAGMA table_info); a statement \
that would write or open files (INSERT, CREATE, ATTACH, VACUUM INTO, other pragmas, \
load_extension) or a second statement is refused with exit 3, as is one that outlasts --timeout \
or answers with more than 256 MiB (one value: 64 MiB).\n\n\
Example: scanlens query \"SELECT image, count(*) FROM findings WHERE severity = 'CRITICAL' GROUP BY image\" out/";

#[derive(Debug, Args)]
#[command(after_help = query_help())]
pub struct QueryArgs {
    /// One SQL statement that reads the table `findings`
    pub sql: String,
    /// Report directories (searched recursively), report.json, findings.ndjson, .ndjson.gz or
    /// .parquet files, or a prefix downloaded from a bucket `publish` wrote (its findings table is
    /// read, in either --table-format)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print JSON (an array of objects) instead of a table
    #[arg(long)]
    pub json: bool,
    /// Stop the statement after this long (e.g. 30s, 2m, 500ms) and exit 3 saying so, so that a
    /// runaway query (a recursive CTE without an end) cannot run forever
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = positive_duration)]
    pub timeout: Duration,
}

/// `--timeout`'s values: Go-style durations, as `scan --timeout` passes to trivy.
fn positive_duration(s: &str) -> Result<Duration, String> {
    match crate::scan::parse_duration(s) {
        Some(d) if !d.is_zero() => Ok(d),
        _ => Err("expected a duration above zero, such as 30s, 2m or 500ms".to_string()),
    }
}

/// The dashboard's title unless `--title` says otherwise.
pub const DEFAULT_SITE_TITLE: &str = "Scanlens dashboard";

#[derive(Debug, Args)]
#[command(
    after_help = "The site keeps its own index and history in SITE/data/, so each CI run adds \
its scans and the history survives redeploying the folder. Open SITE/index.html from disk or any \
static host (GitHub Pages); it makes no network request."
)]
pub struct SiteArgs {
    /// The site directory (created, or updated in place)
    #[arg(long, short, value_name = "SITE")]
    pub out: PathBuf,
    /// Report directories written by `scanlens scan` or `scanlens render`
    #[arg(value_name = "REPORT_DIR")]
    pub reports: Vec<PathBuf>,
    /// Also add every scan the site lacks from s3://bucket/prefix (what `publish` put there) or
    /// from the deployed dashboard at https://… (its history, e.g. GitHub Pages): the index is
    /// read and the report folders of new scans downloaded
    #[arg(long, value_name = "S3_URL|URL")]
    pub from: Option<String>,
    /// Site title
    #[arg(long, default_value = DEFAULT_SITE_TITLE)]
    pub title: String,
    /// With --from: how long to wait for the bucket or the deployed site
    #[command(flatten)]
    pub timeouts: TransferTimeouts,
}

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Download CISA's KEV catalog and FIRST's EPSS scores into a folder for --feeds
    #[command(
        long_about = "Downloads CISA's Known Exploited Vulnerabilities catalog and FIRST's EPSS \
scores, reads each completely (a download that is cut short or not the feed is refused), and \
writes DIR with known_exploited_vulnerabilities.json and epss_scores-current.csv.gz (kept \
gzipped, as published). DIR is replaced as a whole only when both are good, so a failed fetch \
leaves an earlier copy intact. Both feeds change once a day: fetch daily and cache DIR.",
        after_help = "URLs: https, or http for a mirror you trust (a warning says that anyone on \
the network path could change a feed fetched over http; none for loopback addresses). \
Redirects are followed, never from https to http.\n\n\
Exit codes: 0 written, 2 bad command line, 3 error (unreachable, too slow, HTTP error, not the \
feed, cut short, cannot write DIR)."
    )]
    Fetch(FetchArgs),
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The folder to write (replaced as a whole); pass it to render and scan as --feeds DIR
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Where to download the KEV catalog
    #[arg(long, value_name = "URL", default_value = crate::feeds::KEV_URL, value_parser = crate::feeds::download::url)]
    pub kev_url: String,
    /// Where to download the EPSS scores (gzipped CSV)
    #[arg(long, value_name = "URL", default_value = crate::feeds::EPSS_URL, value_parser = crate::feeds::download::url)]
    pub epss_url: String,
    /// How long each download may take to connect (DNS, TCP, TLS)
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = crate::s3::timeouts::parse)]
    pub connect_timeout: Duration,
    /// How long the whole fetch (both downloads) may take
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = crate::s3::timeouts::parse)]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Keys: each report folder is one scan, with an ID made of its time and a digest of its report (20240501100000-0123456789ab), and goes under s3://BUCKET/PREFIX/ to reports/<repo>/<scan>/<file> (the report folder), findings/dt=YYYY-MM-DD/repository=<repo>/<scan>.ndjson.gz (its findings.ndjson gzipped, the findings table; <scan>.parquet with --table-format parquet), site-data/records/<repo>/<scan>.json (its dashboard record) and site-data/index.json (the dashboard's index, rebuilt from the records); site/ holds the dashboard with --site or --update-site. <repo> is the image's repository as one key segment (ghcr.io/org/app -> ghcr.io_org_app); dt is the scan's UTC day. PREFIX is plain segments: `.`, `..`, empty segments (a//b), backslashes and control characters are refused.\n\n\
What is uploaded: only the files scanlens writes (report.json, index.html, summary.md, findings.ndjson, report.sarif, trivy-image.json, trivy-config.json; and the site's index.html, data/site.json and images/), only as regular files. Hidden entries (such as the .NAME.scanlens-new-* folders a killed render leaves) and other files are left out; a symbolic link or special file inside a folder is refused before anything is uploaded. A folder named on the command line may itself be a link.\n\n\
Credentials and region are found as the AWS SDKs find them: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; AWS_PROFILE with ~/.aws/credentials and ~/.aws/config; CodeBuild's and ECS's container credentials; AWS_REGION or AWS_DEFAULT_REGION. AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL selects an S3-compatible server (path-style requests).\n\n\
Each file is tried 3 times, so with the default timeouts an endpoint that never answers fails the command after about a minute.\n\n\
Exit codes: 0 uploaded, 2 bad command line, 3 error (bad S3 URL, a link in a folder, no credentials, no such bucket, endpoint unreachable or too slow, access denied)."
)]
pub struct PublishArgs {
    /// Destination, as s3://bucket/prefix
    #[arg(long, value_name = "S3_URL")]
    pub s3: String,
    /// Report folders written by `scanlens scan` or `scanlens render`
    #[arg(value_name = "REPORT_DIR")]
    pub dirs: Vec<PathBuf>,
    /// Also upload this site folder (from `scanlens site`) to PREFIX/site/
    #[arg(long, value_name = "SITE", conflicts_with = "update_site")]
    pub site: Option<PathBuf>,
    /// After publishing, rebuild the dashboard at PREFIX/site/ from every scan the bucket holds
    /// (what `scanlens site --from` builds), so concurrent publishers leave a complete one
    #[arg(long)]
    pub update_site: bool,
    /// How each scan's findings go into the table at PREFIX/findings/: gzipped NDJSON
    /// (`<scan>.ndjson.gz`) or Parquet (`<scan>.parquet`, ZSTD-compressed, typed columns); the
    /// rows and Hive keys are the same. Keep one format per PREFIX: a table reads one
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t)]
    pub table_format: crate::s3::layout::TableFormat,
    #[command(flatten)]
    pub timeouts: TransferTimeouts,
}

/// How long `publish` and `site --from` wait for a bucket or a deployed site.
#[derive(Debug, Args)]
pub struct TransferTimeouts {
    /// How long each attempt may take to connect (DNS, TCP, TLS)
    #[arg(
        long,
        env = "SCANLENS_S3_CONNECT_TIMEOUT",
        value_name = "DURATION",
        default_value = crate::s3::timeouts::DEFAULT_CONNECT,
        value_parser = crate::s3::timeouts::parse,
        help_heading = "Timeouts"
    )]
    pub connect_timeout: Duration,
    /// How long each attempt of a transfer may take, connecting included (plus 1s per MB of the
    /// file); a transfer that stalls this long fails too
    #[arg(
        long,
        env = "SCANLENS_S3_TIMEOUT",
        value_name = "DURATION",
        default_value = crate::s3::timeouts::DEFAULT_REQUEST,
        value_parser = crate::s3::timeouts::parse,
        help_heading = "Timeouts"
    )]
    pub timeout: Duration,
    /// How long the whole command may take talking to the bucket or site, however many files
    #[arg(
        long,
        env = "SCANLENS_S3_TOTAL_TIMEOUT",
        value_name = "DURATION",
        default_value = crate::s3::timeouts::DEFAULT_TOTAL,
        value_parser = crate::s3::timeouts::parse,
        help_heading = "Timeouts"
    )]
    pub total_timeout: Duration,
}

impl TransferTimeouts {
    pub fn get(&self) -> crate::s3::Timeouts {
        crate::s3::Timeouts {
            connect: self.connect_timeout,
            request: self.timeout,
            total: self.total_timeout,
        }
    }
}
