//! `findings.ndjson`: one flat row per finding, for engines that query a prefix of files
//! (Athena, DuckDB, ClickHouse, Spark) and for `scanlens query`.
//!
//! Columns are scalars only, named in snake_case, and stable: adding a column is compatible,
//! renaming one is a breaking change listed in the CHANGELOG.

use crate::report::{Finding, Report};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A column's SQL type, for engines that load the rows into a table (`scanlens query`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Real,
    Boolean,
}

/// One cell of a row, borrowed, as its column types it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(Option<&'a str>),
    Real(Option<f64>),
    Boolean(bool),
}

trait ToCell {
    const TYPE: ColumnType;
    /// The value can be null (`Option`): written as `null` in NDJSON, as an optional column in
    /// Parquet.
    const NULLABLE: bool;
    fn cell(&self) -> Cell<'_>;
}

impl ToCell for String {
    const TYPE: ColumnType = ColumnType::Text;
    const NULLABLE: bool = false;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(Some(self))
    }
}
impl ToCell for Option<String> {
    const TYPE: ColumnType = ColumnType::Text;
    const NULLABLE: bool = true;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self.as_deref())
    }
}
impl ToCell for Option<f64> {
    const TYPE: ColumnType = ColumnType::Real;
    const NULLABLE: bool = true;
    fn cell(&self) -> Cell<'_> {
        Cell::Real(*self)
    }
}
impl ToCell for bool {
    const TYPE: ColumnType = ColumnType::Boolean;
    const NULLABLE: bool = false;
    fn cell(&self) -> Cell<'_> {
        Cell::Boolean(*self)
    }
}

/// The row and its column list from one declaration: `findings.ndjson`'s keys, the columns of
/// `scanlens query`'s table, the Parquet schema and the order of its cells cannot drift apart.
macro_rules! flat_row {
    ($($(#[$attr:meta])* $field:ident: $ty:ty,)*) => {
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct FlatFinding {
            $($(#[$attr])* pub $field: $ty,)*
        }

        /// The columns, in the order of [`FlatFinding::cells`].
        pub const COLUMNS: &[(&str, ColumnType)] = &[$((stringify!($field), <$ty as ToCell>::TYPE),)*];

        /// Whether each column, in the order of [`COLUMNS`], can be null (the Parquet schema's
        /// optional columns).
        pub const NULLABLE: &[bool] = &[$(<$ty as ToCell>::NULLABLE,)*];

        impl FlatFinding {
            /// The row's cells, in the order of [`COLUMNS`].
            pub fn cells(&self) -> Vec<Cell<'_>> {
                vec![$(ToCell::cell(&self.$field),)*]
            }
        }
    };
}

flat_row! {
    /// The scanned artifact, e.g. `mysql:latest`.
    image: String,
    /// The commit that triggered the scan, when known. (Not `commit`: that is a reserved word
    /// in SQLite, Athena and most SQL engines.)
    commit_sha: Option<String>,
    /// When Trivy scanned (RFC 3339).
    scanned_at: Option<String>,
    /// `vulnerability`, `misconfiguration`, `secret` or `license`.
    kind: String,
    id: String,
    severity: String,
    package: Option<String>,
    installed_version: Option<String>,
    fixed_version: Option<String>,
    status: Option<String>,
    target: String,
    class: Option<String>,
    title: Option<String>,
    /// The highest CVSS score any source gave.
    cvss: Option<f64>,
    purl: Option<String>,
    published_date: Option<String>,
    /// Trivy suppressed it (VEX or ignore rules); not counted in the summary.
    suppressed: bool,
    /// The gate's filters left it out of the verdict.
    excluded: bool,
    /// In CISA's Known Exploited Vulnerabilities catalog (false when no catalog was given).
    /// Rows written before the column existed read as false.
    #[serde(default)]
    kev: bool,
    /// The EPSS score, the probability of exploitation in the next 30 days (null when not
    /// scored or no EPSS file was given).
    epss: Option<f64>,
    /// The version the fix plan upgrades this finding's package to, fixing it (`remediation` in
    /// report.json); null when no fix is listed or the ecosystem's version order is unknown.
    upgrade_to: Option<String>,
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

pub fn flatten(report: &Report) -> impl Iterator<Item = FlatFinding> + '_ {
    let rows = Rows::new(report);
    report.findings.iter().map(move |f| rows.row(f))
}

/// Makes the rows of one report: holds what a row needs beyond its finding (the fix plan, by
/// the finding it fixes), built once for all rows.
pub struct Rows<'a> {
    report: &'a Report,
    /// (target, package, installed version, result type, vulnerability ID) → upgrade.
    upgrades: HashMap<UpgradeKey<'a>, &'a str>,
}

type UpgradeKey<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

impl<'a> Rows<'a> {
    pub fn new(report: &'a Report) -> Self {
        let mut upgrades = HashMap::new();
        for r in &report.remediation {
            let Some(to) = r.upgrade_to.as_deref() else {
                continue;
            };
            for id in &r.fixes {
                let key = (
                    r.target.as_str(),
                    r.package.as_str(),
                    r.installed.as_str(),
                    r.target_type.as_str(),
                    id.as_str(),
                );
                upgrades.insert(key, to);
            }
        }
        Rows { report, upgrades }
    }

    /// The row of finding `f` of the report.
    pub fn row(&self, f: &Finding) -> FlatFinding {
        let report = self.report;
        let commit = report.commit.as_deref();
        let artifact = report.artifacts.get(f.artifact as usize);
        let pkg = f.package.as_ref();
        let upgrade_to = match pkg {
            Some(p) if f.is_fixable() && !self.upgrades.is_empty() => self
                .upgrades
                .get(&(
                    f.target.as_str(),
                    p.name.as_str(),
                    p.installed_version.as_str(),
                    f.target_type.as_str(),
                    f.id.as_str(),
                ))
                .map(|v| v.to_string()),
            _ => None,
        };
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
            kev: f.kev.listed().is_some(),
            epss: f.epss.listed().map(|e| e.score),
            upgrade_to,
        }
    }
}
