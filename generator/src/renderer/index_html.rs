//! `index.html`: the self-contained page (`crate::html`), streamed to disk by one task while the
//! other cores make the rest.

use super::{RenderContext, Renderer, Work};

/// The file's name in a report folder.
pub const FILE: &str = "index.html";

pub struct IndexHtml;

impl Renderer for IndexHtml {
    fn name(&self) -> &str {
        FILE
    }

    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>> {
        Ok(Work::task(move || {
            let file = std::fs::File::create(ctx.dir.join(FILE))?;
            let mut page = std::io::BufWriter::with_capacity(1 << 20, file);
            crate::html::write(ctx.report, &mut page)?;
            page.into_inner().map_err(|e| e.into_error())?;
            Ok(())
        }))
    }
}
