//! A file written from parts made on several threads, in order.
//!
//! `report.json` and `findings.ndjson` are hundreds of MB at 100,000 findings; making them in
//! parts on every core and writing each part as soon as the ones before it are on disk keeps both
//! the time and the memory of one pass.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// A file written from parts made on several threads: each part is written as soon as every
/// part before it has been, so parts wait in memory only while an earlier one is being made.
pub struct OrderedFile {
    state: Mutex<Ordered>,
}

struct Ordered {
    file: fs::File,
    next: usize,
    waiting: BTreeMap<usize, Vec<u8>>,
    /// Buffers of written parts, for the next parts: reusing memory is cheaper than touching
    /// fresh pages.
    spare: Vec<Vec<u8>>,
}

impl OrderedFile {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        Ok(OrderedFile {
            state: Mutex::new(Ordered {
                file: fs::File::create(path)?,
                next: 0,
                waiting: BTreeMap::new(),
                spare: Vec::new(),
            }),
        })
    }

    /// An empty buffer to make a part in.
    pub fn buffer(&self) -> Vec<u8> {
        self.state
            .lock()
            .ok()
            .and_then(|mut s| s.spare.pop())
            .unwrap_or_default()
    }

    /// Part `i` (from 0) of the file.
    pub fn put(&self, i: usize, bytes: Vec<u8>) -> std::io::Result<()> {
        let mut s = self
            .state
            .lock()
            .map_err(|_| std::io::Error::other("a writer thread failed"))?;
        s.waiting.insert(i, bytes);
        loop {
            let next = s.next;
            let Some(mut part) = s.waiting.remove(&next) else {
                return Ok(());
            };
            s.file.write_all(&part)?;
            s.next += 1;
            part.clear();
            s.spare.push(part);
        }
    }

    /// Checks that parts `0..parts` were all written. Takes `&self` because the parts' tasks
    /// share the file; it is closed when the last of them lets go of it.
    pub fn finish(&self, parts: usize) -> std::io::Result<()> {
        let s = self
            .state
            .lock()
            .map_err(|_| std::io::Error::other("a writer thread failed"))?;
        if s.next == parts && s.waiting.is_empty() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{} of {parts} parts were written",
                s.next
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tasks::{run_tasks, Task};

    #[test]
    fn ordered_file_writes_parts_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let f = OrderedFile::create(&path).unwrap();
        let tasks: Vec<Task> = (0..20)
            .rev()
            .map(|i| -> Task {
                Box::new({
                    let f = &f;
                    move || f.put(i, format!("{i},").into_bytes())
                })
            })
            .collect();
        run_tasks(tasks).unwrap();
        f.finish(20).unwrap();
        let want: String = (0..20).map(|i| format!("{i},")).collect();
        assert_eq!(fs::read_to_string(&path).unwrap(), want);
        let g = OrderedFile::create(&path).unwrap();
        g.put(1, b"x".to_vec()).unwrap();
        assert!(g.finish(2).is_err());
    }
}
