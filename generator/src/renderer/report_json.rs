//! `report.json`: the normalized report, made in parts on every core and written in order.
//!
//! The bytes are exactly those of one `serde_json` pass: the report without its findings is cut
//! inside its empty `"findings":[]`, and the parts fill the gap.

use super::parts::parts;
use super::{RenderContext, Renderer, Work};
use crate::output::{OrderedFile, Task};
use scanlens_model::Report;
use std::sync::Arc;

/// The file's name in a report folder.
pub const FILE: &str = "report.json";

pub struct ReportJson;

impl Renderer for ReportJson {
    fn name(&self) -> &str {
        FILE
    }

    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>> {
        let file = Arc::new(OrderedFile::create(&ctx.dir.join(FILE))?);
        let (head, tail) = json_ends(ctx.report)?;
        let (mut head, mut tail) = (Some(head), Some(tail));
        let parts = parts(&ctx.report.findings);
        let last = parts.len() - 1;
        let tasks: Vec<Task> = parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| -> Task {
                let file = Arc::clone(&file);
                let head = if i == 0 { head.take() } else { None };
                let tail = if i == last { tail.take() } else { None };
                Box::new(move || {
                    let mut buf = file.buffer();
                    if let Some(head) = head {
                        buf.extend_from_slice(&head);
                    }
                    for (k, f) in part.iter().enumerate() {
                        if i > 0 || k > 0 {
                            buf.push(b',');
                        }
                        crate::json::write(&mut buf, f)?;
                    }
                    if let Some(tail) = tail {
                        buf.extend_from_slice(&tail);
                    }
                    file.put(i, buf)
                })
            })
            .collect();
        let count = tasks.len();
        Ok(Work::new(tasks, move || file.finish(count).map(|()| None)))
    }
}

/// `report.json` before its first finding and after its last: the report serialized without
/// findings, cut inside its empty `"findings":[]`.
fn json_ends(report: &Report) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut head = crate::json::to_vec(&report.without_findings())?;
    // Only the top level has a `findings` key, and a quote inside a string is escaped, so this
    // occurs exactly once.
    const EMPTY: &[u8] = b"\"findings\":[]";
    let at = head
        .windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .ok_or_else(|| std::io::Error::other("report.json has no findings key"))?;
    let tail = head.split_off(at + EMPTY.len() - 1);
    Ok((head, tail))
}
