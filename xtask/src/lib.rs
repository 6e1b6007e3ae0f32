//! Developer tasks for the Scanlens workspace, usable both as `cargo run -p xtask -- ...`
//! and as a library (the e2e harness calls [`trivydb::write`] directly).

pub mod bench;
pub mod dist;
pub mod spdx;
pub mod trivydb;
pub mod viewer;
