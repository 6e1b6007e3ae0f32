//! The raw Trivy JSON that `scan` keeps beside its report (`trivy-image.json`,
//! `trivy-config.json`), byte for byte as trivy wrote it, so the report can be checked against
//! its source.

use super::{RenderContext, Renderer, Work};

pub struct TrivyFile<'b> {
    pub name: &'static str,
    pub bytes: &'b [u8],
}

impl Renderer for TrivyFile<'_> {
    fn name(&self) -> &str {
        self.name
    }

    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>> {
        Ok(Work::task(move || {
            std::fs::write(ctx.dir.join(self.name), self.bytes)
        }))
    }
}
