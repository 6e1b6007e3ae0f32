//! Turns the gate's command-line options into the model's [`GatePolicy`].

use crate::cli::GateArgs;
use anyhow::{bail, Context};
use scanlens_model::gate::{GatePolicy, PkgType};
use scanlens_model::{GateResult, Severity};

pub fn policy(args: &GateArgs) -> anyhow::Result<GatePolicy> {
    let mut fail_on = Vec::new();
    for s in args.fail_on.iter().filter(|s| !s.trim().is_empty()) {
        match Severity::from_name(s) {
            Some(sev) if !fail_on.contains(&sev) => fail_on.push(sev),
            Some(_) => {}
            None => bail!(
                "--fail-on: unknown severity `{s}`; use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN"
            ),
        }
    }
    let mut pkg_types = Vec::new();
    for t in args.pkg_types.iter().filter(|s| !s.trim().is_empty()) {
        match PkgType::from_name(t) {
            Some(p) => pkg_types.push(p),
            None => bail!("--pkg-types: unknown package type `{t}`; use os or library"),
        }
    }
    let mut ignore = Vec::new();
    for path in &args.ignorefile {
        ignore.extend(
            crate::ignorefile::read(path)
                .with_context(|| format!("--ignorefile {}", path.display()))?,
        );
    }
    Ok(GatePolicy {
        fail_on,
        ignore_unfixed: args.ignore_unfixed,
        pkg_types,
        ignore,
        now: now(),
        fail_on_kev: args.fail_on_kev,
        fail_on_epss: args.fail_on_epss,
    })
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
