//! The viewer's state logic as pure functions, native and tested here, so it means the same
//! wherever it runs:
//!
//! 1. `filter.rs`: the vocabulary of a view ([`Query`], grouping, sort, fix state, scope);
//! 2. `hash.rs`: a [`Query`] in the URL hash and back;
//! 3. `index.rs`: the search index, the search, grouping and the flattened list;
//!    `facets.rs`: the other filters and the facet counts, in one pass;
//! 4. `text.rs`: case folding, search terms and highlighting;
//! 5. `keys.rs`: deep links to one finding;
//! 6. `sort.rs`: stable sorting in one copy (each copy of the standard sort costs wasm).

mod facets;
mod filter;
mod hash;
mod index;
mod keys;
pub mod sort;
mod text;

pub use facets::{apply_filters, Facets};
pub use filter::*;
pub use hash::{from_hash, to_hash};
pub use index::{flatten, group, search, select, Group, Index, LayerInfo, Line};
pub use keys::{finding_key, key_matches, key_of};
pub use text::{fold, fold_char, highlight, parse_terms, segments, terms, Field, Terms};

#[cfg(test)]
mod tests;
