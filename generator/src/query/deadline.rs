//! `--timeout`: a statement that runs longer is interrupted, so that a runaway query (a
//! recursive CTE without an end, a cross join of everything) ends with an error instead of
//! running until someone kills it.

use rusqlite::Connection;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// SQLite asks every this many virtual-machine steps whether to go on: often enough to stop
/// within milliseconds, rarely enough that reading the clock costs nothing measurable.
const STEPS_BETWEEN_CHECKS: i32 = 1000;

/// Tells an interruption by the clock from other errors.
pub struct Deadline {
    passed: Arc<AtomicBool>,
}

impl Deadline {
    /// Interrupts whatever `conn` runs once `after` has passed from now.
    pub fn arm(conn: &Connection, after: Duration) -> Deadline {
        let passed = Arc::new(AtomicBool::new(false));
        let flag = passed.clone();
        // A limit past the end of time is no limit.
        let end = Instant::now().checked_add(after);
        conn.progress_handler(
            STEPS_BETWEEN_CHECKS,
            Some(move || {
                let stop = end.is_some_and(|end| Instant::now() >= end);
                if stop {
                    flag.store(true, Ordering::Relaxed);
                }
                stop
            }),
        );
        Deadline { passed }
    }

    pub fn passed(&self) -> bool {
        self.passed.load(Ordering::Relaxed)
    }
}
