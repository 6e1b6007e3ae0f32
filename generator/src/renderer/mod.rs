//! Every file of a report folder is made by a [`Renderer`], and every renderer has one shape:
//! it names its file and, given the report and the folder being written, hands back its
//! [`Work`]: tasks for the shared list that runs on every core, and a last step that checks the
//! file is whole and may return a [`Note`] for the user.
//!
//! Renderers never print; the command that ran them prints their notes. The list a command gets
//! is built in one place ([`list`]) and run inside the one atomic directory write ([`run`]).
//! The shape follows mdBook's `Renderer` (a name and a render step over a shared context); work
//! is handed back rather than done, so that large files can be made in parts on several threads
//! while one core streams the page.

mod findings_ndjson;
mod index_html;
pub mod list;
mod parts;
mod report_json;
pub mod run;
mod sarif;
mod summary_md;
mod trivy_file;

pub use findings_ndjson::FindingsNdjson;
pub use index_html::IndexHtml;
pub use list::Outputs;
pub use report_json::ReportJson;
pub use run::write;
pub use sarif::SarifFile;
pub use summary_md::SummaryMd;
pub use trivy_file::TrivyFile;

use crate::output::Task;
use std::path::Path;

/// One output of a report folder.
///
/// `Sync` because the tasks it hands back borrow it from several threads.
pub trait Renderer: Sync {
    /// The file this renderer writes, relative to the report folder.
    fn name(&self) -> &str;

    /// The work of writing [`Renderer::name`] into `ctx.dir`. Anything cheap and needed by every
    /// task (creating the file, the parts of a report without its findings) may happen here;
    /// the rest belongs in the tasks, which run in parallel with every other renderer's.
    fn render<'a>(&'a self, ctx: RenderContext<'a>) -> std::io::Result<Work<'a>>;
}

/// What every renderer is given.
#[derive(Clone, Copy)]
pub struct RenderContext<'a> {
    pub report: &'a scanlens_model::Report,
    /// The temporary folder that becomes the report folder once every renderer is done.
    pub dir: &'a Path,
}

/// A line for the user about an output (without the `scanlens: ` prefix), such as why
/// `report.sarif` holds fewer results than the report.
pub type Note = String;

/// The last step of a renderer, run once every task of every renderer has succeeded.
pub type Finish<'a> = Box<dyn FnOnce() -> std::io::Result<Option<Note>> + 'a>;

/// A renderer's contribution to a run: its tasks, in the order they should start, and its last
/// step.
pub struct Work<'a> {
    pub tasks: Vec<Task<'a>>,
    pub finish: Option<Finish<'a>>,
}

impl<'a> Work<'a> {
    /// One task, nothing to check or say afterwards.
    pub fn task(task: impl FnOnce() -> std::io::Result<()> + Send + 'a) -> Self {
        Work {
            tasks: vec![Box::new(task)],
            finish: None,
        }
    }

    /// Tasks and a last step.
    pub fn new(
        tasks: Vec<Task<'a>>,
        finish: impl FnOnce() -> std::io::Result<Option<Note>> + 'a,
    ) -> Self {
        Work {
            tasks,
            finish: Some(Box::new(finish)),
        }
    }
}
