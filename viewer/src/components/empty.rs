//! What a report without findings shows instead of the list: what was scanned, so that
//! "nothing found" cannot be mistaken for "nothing scanned".

use super::each;
use scanlens_model::Report;
use yew::prelude::*;

pub fn view(r: &Report) -> Html {
    html! {
        <section CLASS="empty">
            <h2>{ "No findings" }</h2>
            <p>{ "Trivy reported no vulnerabilities, misconfigurations, secrets or licenses for what was scanned:" }</p>
            <ul>
                { each(r.artifacts.iter().map(|a| html!{ <li><strong>{ &a.name }</strong>{ format!(" ({}), from {}", a.artifact_type, a.source) }</li> })) }
                { each(r.targets.iter().map(|t| html!{ <li CLASS="muted">{ format!("{} — {} {}, {} packages", t.name, t.class, t.target_type, t.packages) }</li> })) }
            </ul>
        </section>
    }
}
