//! `report.sarif` (with `--sarif`): SARIF 2.1.0 for GitHub code scanning (`crate::sarif`). When
//! GitHub's limits leave something out, the note saying so is returned for the command to print.

use super::{Note, RenderContext, Renderer, Work};
use std::sync::{Arc, OnceLock};

pub struct SarifFile<'c> {
    /// The run's category (`crate::sarif::category`).
    pub category: &'c str,
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
            let sarif = crate::sarif::render(ctx.report, self.category);
            if let Some(n) = sarif.note() {
                let _ = made.set(n);
            }
            std::fs::write(ctx.dir.join(crate::sarif::FILE), &sarif.bytes)
        });
        Ok(Work::parts(vec![task], move || Ok(note.get().cloned())))
    }
}
