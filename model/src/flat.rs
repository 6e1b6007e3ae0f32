//! `findings.ndjson`: one flat row per finding, for engines that query a prefix of files
//! (Athena, DuckDB, ClickHouse, Spark) and for `scanlens query`.
//!
//! Columns are scalars only, named in snake_case, and stable: adding a column is compatible,
//! renaming one is a breaking change listed in the CHANGELOG.

use crate::report::{Finding, Report};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlatFinding {
    /// The scanned artifact, e.g. `mysql:latest`.
    pub image: String,
    /// The commit that triggered the scan, when known. (Not `commit`: that is a reserved word
    /// in SQLite, Athena and most SQL engines.)
    pub commit_sha: Option<String>,
    /// When Trivy scanned (RFC 3339).
    pub scanned_at: Option<String>,
    /// `vulnerability`, `misconfiguration`, `secret` or `license`.
    pub kind: String,
    pub id: String,
    pub severity: String,
    pub package: Option<String>,
    pub installed_version: Option<String>,
    pub fixed_version: Option<String>,
    pub status: Option<String>,
    pub target: String,
    pub class: Option<String>,
    pub title: Option<String>,
    /// The highest CVSS score any source gave.
    pub cvss: Option<f64>,
    pub purl: Option<String>,
    pub published_date: Option<String>,
    /// Trivy suppressed it (VEX or ignore rules); not counted in the summary.
    pub suppressed: bool,
    /// The gate's filters left it out of the verdict.
    pub excluded: bool,
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

pub fn flatten(report: &Report) -> impl Iterator<Item = FlatFinding> + '_ {
    report.findings.iter().map(move |f| flat(report, f))
}

/// The row of finding `f` of `report`.
pub fn flat(report: &Report, f: &Finding) -> FlatFinding {
    let commit = report.commit.as_deref();
    let artifact = report.artifacts.get(f.artifact as usize);
    let pkg = f.package.as_ref();
    FlatFinding {
        image: artifact.map(|a| a.name.clone()).unwrap_or_default(),
        commit_sha: commit
            .map(str::to_string)
            .or_else(|| artifact.and_then(|a| a.commit.clone())),
        scanned_at: artifact.and_then(|a| a.scanned_at.clone()),
        kind: f.kind.as_str().to_string(),
        id: f.id.clone(),
        severity: f.severity.as_str().to_string(),
        package: pkg.and_then(|p| some(&p.name)),
        installed_version: pkg.and_then(|p| some(&p.installed_version)),
        fixed_version: pkg.and_then(|p| some(&p.fixed_version)),
        status: f.status.clone(),
        target: f.target.clone(),
        class: some(&f.class),
        title: some(&f.title),
        cvss: f.max_cvss(),
        purl: pkg.and_then(|p| p.purl.clone()),
        published_date: f.published_date.clone(),
        suppressed: f.suppressed.is_some(),
        excluded: f.excluded.is_some(),
    }
}
