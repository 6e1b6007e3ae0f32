//! `scanlens scan`: find `::image` tags in the commit message, build and scan each image, write
//! one report folder per image and return the worst verdict.

use crate::cli::ScanArgs;
use crate::exit::Usage;
use crate::process::{Runner, System};
use crate::scan::{self, plan, source, tag, Options};
use anyhow::{bail, Context};
use scanlens_model::ReportBuilder;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let env = |k: &str| std::env::var(k).ok();
    run_with(&args, &System, &env, Path::new("."), &mut std::io::stderr())
}

/// The whole command with its collaborators passed in (tests use a fake runner and env).
/// `workdir` is where trivy would look for `.trivyignore` and `trivy.yaml` on its own.
pub fn run_with(
    args: &ScanArgs,
    runner: &dyn Runner,
    env: &dyn Fn(&str) -> Option<String>,
    workdir: &Path,
    log: &mut dyn Write,
) -> anyhow::Result<u8> {
    // Everything that can be checked without spawning is checked first.
    let (gate, notices) = own_trivy_inputs(&args.gate, workdir, env);
    let policy = crate::gate::policy(&gate)?;
    let sarif_severities = crate::gate::severities("--sarif-severity", &args.sarif_severity)?;
    if let Some(t) = &args.timeout {
        if scan::parse_duration(t).is_none() {
            return Err(Usage(format!(
                "--timeout `{t}` is not a duration; write it as trivy does, e.g. 300s, 5m or 1h"
            ))
            .into());
        }
    }
    if args.token.is_some() && args.server.is_none() {
        // Checked here, not by clap's `requires`: clap's message names --server alone, and the
        // token usually comes from the environment, where the user would not look for it.
        return Err(Usage(
            "a trivy server token is set (--token or SCANLENS_TRIVY_TOKEN) but no --server; add --server http://HOST:PORT, the server the token belongs to, or unset SCANLENS_TRIVY_TOKEN".into(),
        )
        .into());
    }
    // A VEX file that is not there would fail the first `trivy image`, after a build.
    for v in args.vex.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if v != "repo" && v != "oci" && !workdir.join(v).is_file() {
            bail!(
                "--vex {v}: no such file; name an OpenVEX, CycloneDX or CSAF document, or `repo` or `oci` to have trivy fetch them"
            );
        }
    }
    // An empty --image (an unset CI input) is no image at all.
    let explicit = args.images.iter().any(|i| !i.trim().is_empty()) || !args.inputs.is_empty();
    let (plan, from) = if explicit {
        // --image / --input: what to scan is given; no message is read, nothing is built.
        let plan = plan::explicit(&args.images, &args.inputs)?;
        let from = plan.source.clone();
        (plan, from)
    } else {
        let message =
            source::resolve(args.message.as_deref(), args.commit.as_deref(), env, runner)?;
        let refs = tag::parse_message(&message.text)?;
        let docker_dir = args
            .docker_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("docker"));
        let plan = plan::plan(
            &message.source,
            &refs,
            &docker_dir,
            args.docker_dir.is_some(),
        )?;
        (plan, format!("the commit message ({})", message.source))
    };
    check_distinct_outputs(&plan)?;

    if plan.images.is_empty() && args.require_tag {
        bail!("no `::image` tag in {from}; add one such as `::app:latest`, or drop --require-tag");
    }
    if args.dry_run {
        let json = serde_json::to_string_pretty(&plan).context("cannot serialize the plan")?;
        // A closed pipe (`| head`) is not an error worth a message, nor a panic.
        let _ = writeln!(std::io::stdout().lock(), "{json}");
        if plan.images.is_empty() {
            let _ = writeln!(
                log,
                "scanlens: no scan requested (message from {})",
                plan.source
            );
        }
        return Ok(crate::exit::OK);
    }
    if plan.images.is_empty() {
        let _ = writeln!(
            log,
            "scanlens: no scan requested (no `::image` tag in {from}; --image REF scans an image without one)"
        );
        return Ok(crate::exit::OK);
    }
    let out = args
        .out
        .as_deref()
        .context("--out DIR is required to scan; add --out reports (or use --dry-run)")?;

    for n in &notices {
        let _ = writeln!(log, "scanlens: {n}");
    }
    let opts = options(args);
    let _ = writeln!(
        log,
        "scanlens: {} image{} from {from}: {}",
        plan.images.len(),
        if plan.images.len() == 1 { "" } else { "s" },
        plan.images
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut codes = Vec::new();
    let mut errors = 0;
    for image in &plan.images {
        let dir = out.join(image.dir_name());
        let category = sarif_category(&plan, image);
        let target = Target {
            dir: &dir,
            category: &category,
            sarif_severities: &sarif_severities,
        };
        match scan_one(image, &opts, &policy, args, &target, runner, log) {
            Ok(code) => codes.push(code),
            Err(e) => {
                errors += 1;
                let fatal = e
                    .downcast_ref::<scan::ScanError>()
                    .is_some_and(|e| e.is_fatal());
                let text = crate::exit::one_line(&e);
                // Name the image unless the message already does.
                let _ = if text.contains(image.reference.as_str()) {
                    writeln!(log, "scanlens: error: {text}")
                } else {
                    writeln!(log, "scanlens: error: {}: {text}", image.reference)
                };
                if fatal {
                    break;
                }
            }
        }
    }
    if plan.images.len() > 1 {
        let failed = codes.iter().filter(|c| **c != crate::exit::OK).count();
        let _ = writeln!(
            log,
            "scanlens: {} images: {} passed, {} failed the gate, {} could not be scanned",
            plan.images.len(),
            codes.len() - failed,
            failed,
            plan.images.len() - codes.len()
        );
    }
    Ok(worst(errors > 0, &codes))
}

/// Scanlens, not trivy, reads the files trivy would pick up from the working directory: the
/// ignore files become visible gate exclusions (unless --ignorefile names others), `trivy.yaml`
/// and trivy's filtering variables are kept from trivy. Returns the gate options to use and a
/// notice for each.
fn own_trivy_inputs(
    gate: &crate::cli::GateArgs,
    workdir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> (crate::cli::GateArgs, Vec<String>) {
    let (gate, mut notices) = crate::gate::with_trivys_own_ignorefile(gate, workdir);
    let config = workdir.join("trivy.yaml");
    if config.is_file() {
        notices.push(format!(
            "{} is not read: scanlens passes trivy its own settings so that the report holds every finding; use scanlens's options instead (--scanners, --timeout, --cache-dir, --ignorefile, --ignore-unfixed, --fail-on)",
            config.display()
        ));
    }
    for (var, instead) in scan::TRIVY_FILTER_VARS {
        if env(var).is_some_and(|v| !v.is_empty()) {
            notices.push(format!(
                "{var} is not passed to trivy, so that the report holds every finding; use {instead}"
            ));
        }
    }
    (gate, notices)
}

/// The exit code of several images: any error wins, then the gate, then success.
pub fn worst(any_error: bool, gate_codes: &[u8]) -> u8 {
    if any_error {
        return crate::exit::ERROR;
    }
    gate_codes
        .iter()
        .copied()
        .find(|c| *c != crate::exit::OK)
        .unwrap_or(crate::exit::OK)
}

/// Each image's SARIF category: its repository, with the tag only when this scan holds several
/// tags of that repository (an upload's categories must differ, and should stay the same from
/// one commit to the next).
fn sarif_category(plan: &plan::Plan, image: &plan::PlannedImage) -> String {
    use scanlens_model::identity::repository;
    let repo = repository(&image.reference);
    let same = plan
        .images
        .iter()
        .filter(|i| repository(&i.reference) == repo)
        .count();
    crate::sarif::category(&image.reference, same > 1)
}

/// Where one image's report goes and what its SARIF holds.
struct Target<'a> {
    dir: &'a Path,
    category: &'a str,
    sarif_severities: &'a [scanlens_model::Severity],
}

fn scan_one(
    image: &plan::PlannedImage,
    opts: &Options,
    policy: &scanlens_model::gate::GatePolicy,
    args: &ScanArgs,
    target: &Target,
    runner: &dyn Runner,
    log: &mut dyn Write,
) -> anyhow::Result<u8> {
    let Target {
        dir,
        category,
        sarif_severities,
    } = *target;
    let raw = scan::scan_image(image, opts, runner, log)?;
    let mut builder = ReportBuilder::new(crate::GENERATOR);
    for (name, bytes) in &raw.files {
        crate::input::add(&mut builder, Path::new(name), name, bytes).context(
            "trivy wrote a report scanlens cannot read; check the trivy version (0.50 or newer)",
        )?;
    }
    let mut report = builder.finish();
    if let Some(layers) = &raw.base_layers {
        // trivy-image.json is read first: artifact 0 is the image.
        scanlens_model::normalize::mark_base_layers(&mut report, 0, layers);
    }
    crate::feeds::enrich(&args.feeds, &mut report)?;
    let verdict = crate::gate::apply(policy, &mut report)?;
    scanlens_model::fix_first::plan_all(&mut report);
    let outputs = crate::renderer::Outputs {
        sarif: args.sarif.then_some(category),
        trivy_files: &raw.files,
        sarif_severities,
    };
    super::render::write_report(&report, dir, &outputs, log)?;
    super::render::print_outcome(&report, dir);
    Ok(crate::gate::exit_code(&args.gate, &verdict))
}

fn options(args: &ScanArgs) -> Options {
    Options {
        docker_bin: args.docker_bin.clone().into_os_string(),
        trivy_bin: args.trivy_bin.clone().into_os_string(),
        build_args: args.build_args.clone(),
        platform: args.platform.clone(),
        network: args.network.clone(),
        labels: args.labels.clone(),
        scanners: args.scanners.clone(),
        cache_dir: args.cache_dir.clone(),
        db_repository: args.db_repository.clone(),
        skip_db_update: args.skip_db_update,
        offline_scan: args.offline_scan,
        server: args.server.clone(),
        token: args.token.clone(),
        timeout: args.timeout.clone(),
        max_input: args.input.max_input_size.as_u64(),
        skip_dirs: nonempty(&args.skip_dirs),
        skip_files: nonempty(&args.skip_files),
        vex: nonempty(&args.vex),
        // Trivy's own `--format sarif` lists the packages by itself, and its SARIF points a lock
        // file's vulnerability at the package's lines; the JSON has them only when asked.
        list_all_pkgs: args.list_all_pkgs || args.sarif,
    }
}

/// A list option's values without the empty ones (`--skip-dirs ""` from an unset CI input).
fn nonempty(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// Two references such as `a/app:1` and `b/app:1` would write the same folder.
fn check_distinct_outputs(plan: &plan::Plan) -> anyhow::Result<()> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for i in &plan.images {
        let d = i.dir_name();
        if let Some((_, other)) = seen.iter().find(|(s, _)| *s == d) {
            bail!(
                "`::{other}` and `::{}` would both write the report folder {d}; scan them in separate commits or give them different tags",
                i.reference
            );
        }
        seen.push((d, &i.reference));
    }
    Ok(())
}
