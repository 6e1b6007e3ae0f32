//! `scanlens scan`: find `::image` tags in the commit message, build and scan each image, write
//! one report folder per image and return the worst verdict.

use crate::cli::ScanArgs;
use crate::process::{Runner, System};
use crate::scan::{self, plan, source, tag, Options};
use anyhow::{bail, Context};
use scanlens_model::ReportBuilder;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let env = |k: &str| std::env::var(k).ok();
    run_with(&args, &System, &env, &mut std::io::stderr())
}

/// The whole command with its collaborators passed in (tests use a fake runner and env).
pub fn run_with(
    args: &ScanArgs,
    runner: &dyn Runner,
    env: &dyn Fn(&str) -> Option<String>,
    log: &mut dyn Write,
) -> anyhow::Result<u8> {
    // Everything that can be checked without spawning is checked first.
    let policy = crate::gate::policy(&args.gate)?;
    if let Some(t) = &args.timeout {
        if scan::parse_duration(t).is_none() {
            bail!("--timeout `{t}` is not a duration; write it as trivy does, e.g. 300s, 5m or 1h");
        }
    }
    let message = source::resolve(args.message.as_deref(), args.commit.as_deref(), env, runner)?;
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
    check_distinct_outputs(&plan)?;

    if refs.is_empty() && args.require_tag {
        bail!(
            "no `::image` tag in the commit message ({}); add one such as `::app:latest`, or drop --require-tag",
            message.source
        );
    }
    if args.dry_run {
        let json = serde_json::to_string_pretty(&plan).context("cannot serialize the plan")?;
        println!("{json}");
        if refs.is_empty() {
            let _ = writeln!(
                log,
                "scanlens: no scan requested (message from {})",
                message.source
            );
        }
        return Ok(crate::exit::OK);
    }
    if refs.is_empty() {
        let _ = writeln!(
            log,
            "scanlens: no scan requested (no `::image` tag in the commit message from {})",
            message.source
        );
        return Ok(crate::exit::OK);
    }
    let out = args
        .out
        .as_deref()
        .context("--out DIR is required to scan; add --out reports (or use --dry-run)")?;

    let opts = options(args);
    let _ = writeln!(
        log,
        "scanlens: {} image{} from the commit message ({}): {}",
        plan.images.len(),
        if plan.images.len() == 1 { "" } else { "s" },
        message.source,
        plan.images
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut codes = Vec::new();
    let mut errors = 0;
    for image in &plan.images {
        let dir = out.join(image.image.dir_name());
        match scan_one(image, &opts, &policy, args, &dir, runner, log) {
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

fn scan_one(
    image: &plan::PlannedImage,
    opts: &Options,
    policy: &scanlens_model::gate::GatePolicy,
    args: &ScanArgs,
    dir: &Path,
    runner: &dyn Runner,
    log: &mut dyn Write,
) -> anyhow::Result<u8> {
    let raw = scan::scan_image(image, opts, runner, log)?;
    let mut builder = ReportBuilder::new(crate::GENERATOR);
    for (name, bytes) in &raw.files {
        crate::input::add(&mut builder, Path::new(name), name, bytes).context(
            "trivy wrote a report scanlens cannot read; check the trivy version (0.50 or newer)",
        )?;
    }
    let mut report = builder.finish();
    let verdict = policy.apply(&mut report);
    let sarif = crate::sarif::file_for(&report, args.sarif);
    let mut extra: Vec<(&str, &[u8])> = raw.files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    extra.extend(crate::sarif::extra(&sarif));
    super::render::render_report_with(&report, dir, &extra)?;
    super::render::print_outcome(&report, dir);
    Ok(super::render::exit_code(&args.gate, verdict.failed))
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
        timeout: args.timeout.clone(),
    }
}

/// Two references such as `a/app:1` and `b/app:1` would write the same folder.
fn check_distinct_outputs(plan: &plan::Plan) -> anyhow::Result<()> {
    let mut seen: Vec<(String, &str)> = Vec::new();
    for i in &plan.images {
        let d = i.image.dir_name();
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
