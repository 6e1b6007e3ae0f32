//! What the index page's search finds in an image: each counted finding of its newest scan as
//! ID, aliases, package, installed version and severity, so that a match can say which package
//! and version carry the ID in that image.

use scanlens_model::{Report, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One advisory in one installed package (or one check or secret, without a package). The same
/// ID in the same package version in several targets is one hit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hit {
    pub severity: Severity,
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub package: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// The report's counted findings as hits, most severe first, then by ID.
pub fn hits(report: &Report) -> Vec<Hit> {
    let set: BTreeSet<Hit> = report
        .findings
        .iter()
        .filter(|f| f.is_counted())
        .map(|f| Hit {
            severity: f.severity,
            id: f.id.clone(),
            package: f.package_name().to_string(),
            version: f
                .package
                .as_ref()
                .map(|p| p.installed_version.clone())
                .unwrap_or_default(),
            aliases: f.aliases.to_vec(),
        })
        .collect();
    set.into_iter().collect()
}

/// The lowercase text a search word is looked for in: the image's name and every hit's ID,
/// aliases, package and version. Hits without search data (a site written before hits were
/// kept) fall back to the scan's `terms`.
pub fn haystack(name: &str, hits: &[Hit], terms: &[String]) -> String {
    let mut words: BTreeSet<&str> = BTreeSet::new();
    for h in hits {
        words.insert(&h.id);
        words.extend(h.aliases.iter().map(String::as_str));
        words.insert(&h.package);
        words.insert(&h.version);
    }
    words.extend(terms.iter().map(String::as_str));
    words.remove("");
    let mut s = name.to_string();
    for w in words {
        s.push(' ');
        s.push_str(w);
    }
    s.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report of (ID, package, version, severity, target) vulnerabilities.
    fn report_with(rows: &[(&str, &str, &str, &str, &str)]) -> Report {
        let results: Vec<String> = rows
            .iter()
            .map(|(id, pkg, ver, sev, target)| {
                format!(
                    r#"{{"Target":"{target}","Vulnerabilities":[{{"VulnerabilityID":"{id}","PkgName":"{pkg}","InstalledVersion":"{ver}","Severity":"{sev}"}}]}}"#
                )
            })
            .collect();
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"a","Results":[{}]}}"#,
            results.join(",")
        );
        let mut b = scanlens_model::ReportBuilder::new("t");
        b.add("x", scanlens_model::parse(doc.as_bytes()).unwrap());
        b.finish()
    }

    #[test]
    fn an_id_in_one_package_version_is_one_hit_most_severe_first() {
        let report = report_with(&[
            ("CVE-1", "openssl", "1.1", "MEDIUM", "a"),
            ("CVE-1", "openssl", "1.1", "MEDIUM", "b"),
            ("CVE-2", "zlib", "1.2", "CRITICAL", "a"),
        ]);
        let h = hits(&report);
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(
            (
                h[0].id.as_str(),
                h[0].package.as_str(),
                h[0].version.as_str()
            ),
            ("CVE-2", "zlib", "1.2")
        );
        assert_eq!(h[1].severity, Severity::Medium);
        let hay = haystack("Alpine", &h, &[]);
        assert_eq!(hay, "alpine 1.1 1.2 cve-1 cve-2 openssl zlib");
    }
}
