//! The export dialog: the `.trivyignore` or `.trivyignore.yaml` text for the picked findings
//! (or all shown), what its entries cover, and a copy button.

use super::send;
use crate::state::{Action, ExportKind, State};
use yew::prelude::*;

pub fn view(s: &State, kind: ExportKind, text: &str, act: &Callback<Action>) -> Html {
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
    html! {
        <div CLASS="export" role="dialog" aria-label={format!("{name} for {what}")}>
            <p><strong>{ name }</strong>{ format!(" for {what}") }</p>
            <p CLASS="scope">{ scope }</p>
            <label for="export-text" CLASS="visually-hidden">{ name }</label>
            <textarea id="export-text" readonly=true rows="12" value={text.to_string()} />
            <div CLASS="actions">
                <button type="button" onclick={send(act, Action::Copy)}>{ if s.copied { "Copied" } else { "Copy" } }</button>
                <button type="button" onclick={send(act, Action::CloseExport)}>{ "Close" }</button>
            </div>
        </div>
    }
}
