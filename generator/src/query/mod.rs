//! `scanlens query`: the findings of stored reports in an in-memory SQLite, and one statement over
//! them that can only read and only for so long.
//!
//! - [`load`] fills the table `findings` from report folders, `report.json`, `findings.ndjson`
//!   or the findings table `publish` writes (`.ndjson.gz`, `.parquet`);
//! - [`lockdown`] then makes the connection read-only, and [`keyword`] tells reads from the rest;
//! - [`statement`] runs the one statement within its [`deadline`], or says in a
//!   [`refusal`] why not;
//! - [`output`] prints the rows as an aligned table or as JSON.

pub mod deadline;
pub mod keyword;
pub mod load;
pub mod lockdown;
pub mod output;
pub mod refusal;
pub mod statement;
