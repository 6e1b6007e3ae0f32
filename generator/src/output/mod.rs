//! Writing a report folder: the atomic swap that puts it in place ([`atomic`]), the shared list
//! of tasks that fills it on every core ([`tasks`]), and files made of parts from several threads
//! ([`ordered_file`]).

pub mod atomic;
pub mod ordered_file;
pub mod tasks;

pub use atomic::{
    check_out, write_dir_atomically, write_dir_atomically_with, write_file_atomically,
    write_files_into,
};
pub use ordered_file::OrderedFile;
pub use tasks::{run_tasks, Task};
