//! How findings are cut into parts for the files made on several threads (`report.json`,
//! `findings.ndjson`): both cut the same way, so part `i` of each covers the same findings.

use scanlens_model::Finding;

/// Findings per part: parts of a few MB keep both cores busy to the end.
pub const PART: usize = 4096;

/// `findings` in parts of [`PART`]; always at least one part, so that a report without findings
/// still writes the start and end of its file.
pub fn parts(findings: &[Finding]) -> Vec<&[Finding]> {
    let mut parts: Vec<&[Finding]> = findings.chunks(PART).collect();
    if parts.is_empty() {
        parts.push(&[]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use scanlens_model::Report;

    fn report(n: usize) -> Report {
        let mut b = scanlens_model::ReportBuilder::new("t");
        let vulns: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"VulnerabilityID":"CVE-{i}","PkgName":"p{}","Severity":"HIGH","Title":"a \"t\" <x>","CVSS":{{"nvd":{{"V3Score":7.5}}}}}}"#,
                    i % 7
                )
            })
            .collect();
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"a","Results":[{{"Target":"t","Vulnerabilities":[{}]}}]}}"#,
            vulns.join(",")
        );
        b.add("x", scanlens_model::parse(doc.as_bytes()).unwrap());
        let mut r = b.finish();
        r.commit = Some("abc".into());
        r
    }

    #[test]
    fn parts_make_the_same_files_as_one_pass() {
        for n in [0, 1, PART, PART + 1, 3 * PART + 17] {
            let r = report(n);
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let renderers = crate::renderer::Outputs::default().renderers();
            crate::renderer::write(&r, &out, &renderers).unwrap();
            let json = std::fs::read(out.join("report.json")).unwrap();
            assert_eq!(json, serde_json::to_vec(&r).unwrap(), "{n} findings");
            let mut rows = Vec::new();
            for row in scanlens_model::flat::flatten(&r) {
                serde_json::to_writer(&mut rows, &row).unwrap();
                rows.push(b'\n');
            }
            assert_eq!(std::fs::read(out.join("findings.ndjson")).unwrap(), rows);
        }
    }
}
