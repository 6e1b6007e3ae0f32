//! Which renderers a report folder gets: the four files every report has, `report.sarif` with
//! `--sarif`, and the raw Trivy JSON only `scan` has. `render` and `scan` both build their list
//! here, so the two commands cannot drift apart.

use super::{FindingsNdjson, IndexHtml, Renderer, ReportJson, SarifFile, SummaryMd, TrivyFile};
use scanlens_model::Severity;

/// What a command asks for beyond the four files every report folder has.
#[derive(Default)]
pub struct Outputs<'a> {
    /// `--sarif`: the category of the SARIF run.
    pub sarif: Option<&'a str>,
    /// Trivy's own JSON files, as `scan` got them (name, bytes); empty for `render`.
    pub trivy_files: &'a [(&'static str, Vec<u8>)],
    /// `--sarif-severity`: the severities report.sarif holds; empty for all.
    pub sarif_severities: &'a [Severity],
}

impl<'a> Outputs<'a> {
    /// The renderers, in the order their work starts: the page first (one long task that
    /// streams while the other cores make the parts of report.json and findings.ndjson), the
    /// small files last.
    pub fn renderers(&self) -> Vec<Box<dyn Renderer + 'a>> {
        let mut list: Vec<Box<dyn Renderer + 'a>> = vec![
            Box::new(IndexHtml),
            Box::new(ReportJson),
            Box::new(FindingsNdjson),
            Box::new(SummaryMd),
        ];
        if let Some(category) = self.sarif {
            list.push(Box::new(SarifFile {
                category,
                severities: self.sarif_severities,
            }));
        }
        for (name, bytes) in self.trivy_files {
            list.push(Box::new(TrivyFile { name, bytes }));
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(outputs: &Outputs) -> Vec<String> {
        let mut names: Vec<String> = outputs
            .renderers()
            .iter()
            .map(|r| r.name().to_string())
            .collect();
        names.sort();
        names
    }

    fn raw() -> Vec<(&'static str, Vec<u8>)> {
        vec![
            (crate::scan::IMAGE_JSON, b"{}".to_vec()),
            (crate::scan::CONFIG_JSON, b"{}".to_vec()),
        ]
    }

    #[test]
    fn each_command_gets_exactly_its_files() {
        let render = Outputs::default();
        assert_eq!(
            names(&render),
            ["findings.ndjson", "index.html", "report.json", "summary.md"]
        );
        let render_sarif = Outputs {
            sarif: Some("scanlens/app/"),
            ..Outputs::default()
        };
        assert_eq!(
            names(&render_sarif),
            [
                "findings.ndjson",
                "index.html",
                "report.json",
                "report.sarif",
                "summary.md"
            ]
        );
        let raw = raw();
        let scan = Outputs {
            sarif: None,
            trivy_files: &raw,
            ..Outputs::default()
        };
        assert_eq!(
            names(&scan),
            [
                "findings.ndjson",
                "index.html",
                "report.json",
                "summary.md",
                "trivy-config.json",
                "trivy-image.json"
            ]
        );
        let scan_sarif = Outputs {
            sarif: Some("scanlens/app/"),
            trivy_files: &raw,
            ..Outputs::default()
        };
        assert_eq!(
            names(&scan_sarif),
            [
                "findings.ndjson",
                "index.html",
                "report.json",
                "report.sarif",
                "summary.md",
                "trivy-config.json",
                "trivy-image.json"
            ]
        );
    }

    /// A renderer's name is the file it writes, and it writes nothing else.
    #[test]
    fn each_renderer_writes_the_file_it_names() {
        let mut b = scanlens_model::ReportBuilder::new("t");
        let doc = r#"{"SchemaVersion":2,"ArtifactName":"app:1","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"HIGH"}]}]}"#;
        b.add("x", scanlens_model::parse(doc.as_bytes()).unwrap());
        let report = b.finish();
        let raw = raw();
        let outputs = Outputs {
            sarif: Some("scanlens/app/"),
            trivy_files: &raw,
            ..Outputs::default()
        };
        let tmp = tempfile::tempdir().unwrap();
        for renderer in outputs.renderers() {
            let out = tmp.path().join(renderer.name());
            super::super::write(&report, &out, std::slice::from_ref(&renderer)).unwrap();
            let written: Vec<String> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(written, [renderer.name()]);
        }
    }
}
