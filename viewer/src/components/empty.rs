//! What a report without findings shows instead of the list: what was scanned, so that
//! "nothing found" cannot be mistaken for "nothing scanned".

use crate::dom::{h, Node};
use scanlens_model::Report;

pub fn view(r: &Report) -> Node {
    let artifacts = r.artifacts.iter().map(|a| {
        h("li")
            .child(h("strong").child(a.name.as_str()))
            .child(format!(" ({}), from {}", a.artifact_type, a.source))
            .into()
    });
    let targets = r.targets.iter().map(|t| {
        h("li")
            .class("muted")
            .child(format!(
                "{} — {} {}, {} packages",
                t.name, t.class, t.target_type, t.packages
            ))
            .into()
    });
    h("section")
        .class("empty")
        .child(h("h2").child("No findings"))
        .child(h("p").child(
            "Trivy reported no vulnerabilities, misconfigurations, secrets or licenses for what was scanned:",
        ))
        .child(h("ul").kids(artifacts).kids(targets))
        .into()
}
