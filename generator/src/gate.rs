//! Turns the gate's command-line options into the model's [`GatePolicy`].

use crate::cli::GateArgs;
use anyhow::{bail, Context};
use scanlens_model::gate::{GatePolicy, PkgType};
use scanlens_model::Severity;

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
        today: today(),
    })
}

/// Today's UTC date as `YYYY-MM-DD`, without pulling in a date library for one line.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
