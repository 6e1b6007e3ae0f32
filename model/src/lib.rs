//! The Scanlens report model: plain data and pure functions, no I/O.
//!
//! It compiles to native code for the `scanlens` generator and to wasm32 for the viewer, so the
//! two agree on the format and on what filtering, grouping, search and the gate mean.

pub mod compact;
pub mod date;
pub mod diff;
pub mod export;
pub mod feeds;
pub mod fix_first;
pub mod flat;
pub mod gate;
pub mod glob;
pub mod identity;
pub mod ignore;
pub mod image;
pub mod keymap;
pub mod normalize;
pub mod present;
pub mod purl;
pub mod remediation;
pub mod report;
pub mod shape;
pub mod speed;
pub mod triage;
pub mod trivy;
pub mod versions;
pub mod view;

#[cfg(test)]
mod testdata;

pub use normalize::{parse, recount, ParseError, Parsed, ReportBuilder};
pub use report::*;
pub use speed::{split, Interner};
