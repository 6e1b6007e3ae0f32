//! The compact form of a report that `index.html` embeds for the viewer.
//!
//! A CVE found in many packages, images or targets carries the same advisory text each time; in
//! large reports the advisory text (description, CVSS, references) is most of the bytes. The
//! compact form stores each distinct advisory once and lets every finding point at it, so the
//! embedded data stays small and the viewer parses it fast. It holds exactly the information of
//! the [`Report`]: [`Dataset::to_report`] gives back the original.

use crate::report::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The part of a finding that is the same wherever the same advisory is found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vendor_severity: BTreeMap<String, Severity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cvss: BTreeMap<String, Cvss>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<DataSource>,
}

impl Advisory {
    /// The highest CVSS score any source gave.
    pub fn max_cvss(&self) -> Option<f64> {
        self.cvss
            .values()
            .filter_map(Cvss::best_score)
            .fold(None, |acc, s| Some(acc.map_or(s, |a: f64| a.max(s))))
    }
}

/// The part of a finding that belongs to this one occurrence; `advisory` indexes
/// [`Dataset::advisories`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Occurrence {
    #[serde(rename = "a")]
    pub advisory: u32,
    pub kind: Kind,
    pub id: String,
    pub severity: Severity,
    pub artifact: u32,
    pub target: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(default, skip_serializing_if = "String::is_empty", rename = "type")]
    pub target_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misconfiguration: Option<MisconfDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
}

impl Occurrence {
    /// Same meaning as [`Finding::is_fixable`].
    pub fn is_fixable(&self) -> bool {
        self.package
            .as_ref()
            .is_some_and(|p| !p.fixed_version.trim().is_empty())
    }

    /// Same meaning as [`Finding::is_unfixed`] (Trivy's `--ignore-unfixed`).
    pub fn is_unfixed(&self) -> bool {
        self.kind == Kind::Vulnerability
            && matches!(
                self.status.as_deref(),
                Some("affected" | "will_not_fix" | "fix_deferred" | "end_of_life")
            )
    }

    /// Same meaning as [`Finding::is_counted`].
    pub fn is_counted(&self) -> bool {
        if self.suppressed.is_some() {
            return false;
        }
        match self.kind {
            Kind::Misconfiguration => self.status.as_deref() == Some("FAIL"),
            _ => true,
        }
    }

    pub fn package_name(&self) -> &str {
        self.package.as_ref().map_or("", |p| p.name.as_str())
    }
}

/// A report with its advisories stored once. `report.findings` is empty; `findings` holds them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub report: Report,
    pub advisories: Vec<Advisory>,
    pub findings: Vec<Occurrence>,
}

impl Dataset {
    pub fn from_report(report: &Report) -> Dataset {
        let mut advisories: Vec<Advisory> = Vec::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut findings = Vec::with_capacity(report.findings.len());
        for f in &report.findings {
            let adv = Advisory {
                aliases: f.aliases.clone(),
                title: f.title.clone(),
                description: f.description.clone(),
                severity_source: f.severity_source.clone(),
                vendor_severity: f.vendor_severity.clone(),
                cvss: f.cvss.clone(),
                cwe_ids: f.cwe_ids.clone(),
                primary_url: f.primary_url.clone(),
                references: f.references.clone(),
                published_date: f.published_date.clone(),
                last_modified_date: f.last_modified_date.clone(),
                data_source: f.data_source.clone(),
            };
            // The serialized form is the identity: equal JSON means equal advisory.
            let key = serde_json::to_string(&adv).expect("advisory serializes");
            let next = advisories.len() as u32;
            let idx = *seen.entry(key).or_insert_with(|| {
                advisories.push(adv);
                next
            });
            findings.push(Occurrence {
                advisory: idx,
                kind: f.kind,
                id: f.id.clone(),
                severity: f.severity,
                artifact: f.artifact,
                target: f.target.clone(),
                class: f.class.clone(),
                target_type: f.target_type.clone(),
                status: f.status.clone(),
                package: f.package.clone(),
                layer: f.layer.clone(),
                fingerprint: f.fingerprint.clone(),
                misconfiguration: f.misconfiguration.clone(),
                secret: f.secret.clone(),
                license: f.license.clone(),
                suppressed: f.suppressed.clone(),
                excluded: f.excluded.clone(),
            });
        }
        let mut head = report.clone();
        head.findings = Vec::new();
        Dataset {
            report: head,
            advisories,
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
        let o = &self.findings[i];
        let a = self.advisory(i).clone();
        Finding {
            kind: o.kind,
            id: o.id.clone(),
            severity: o.severity,
            artifact: o.artifact,
            target: o.target.clone(),
            class: o.class.clone(),
            target_type: o.target_type.clone(),
            aliases: a.aliases,
            title: a.title,
            description: a.description,
            status: o.status.clone(),
            package: o.package.clone(),
            severity_source: a.severity_source,
            vendor_severity: a.vendor_severity,
            cvss: a.cvss,
            cwe_ids: a.cwe_ids,
            primary_url: a.primary_url,
            references: a.references,
            published_date: a.published_date,
            last_modified_date: a.last_modified_date,
            data_source: a.data_source,
            layer: o.layer.clone(),
            fingerprint: o.fingerprint.clone(),
            misconfiguration: o.misconfiguration.clone(),
            secret: o.secret.clone(),
            license: o.license.clone(),
            suppressed: o.suppressed.clone(),
            excluded: o.excluded.clone(),
        }
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
mod tests {
    use super::*;

    fn finding(id: &str, pkg: &str, desc: &str) -> Finding {
        Finding {
            id: id.into(),
            target: "img (debian 12)".into(),
            description: desc.into(),
            title: "t".into(),
            package: Some(Package {
                name: pkg.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn round_trips_and_shares_advisories() {
        let report = Report {
            findings: vec![
                finding("CVE-1", "openssl", "same text"),
                finding("CVE-1", "libssl3", "same text"),
                finding("CVE-2", "zlib", "other text"),
            ],
            ..Default::default()
        };
        let ds = Dataset::from_report(&report);
        assert_eq!(ds.advisories.len(), 2);
        assert_eq!(ds.to_report(), report);
        let json = serde_json::to_string(&ds).unwrap();
        let back: Dataset = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_report(), report);
        assert!(back.validate().is_ok());
    }

    #[test]
    fn bad_advisory_index_is_reported() {
        let mut ds = Dataset::from_report(&Report {
            findings: vec![finding("CVE-1", "a", "x")],
            ..Default::default()
        });
        ds.findings[0].advisory = 7;
        assert!(ds.validate().is_err());
        assert_eq!(ds.advisory(0), &Advisory::default());
    }
}
