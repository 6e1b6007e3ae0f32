//! The report the page embeds and everything derived from it once at start: the search index
//! and the distinct values the multi-value filters offer. Read-only for the app's lifetime.

use scanlens_model::compact::Dataset;
use scanlens_model::view::sort::sort_by;
use scanlens_model::view::Index;
use scanlens_model::Severity;
use std::collections::HashMap;

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

/// The distinct non-empty values with how many findings have each, by value. Counted in the
/// kind of map the search index interns with (a `BTreeMap` here would add its own copy of the
/// B-tree code to the wasm); runs of one value, as findings come per target, skip the lookup.
fn distinct(values: &mut dyn Iterator<Item = &str>) -> Vec<(String, usize)> {
    let mut at: HashMap<String, u32> = HashMap::new();
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut last: Option<(&str, usize)> = None;
    for s in values.filter(|s| !s.is_empty()) {
        let k = match last {
            Some((l, k)) if l == s => k,
            _ => match at.get(s) {
                Some(&k) => k as usize,
                None => {
                    at.insert(s.to_string(), out.len() as u32);
                    out.push((s.to_string(), 0));
                    out.len() - 1
                }
            },
        };
        out[k].1 += 1;
        last = Some((s, k));
    }
    sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    out
}

impl Data {
    pub fn new(ds: Dataset) -> Data {
        let ix = Index::new(&ds);
        let f = &ds.findings;
        let targets = distinct(&mut f.iter().map(|o| o.target.as_str()));
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
            statuses: distinct(&mut f.iter().map(|o| o.status.as_deref().unwrap_or(""))),
            classes: distinct(&mut f.iter().map(|o| o.class.as_str())),
            types: distinct(&mut f.iter().map(|o| o.target_type.as_str())),
            targets,
            ds,
            ix,
        }
    }
}
