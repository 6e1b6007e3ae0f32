//! Search matches marked in text: the model finds the ranges, this wraps them in `<mark>`.

use super::each;
use scanlens_model::view as query;
use yew::prelude::*;

/// `text` with the matches of search `q` wrapped in `<mark>`; text nodes only, never markup.
pub fn hl(text: &str, q: &str) -> Html {
    if q.trim().is_empty() {
        return html! { { text.to_string() } };
    }
    let ranges = query::highlight(text, q);
    if ranges.is_empty() {
        return html! { { text.to_string() } };
    }
    html! { <>{ each(query::segments(text, &ranges).into_iter().map(|(s, m)| if m { html!{ <mark>{ s.to_string() }</mark> } } else { html!{ { s.to_string() } } })) }</> }
}
