//! Shared by the end-to-end tests: the corpus, by the same rule as the generator's tests (the
//! same file: `generator/tests/common/fixtures.rs`).

#[path = "../../../generator/tests/common/fixtures.rs"]
mod corpus;

pub use corpus::fixtures;
