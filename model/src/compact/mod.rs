//! The compact form of a report that `index.html` embeds for the viewer.
//!
//! A CVE found in many packages, images or targets carries the same advisory text each time; in
//! large reports that text is most of the bytes. The compact form stores each distinct advisory
//! once and lets every finding point at it; packages, layers, check and secret details,
//! fingerprints and target names are stored once each too. It holds exactly the information of
//! the [`Report`]: [`Dataset::to_report`] gives back the original.
//!
//! - `schema.rs`: the wire form, declared once (the dataset types, the writer's views and the
//!   reader's keys all come from it);
//! - `write.rs`: the page data written straight from a [`Report`];
//! - `decode.rs`: the viewer's small reader of it;
//! - this file: [`Dataset`], the form the viewer works on.

pub mod decode;
mod schema;
mod write;

pub use schema::{Advisory, IsEmpty, Occurrence};
pub use write::{wire, write_json, Wire};

use crate::report::*;

impl Advisory {
    /// The highest CVSS score any source gave.
    pub fn max_cvss(&self) -> Option<f64> {
        max_cvss(&self.cvss)
    }
}

impl Occurrence {
    /// Same meaning as [`Finding::is_fixable`].
    pub fn is_fixable(&self) -> bool {
        fix_available(self.kind, self.status.as_deref(), self.package.as_deref())
    }

    /// Same meaning as [`Finding::is_unfixed`] (Trivy's `--ignore-unfixed`).
    pub fn is_unfixed(&self) -> bool {
        self.kind == Kind::Vulnerability && !self.is_fixable()
    }

    /// Same meaning as [`Finding::is_counted`].
    pub fn is_counted(&self) -> bool {
        is_counted(self.kind, self.status.as_deref(), self.suppressed.is_some())
    }

    pub fn package_name(&self) -> &str {
        self.package.as_ref().map_or("", |p| p.name.as_str())
    }
}

/// A report with its advisories stored once. `report.findings` is empty; `findings` holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub report: Report,
    pub advisories: Vec<Advisory>,
    pub findings: Vec<Occurrence>,
}

impl Dataset {
    pub fn from_report(report: &Report) -> Dataset {
        let mut seen = write::Interned::new();
        let findings = report
            .findings
            .iter()
            .map(|f| Occurrence::of(f, seen.add(write::AdvKey(f))))
            .collect();
        Dataset {
            report: report.without_findings(),
            advisories: seen.items.iter().map(|k| Advisory::of(k.0)).collect(),
            findings,
        }
    }

    /// The advisory of finding `i`; a default one if the index is out of range (corrupt data
    /// degrades to empty fields rather than a panic).
    pub fn advisory(&self, i: usize) -> &Advisory {
        static EMPTY: std::sync::OnceLock<Advisory> = std::sync::OnceLock::new();
        self.findings
            .get(i)
            .and_then(|o| self.advisories.get(o.advisory as usize))
            .unwrap_or_else(|| EMPTY.get_or_init(Advisory::default))
    }

    /// Finding `i` as a full [`Finding`].
    pub fn finding(&self, i: usize) -> Finding {
        let mut f = Finding::default();
        self.findings[i].fill(&mut f);
        self.advisory(i).fill(&mut f);
        f
    }

    pub fn to_report(&self) -> Report {
        let mut r = self.report.clone();
        r.findings = (0..self.findings.len()).map(|i| self.finding(i)).collect();
        r
    }

    /// Checks that every advisory index is in range, so the viewer can trust the data.
    pub fn validate(&self) -> Result<(), String> {
        match self
            .findings
            .iter()
            .position(|o| o.advisory as usize >= self.advisories.len())
        {
            Some(i) => Err(format!(
                "finding {i} refers to advisory {} of {}",
                self.findings[i].advisory,
                self.advisories.len()
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
