//! The export dialog: the `.trivyignore` or `.trivyignore.yaml` text for the picked findings
//! (or all shown), what its entries cover, and a copy button.

use super::button;
use crate::dom::{h, Node};
use crate::state::{Action, ExportKind, State, EXPORT};

pub fn view(s: &State, kind: ExportKind, text: &str) -> Node {
    let name = match kind {
        ExportKind::Text => ".trivyignore",
        ExportKind::Yaml => ".trivyignore.yaml",
    };
    let what = if s.picked.is_empty() {
        format!("all {} shown findings", s.selected.len())
    } else {
        format!("{} selected findings", s.picked.len())
    };
    let scope = match kind {
        ExportKind::Text => "Plain .trivyignore lines cannot be scoped: each ID is ignored everywhere, in every target, package and file. Use .trivyignore.yaml to ignore only these findings.",
        ExportKind::Yaml => "Each entry is pinned to the finding's target and package URL (a secret or misconfiguration to its file), so only these findings are ignored.",
    };
    h("div")
        .class("export")
        .attr("id", EXPORT)
        .attr("role", "dialog")
        .attr("aria-labelledby", "export-title")
        // Focus moves here when the dialog opens, so that it is announced with its title.
        .attr("tabindex", "-1")
        .child(
            h("p")
                .attr("id", "export-title")
                .child(h("strong").child(name))
                .child(format!(" for {what}")),
        )
        .child(h("p").class("scope").child(scope))
        .child(
            h("label")
                .attr("for", "export-text")
                .class("visually-hidden")
                .child(name),
        )
        .child(
            h("textarea")
                .attr("id", "export-text")
                .flag("readonly", true)
                .attr("rows", "12")
                .value(text),
        )
        .child(
            h("div")
                .class("actions")
                .child(
                    button()
                        .click(Action::Copy)
                        .child(if s.copied { "Copied" } else { "Copy" }),
                )
                .child(button().click(Action::CloseExport).child("Close")),
        )
        .into()
}
