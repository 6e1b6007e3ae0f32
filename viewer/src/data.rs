//! The report the page embeds and everything derived from it once at start: the search index
//! and the distinct values the multi-value filters offer. Read-only for the app's lifetime.

use scanlens_model::compact::Dataset;
use scanlens_model::view::sort::sort_by;
use scanlens_model::view::Index;
use scanlens_model::Severity;
use std::collections::BTreeMap;

pub struct Data {
    pub ds: Dataset,
    pub ix: Index,
    /// Distinct values for the multi-value filters, with counts.
    pub statuses: Vec<(String, usize)>,
    pub classes: Vec<(String, usize)>,
    pub types: Vec<(String, usize)>,
    pub targets: Vec<(String, usize)>,
    /// The targets again, most findings first: the target facet's order.
    pub targets_by_count: Vec<(String, usize)>,
    /// Counted findings in CISA's KEV catalog.
    pub kev: usize,
    /// Counted fixable critical and high findings.
    pub fixable_urgent: usize,
    /// Counted fixable and unfixed findings (the fix facet).
    pub fixable: usize,
    pub unfixed: usize,
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
        let targets = distinct(f.iter().map(|o| o.target.as_str()));
        let mut targets_by_count = targets.clone();
        sort_by(&mut targets_by_count, |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        let counted = || f.iter().enumerate().filter(|(_, o)| o.is_counted());
        let kev = counted().filter(|(i, _)| ix.kev(*i)).count();
        let fixable_urgent = counted()
            .filter(|(_, o)| o.is_fixable() && o.severity <= Severity::High)
            .count();
        let fixable = counted().filter(|(_, o)| o.is_fixable()).count();
        let unfixed = counted().filter(|(_, o)| o.is_unfixed()).count();
        Data {
            fixable,
            unfixed,
            targets_by_count,
            kev,
            fixable_urgent,
            statuses: distinct(f.iter().map(|o| o.status.as_deref().unwrap_or(""))),
            classes: distinct(f.iter().map(|o| o.class.as_str())),
            types: distinct(f.iter().map(|o| o.target_type.as_str())),
            targets,
            ds,
            ix,
        }
    }
}
