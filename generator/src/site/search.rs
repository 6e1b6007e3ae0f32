//! What the index page's search finds in an image: each counted finding of its newest scan as
//! ID, aliases, package, installed version and severity, so that a match can say which package
//! and version carry the ID in that image.

use scanlens_model::{Report, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
            version: f.installed_version().to_string(),
            aliases: f.aliases.to_vec(),
        })
        .collect();
    set.into_iter().collect()
}

/// The words of an image the page's search data does not hold: its name and, for a site written
/// before hits were kept, the scan's `terms`. Lowercase.
pub fn haystack(name: &str, terms: &[String]) -> String {
    let mut s = name.to_string();
    for t in terms {
        s.push(' ');
        s.push_str(t);
    }
    s.to_lowercase()
}

/// One package version and its findings as the page carries them:
/// `[package, version, [[severity, id, [aliases]], ...]]`, severity as its rank (0 critical).
type Group<'a> = (&'a str, &'a str, Vec<Found<'a>>);
/// `[severity rank, id, [aliases]]`.
type Found<'a> = (usize, &'a str, &'a [String]);

/// The hits of every row of the index page, in row order, as JSON for a `<script
/// type="application/json">` block: grouped by package version, so a package's name and version
/// are written once, and with every `<` written as `\u003c`, so no `</script>` or `<!--` can
/// occur (in JSON a `<` stands only inside strings, where the escape means the same).
pub fn page_data(rows: &[&[Hit]]) -> String {
    let data: Vec<Vec<Group>> = rows
        .iter()
        .map(|hits| {
            let mut groups: BTreeMap<(&str, &str), Vec<Found>> = BTreeMap::new();
            for h in hits.iter() {
                groups
                    .entry((h.package.as_str(), h.version.as_str()))
                    .or_default()
                    .push((h.severity as usize, h.id.as_str(), h.aliases.as_slice()));
            }
            groups
                .into_iter()
                .map(|((package, version), findings)| (package, version, findings))
                .collect()
        })
        .collect();
    serde_json::to_string(&data)
        .expect("strings and numbers serialize")
        .replace('<', "\\u003c")
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
        assert_eq!(
            page_data(&[&h, &[]]),
            r#"[[["openssl","1.1",[[2,"CVE-1",[]]]],["zlib","1.2",[[0,"CVE-2",[]]]]],[]]"#
        );
        assert_eq!(haystack("Alpine", &["CVE-9".into()]), "alpine cve-9");
    }

    #[test]
    fn page_data_cannot_end_its_script_block() {
        let report = report_with(&[("</script><!--", "<b>", "1", "HIGH", "a")]);
        let data = page_data(&[&hits(&report)]);
        assert!(!data.contains('<'), "{data}");
        let back: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(back[0][0][0], "<b>");
        assert_eq!(back[0][0][2][0][1], "</script><!--");
    }
}
