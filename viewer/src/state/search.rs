//! Selecting the findings a query shows, cheaply while typing: when a keystroke only extends
//! the search that made the previous result (`open` → `openss`, or a term added) and nothing
//! else that selects changed, every match is already in that result, so only it is scanned
//! again instead of the whole report.

use crate::data::Data;
use scanlens_model::view::{self as query, GroupBy, Query};
use std::rc::Rc;

/// A result and the query that made it.
pub struct Searched {
    pub query: Query,
    pub result: Rc<Vec<u32>>,
}

/// Whether `next` selects a subset of what `prev` selected because it only extends `prev`'s
/// search: each earlier term grows into the term at its place. Grouping and the open finding
/// do not select, so they may differ.
pub fn narrows(prev: &Query, next: &Query) -> bool {
    let rest = |q: &Query| Query {
        q: String::new(),
        finding: None,
        group: GroupBy::Severity,
        ..q.clone()
    };
    let pt = query::terms(&prev.q);
    let nt = query::terms(&next.q);
    rest(prev) == rest(next)
        && !pt.is_empty()
        && pt.len() <= nt.len()
        && pt.iter().zip(&nt).all(|(p, n)| n.contains(p.as_str()))
}

/// The findings `q` selects, in sort order, narrowing `prev` when [`narrows`] allows it.
pub fn select(data: &Data, q: &Query, prev: Option<&Searched>) -> Searched {
    let within = prev.filter(|p| narrows(&p.query, q));
    let result = query::select(&data.ds, &data.ix, q, within.map(|p| p.result.as_slice()));
    Searched {
        query: q.clone(),
        result: Rc::new(result),
    }
}
