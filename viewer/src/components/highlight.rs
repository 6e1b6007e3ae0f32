//! Search matches marked in text: the model finds the ranges, this wraps them in `<mark>`.

use crate::dom::{h, many, Node};
use scanlens_model::view as query;

/// `text` with the matches of search `q` wrapped in `<mark>`; text nodes only, never markup.
pub fn hl(text: &str, q: &str) -> Node {
    if q.trim().is_empty() {
        return text.into();
    }
    let ranges = query::highlight(text, q);
    if ranges.is_empty() {
        return text.into();
    }
    many(query::segments(text, &ranges).into_iter().map(|(s, m)| {
        if m {
            h("mark").child(s).into()
        } else {
            s.into()
        }
    }))
}
