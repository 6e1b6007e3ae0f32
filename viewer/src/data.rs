//! The report the page embeds and everything derived from it once at start: the search index
//! (with the values the list filters offer) and whether any finding is known exploited.
//! Read-only for the app's lifetime.

use scanlens_model::compact::Dataset;
use scanlens_model::view::Index;

pub struct Data {
    pub ds: Dataset,
    pub ix: Index,
    /// Whether any finding is in CISA's KEV catalog: the header offers the "known exploited"
    /// toggle then (or when the report names the catalog), whatever the query.
    pub any_kev: bool,
}

impl Data {
    pub fn new(ds: Dataset) -> Data {
        let ix = Index::new(&ds);
        let any_kev = (0..ds.findings.len()).any(|i| ix.kev(i));
        Data { ds, ix, any_kev }
    }
}
