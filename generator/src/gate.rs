//! Turns the gate's command-line options into the model's [`GatePolicy`].

use crate::cli::GateArgs;
use crate::exit::Usage;
use anyhow::Context;
use scanlens_model::gate::{GatePolicy, PkgType};
use scanlens_model::ignore::IgnoreRule;
use scanlens_model::report::VULN_STATUSES;
use scanlens_model::{GateResult, Kind, Severity};
use std::path::Path;

pub fn policy(args: &GateArgs) -> anyhow::Result<GatePolicy> {
    let mut fail_on = fail_severities("--fail-on", &args.fail_on)?;
    let mut scope = severities("--severity", &args.severity)?;
    if scope.len() == Severity::ALL.len() {
        // Every severity (trivy-action's default `severity`) is no scope at all.
        scope.clear();
    }
    // Trivy's `--exit-code N` alone fails on any finding it shows (those at `--severity`): the
    // same command line means the same gate here.
    let other_rule = args.fail_on_kev || args.fail_on_epss.is_some();
    if fail_on.is_empty() && !other_rule && args.exit_code.is_some_and(|c| c != crate::exit::OK) {
        fail_on = if scope.is_empty() {
            Severity::ALL.to_vec()
        } else {
            scope.clone()
        };
    }
    let mut pkg_types = Vec::new();
    for t in args.pkg_types.iter().filter(|s| !s.trim().is_empty()) {
        match PkgType::from_name(t) {
            Some(p) => pkg_types.push(p),
            None => {
                return Err(Usage(format!(
                    "--pkg-types: unknown package type `{t}`; use os or library"
                ))
                .into())
            }
        }
    }
    let ignore_statuses = statuses(&args.ignore_status)?;
    let ignore_unfixed = args.ignore_unfixed && ignore_statuses.is_empty();
    if args.ignore_unfixed && !ignore_unfixed {
        eprintln!("scanlens: warning: --ignore-unfixed is ignored because --ignore-status is given, as in Trivy");
    }
    // Trivy checks `--ignored-licenses` before the ignore file, so a license both name is
    // attributed to the option, as Trivy's suppressed findings say.
    let mut ignore: Vec<IgnoreRule> = args
        .ignored_licenses
        .iter()
        .filter(|name| !name.is_empty())
        .map(|name| IgnoreRule {
            id: name.clone(),
            kind: Some(Kind::License),
            paths: Vec::new(),
            purls: Vec::new(),
            expires: None,
            statement: String::new(),
            origin: "--ignored-licenses".into(),
        })
        .collect();
    for path in &args.ignorefile {
        ignore.extend(
            crate::ignorefile::read(path)
                .with_context(|| format!("--ignorefile {}", path.display()))?,
        );
    }
    Ok(GatePolicy {
        fail_on,
        severities: scope,
        ignore_unfixed,
        ignore_statuses,
        pkg_types,
        ignore,
        now: now(),
        fail_on_kev: args.fail_on_kev,
        fail_on_epss: args.fail_on_epss,
        fail_on_eol: args.exit_on_eol.is_some_and(|c| c != crate::exit::OK),
        glob_work: Default::default(),
    })
}

/// `--ignore-status`: Trivy's status names, comma-separated, each exactly as Trivy spells it
/// (lower case, no spaces), as Trivy's flag takes them; an empty value is no status at all, as in
/// Trivy. Anything else is a wrong command line (exit 2), where Trivy stops too.
fn statuses(names: &[String]) -> anyhow::Result<Vec<&'static str>> {
    if let [only] = names {
        if only.is_empty() {
            return Ok(Vec::new());
        }
    }
    let mut list = Vec::new();
    for s in names {
        match VULN_STATUSES.iter().find(|k| **k == s.as_str()) {
            Some(k) if !list.contains(k) => list.push(*k),
            Some(_) => {}
            None => {
                return Err(Usage(format!(
                    "--ignore-status: unknown status `{s}`; use {}, comma-separated, as Trivy spells them",
                    VULN_STATUSES.join(", ")
                ))
                .into())
            }
        }
    }
    Ok(list)
}

/// The ignore file Trivy reads by itself: without `--ignorefile`, `trivy image` and `trivy
/// convert` apply `./.trivyignore` when there is one (and a `.trivyignore.yaml` only when named:
/// checked against trivy 0.76). `gate` with it added when none is named, and a notice for each
/// file found in `workdir`, applied or not.
pub fn with_trivys_own_ignorefile(gate: &GateArgs, workdir: &Path) -> (GateArgs, Vec<String>) {
    let mut gate = gate.clone();
    let mut notices = Vec::new();
    if gate.ignorefile.is_empty() {
        let path = workdir.join(".trivyignore");
        if path.is_file() {
            notices.push(format!(
                "applying {} as gate exclusions, as trivy would; what it ignores stays in the report, marked (pass --ignorefile to choose other files)",
                path.display()
            ));
            gate.ignorefile.push(path);
        }
        for name in [".trivyignore.yaml", ".trivyignore.yml"] {
            let path = workdir.join(name);
            if path.is_file() {
                notices.push(format!(
                    "{} is not applied: trivy reads only ./.trivyignore by itself; pass --ignorefile {} to apply it",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    (gate, notices)
}

/// The process's exit code for a verdict: `--exit-code` (1 by default) when the gate failed.
pub fn exit_code(args: &GateArgs, verdict: &GateResult) -> u8 {
    if verdict.tripped().contains(&scanlens_model::GateRule::Eol) {
        // Trivy checks the OS's end of life before the findings, and exits with its code.
        return args.exit_on_eol.unwrap_or(crate::exit::GATE);
    }
    if verdict.failed {
        args.exit_code.unwrap_or(crate::exit::GATE)
    } else {
        crate::exit::OK
    }
}

/// Applies `policy` to `report`, refusing the run when matching the ignore files' paths ran out of
/// its budget: a verdict with rules that gave up could pass what Trivy would fail.
pub fn apply(
    policy: &GatePolicy,
    report: &mut scanlens_model::Report,
) -> anyhow::Result<scanlens_model::GateResult> {
    let verdict = policy.apply(report);
    if policy.ignore_work_spent() {
        anyhow::bail!(
            "the ignore files' `paths` patterns took more than {} steps to match this report's findings; simplify them (fewer `{{a,b}}` alternatives and `*`s in one pattern, fewer patterns per rule)",
            scanlens_model::glob::RUN_BUDGET
        );
    }
    Ok(verdict)
}

/// A list of severity names (`CRITICAL,high`), each once, in the order given; empty entries
/// (a trailing comma, an empty CI input) are skipped. An unknown name is a wrong command line
/// (exit 2), as clap's own value errors are.
pub fn severities(flag: &str, names: &[String]) -> anyhow::Result<Vec<Severity>> {
    let mut list = Vec::new();
    for s in names.iter().filter(|s| !s.trim().is_empty()) {
        match Severity::from_name(s) {
            Some(sev) if !list.contains(&sev) => list.push(sev),
            Some(_) => {}
            None => {
                return Err(Usage(format!(
                    "{flag}: unknown severity `{s}`; use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN"
                ))
                .into())
            }
        }
    }
    Ok(list)
}

/// The severities a gate fails on. Given but empty (`--fail-on "$SEVERITIES"` with the variable
/// unset) is refused: it would pass every build.
pub fn fail_severities(flag: &str, names: &[String]) -> anyhow::Result<Vec<Severity>> {
    let list = severities(flag, names)?;
    if !names.is_empty() && list.is_empty() {
        return Err(Usage(format!(
            "{flag} is empty; name the severities that fail ({flag} HIGH,CRITICAL), or leave the option out for no gate"
        ))
        .into());
    }
    Ok(list)
}

/// The gate's part of the line `render` and `scan` end with: which rules tripped, with their
/// counts (`; gate failed: 2 finding(s) at CRITICAL, HIGH, 1 in CISA's KEV catalog (--fail-on-kev)`), or that it passed.
pub fn outcome(gate: Option<&GateResult>) -> String {
    match gate {
        Some(g) if g.failed || g.has_rules() => {
            format!("; {}", scanlens_model::present::gate_verdict(g))
        }
        _ => String::new(),
    }
}

/// Now, in seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
