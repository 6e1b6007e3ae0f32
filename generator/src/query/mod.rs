//! `scanlens query`: the findings of stored reports in an in-memory SQLite, and one statement over
//! them.
//!
//! - [`load`] fills the table `findings` from report folders, `report.json` or `findings.ndjson`;
//! - [`output`] prints the rows as an aligned table or as JSON.

pub mod load;
pub mod output;
