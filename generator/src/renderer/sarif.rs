//! `report.sarif` (with `--sarif`): SARIF 2.1.0 for GitHub code scanning (`crate::sarif`). When
//! GitHub's limits leave something out, the note saying so is returned for the command to print.

use super::{Note, RenderContext, Renderer, Work};
use std::sync::{Arc, OnceLock};

pub struct SarifFile<'c> {
    /// The run's category (`crate::sarif::category`).
    pub category: &'c str,
    /// `--sarif-severity`: only findings at these severities; empty for all.
    pub severities: &'c [scanlens_model::Severity],
}

impl Renderer for SarifFile<'_> {
    fn name(&self) -> &str {
        crate::sarif::FILE
    }

    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>> {
        // The task makes the note; the last step, which runs after it, hands it on.
        let note: Arc<OnceLock<Note>> = Arc::default();
        let made = Arc::clone(&note);
        let task: crate::output::Task = Box::new(move || {
            let sarif = if self.severities.is_empty() {
                crate::sarif::render(ctx.report, self.category)
            } else {
                // A copy that holds only those findings; every other file keeps them all.
                let mut scoped = ctx.report.without_findings();
                scoped.findings = ctx
                    .report
                    .findings
                    .iter()
                    .filter(|f| self.severities.contains(&f.severity))
                    .cloned()
                    .collect();
                crate::sarif::render(&scoped, self.category)
            };
            if let Some(n) = sarif.note() {
                let _ = made.set(n);
            }
            std::fs::write(ctx.dir.join(crate::sarif::FILE), &sarif.bytes)
        });
        Ok(Work::new(vec![task], move || Ok(note.get().cloned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's limit shows up as a note handed back to the command, not as output of its own.
    #[test]
    fn what_the_limits_left_out_comes_back_as_a_note() {
        let n = crate::sarif::MAX_RESULTS + 1;
        let vulns: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"VulnerabilityID":"CVE-{i}","PkgName":"p","Severity":"LOW"}}"#))
            .collect();
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"app:1","Results":[{{"Target":"t","Vulnerabilities":[{}]}}]}}"#,
            vulns.join(",")
        );
        let mut b = scanlens_model::ReportBuilder::new("t");
        b.add("x", scanlens_model::parse(doc.as_bytes()).unwrap());
        let report = b.finish();
        let tmp = tempfile::tempdir().unwrap();
        let renderers: Vec<Box<dyn Renderer>> = vec![Box::new(SarifFile {
            category: "scanlens/app/",
            severities: &[],
        })];
        let notes = super::super::write(&report, &tmp.path().join("out"), &renderers).unwrap();
        assert_eq!(
            notes,
            [format!(
                "report.sarif: kept the 5000 most severe of {n} findings (GitHub's limit is 5000 results)"
            )]
        );
        let few = super::super::write(
            &report.without_findings(),
            &tmp.path().join("few"),
            &renderers,
        );
        assert!(few.unwrap().is_empty());
    }
}
