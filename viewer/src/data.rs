//! The report the page embeds and everything derived from it once at start: the search index
//! and the distinct values the multi-value filters offer. Read-only for the app's lifetime.

use scanlens_model::compact::Dataset;
use scanlens_model::view::Index;
use std::collections::BTreeMap;

pub struct Data {
    pub ds: Dataset,
    pub ix: Index,
    /// Distinct values for the multi-value filters, with counts.
    pub statuses: Vec<(String, usize)>,
    pub classes: Vec<(String, usize)>,
    pub types: Vec<(String, usize)>,
    pub targets: Vec<(String, usize)>,
}

fn distinct<'a>(it: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<&str, usize> = BTreeMap::new();
    for s in it.filter(|s| !s.is_empty()) {
        *m.entry(s).or_default() += 1;
    }
    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl Data {
    pub fn new(ds: Dataset) -> Data {
        let ix = Index::new(&ds);
        let f = &ds.findings;
        Data {
            statuses: distinct(f.iter().map(|o| o.status.as_deref().unwrap_or(""))),
            classes: distinct(f.iter().map(|o| o.class.as_str())),
            types: distinct(f.iter().map(|o| o.target_type.as_str())),
            targets: distinct(f.iter().map(|o| o.target.as_str())),
            ds,
            ix,
        }
    }
}
