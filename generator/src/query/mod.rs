//! `scanlens query`: the findings of stored reports in an in-memory SQLite, and one statement over
//! them that can only read.
//!
//! - [`load`] fills the table `findings` from report folders, `report.json` or `findings.ndjson`;
//! - [`lockdown`] then makes the connection read-only, and [`keyword`] tells reads from the rest;
//! - [`statement`] runs the one statement, or says in a [`refusal`] why not;
//! - [`output`] prints the rows as an aligned table or as JSON.

pub mod keyword;
pub mod load;
pub mod lockdown;
pub mod output;
pub mod refusal;
pub mod statement;
