//! `summary.md`: the Markdown summary (`crate::markdown`) for CI job summaries and comments.

use super::{RenderContext, Renderer, Work};

/// The file's name in a report folder.
pub const FILE: &str = "summary.md";

pub struct SummaryMd;

impl Renderer for SummaryMd {
    fn name(&self) -> &str {
        FILE
    }

    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>> {
        Ok(Work::task(move || {
            std::fs::write(ctx.dir.join(FILE), crate::markdown::render(ctx.report))
        }))
    }
}
