//! `findings.ndjson`: one flat row per finding (`model::flat`), for `scanlens query` and for
//! tools that read a line at a time; made in parts on every core and written in order.

use super::parts::parts;
use super::{RenderContext, Renderer, Work};
use crate::output::{OrderedFile, Task};
use std::sync::Arc;

/// The file's name in a report folder.
pub const FILE: &str = "findings.ndjson";

pub struct FindingsNdjson;

impl Renderer for FindingsNdjson {
    fn name(&self) -> &str {
        FILE
    }

    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>> {
        let file = Arc::new(OrderedFile::create(&ctx.dir.join(FILE))?);
        let rows = Arc::new(scanlens_model::flat::Rows::new(ctx.report));
        let tasks: Vec<Task> = parts(&ctx.report.findings)
            .into_iter()
            .enumerate()
            .map(|(i, part)| -> Task {
                let file = Arc::clone(&file);
                let rows = Arc::clone(&rows);
                Box::new(move || {
                    let mut buf = file.buffer();
                    for f in part {
                        crate::json::write(&mut buf, &rows.row(f))?;
                        buf.push(b'\n');
                    }
                    file.put(i, buf)
                })
            })
            .collect();
        let count = tasks.len();
        Ok(Work::new(tasks, move || file.finish(count).map(|()| None)))
    }
}
