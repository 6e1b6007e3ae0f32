//! The shared task list: every piece of work of a report folder, run in the order given on
//! rayon's pool.

use std::sync::Mutex;

/// A piece of work for [`run_tasks`].
pub type Task<'a> = Box<dyn FnOnce() -> std::io::Result<()> + Send + 'a>;

/// Runs `tasks` on every core (rayon's pool, which reading the input already started), taking
/// them in the order given (put long ones first); after an error no further task starts, and the
/// first error is returned.
pub fn run_tasks(tasks: Vec<Task<'_>>) -> std::io::Result<()> {
    let first_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let failed = |e: &Mutex<Option<std::io::Error>>| e.lock().map_or(true, |e| e.is_some());
    rayon::scope_fifo(|s| {
        for task in tasks {
            let first_error = &first_error;
            s.spawn_fifo(move |_| {
                if failed(first_error) {
                    return;
                }
                if let Err(e) = task() {
                    if let Ok(mut first) = first_error.lock() {
                        first.get_or_insert(e);
                    }
                }
            });
        }
    });
    match first_error.into_inner() {
        Ok(None) => Ok(()),
        Ok(Some(e)) => Err(e),
        Err(_) => Err(std::io::Error::other("a writer thread failed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_task_fails_the_run() {
        let tasks: Vec<Task> = vec![
            Box::new(|| Ok(())),
            Box::new(|| Err(std::io::Error::other("disk full"))),
            Box::new(|| Ok(())),
        ];
        assert_eq!(run_tasks(tasks).unwrap_err().to_string(), "disk full");
        assert!(run_tasks(Vec::new()).is_ok());
    }
}
