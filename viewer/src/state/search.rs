//! Searching cheaply while typing. The search result (the findings in scope that the terms
//! match, before the other filters) is kept with the query that made it: a query that searches
//! the same (only a filter, the grouping or the open finding changed) reuses it as it is, and
//! one that only extends its search (`open` → `openssl`, or a term added) in the same scope and
//! order scans only it, since every match is in it.

use crate::data::Data;
use scanlens_model::view::{self as query, Query};
use std::rc::Rc;

/// A search result and the query that made it.
pub struct Searched {
    pub query: Query,
    pub result: Rc<Vec<u32>>,
}

/// Whether `prev` and `next` search the same findings in the same order (their terms aside).
fn same_scope_and_order(prev: &Query, next: &Query) -> bool {
    (prev.show, prev.sort, prev.reverse) == (next.show, next.sort, next.reverse)
}

/// Whether `next` finds a subset of what `prev` found because it only extends `prev`'s search:
/// each earlier text term grows into the term at its place, and every earlier field term
/// stays. A field term that grows (`package:open` → `package:openssl`) is another value, not a
/// narrower one: it matches whole values.
pub fn narrows(prev: &Query, next: &Query) -> bool {
    let pt = query::parse_terms(&prev.q);
    let nt = query::parse_terms(&next.q);
    same_scope_and_order(prev, next)
        && pt != query::Terms::default()
        && pt.text.len() <= nt.text.len()
        && pt
            .text
            .iter()
            .zip(&nt.text)
            .all(|(p, n)| n.contains(p.as_str()))
        && pt.fields.iter().all(|f| nt.fields.contains(f))
}

/// The findings `q`'s search finds, in sort order, from `prev` when it allows.
pub fn search(data: &Data, q: &Query, prev: Option<&Searched>) -> Searched {
    let result = match prev {
        Some(p)
            if same_scope_and_order(&p.query, q)
                && query::parse_terms(&p.query.q) == query::parse_terms(&q.q) =>
        {
            p.result.clone()
        }
        _ => {
            let within = prev.filter(|p| narrows(&p.query, q));
            let found = query::search(&data.ds, &data.ix, q, within.map(|p| p.result.as_slice()));
            Rc::new(found)
        }
    };
    Searched {
        query: q.clone(),
        result,
    }
}
