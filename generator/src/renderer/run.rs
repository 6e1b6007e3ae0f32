//! Running a list of renderers: inside the one atomic write of the report folder, every
//! renderer's tasks on the shared task list, then each renderer's last step, in list order.

use super::{Note, RenderContext, Renderer};
use scanlens_model::Report;
use std::path::Path;

/// Writes the files of `renderers` for `report` as the folder `out`, replacing any earlier one
/// at once, and returns their notes in list order for the command to print.
pub fn write(
    report: &Report,
    out: &Path,
    renderers: &[Box<dyn Renderer + '_>],
) -> anyhow::Result<Vec<Note>> {
    let mut notes = Vec::new();
    crate::output::write_dir_atomically_with(out, |dir| {
        let ctx = RenderContext { report, dir };
        let mut lanes = Vec::with_capacity(renderers.len());
        let mut finishes = Vec::new();
        for renderer in renderers {
            let work = renderer.render(ctx)?;
            lanes.push(work.tasks);
            finishes.extend(work.finish);
        }
        crate::output::run_tasks(interleave(lanes))?;
        for finish in finishes {
            notes.extend(finish()?);
        }
        Ok(())
    })?;
    Ok(notes)
}

/// One task from each renderer in turn. The parts of report.json and findings.ndjson then
/// alternate, so both files advance together and few finished parts wait in memory for an
/// earlier one; a renderer with one task starts as soon as its turn comes.
fn interleave<T>(lanes: Vec<Vec<T>>) -> Vec<T> {
    let total = lanes.iter().map(Vec::len).sum();
    let mut lanes: Vec<_> = lanes.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        out.extend(lanes.iter_mut().filter_map(Iterator::next));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_are_taken_from_each_renderer_in_turn() {
        let lanes = vec![
            vec!["page"],
            vec!["j0", "j1", "j2"],
            vec!["n0", "n1", "n2"],
            vec![],
        ];
        assert_eq!(
            interleave(lanes),
            ["page", "j0", "n0", "j1", "n1", "j2", "n2"]
        );
        assert!(interleave(Vec::<Vec<u8>>::new()).is_empty());
    }
}
