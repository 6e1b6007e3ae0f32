//! What makes large reports fast, apart from what a report means:
//!
//! 1. `split.rs`: one large document read on several threads, finding by finding;
//! 2. `interner.rs`: values many findings repeat (descriptions, reference lists, layers,
//!    packages) stored once.
//!
//! Neither changes a report: tests hold reading in parts to reading whole on every corpus file
//! and on large broken inputs, errors included.

pub mod interner;
pub mod split;

pub use interner::Interner;
