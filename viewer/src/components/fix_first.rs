//! The Fix first panel: the report's plan of what to act on first (`report.fix_first`, planned
//! once by the model), in summary.md's order and in the words it uses, which the model defines
//! (`scanlens_model::fix_first`, `present::upgrade`): known exploited, secrets, upgrades,
//! configuration checks, licenses, base images. Each entry is a button that narrows the list to
//! its findings ([`Narrow`]); each cut list says how many more report.json holds.
//!
//! A dialog opened from the header, like the export dialog, rather than a region above the list:
//! the list keeps its height (it is a windowed grid that fills the screen), and choosing an entry
//! closes the panel to show the list it narrowed. Every value is a text node.

use super::button;
use crate::data::Data;
use crate::dom::{h, many, El, Node};
use crate::state::{Action, Narrow, FIX_FIRST};
use scanlens_model::fix_first::{upgrade_entry, Cut};
use scanlens_model::Severity;

/// One part: its label as a heading, then what it says.
fn part(label: String, text: Option<String>) -> El {
    h("div")
        .class("ff-part")
        .child(h("h3").child(label))
        .child(text.map(|t| h("p").child(t).into()))
}

/// The entries of a part, each a button that narrows the list.
fn entries(items: Vec<Node>) -> Node {
    if items.is_empty() {
        return Node::none();
    }
    h("ol").class("ff-list").kids(items).into()
}

fn entry(severity: Option<Severity>, key: String, rest: String, narrow: Narrow) -> Node {
    let badge = severity.map(|s| {
        many([
            h("span")
                .class(format!("sev sev-{}", s.as_str().to_ascii_lowercase()))
                .child(s.as_str())
                .into(),
            " ".into(),
        ])
    });
    h("li")
        .child(
            button()
                .class("ff-entry")
                .click(Action::Narrow(narrow))
                .child(badge)
                .child(h("span").class("ff-key").child(key))
                .child(rest),
        )
        .into()
}

/// The line after a cut list that left entries out.
/// A part that lists the shown entries of `cut` and says how many more report.json holds.
fn listed<T>(
    label: &str,
    text: String,
    cut: &Cut<T>,
    what: &str,
    entry: impl Fn(&T) -> Node,
) -> Node {
    part(label.into(), Some(text))
        .child(entries(cut.shown.iter().map(entry).collect()))
        .child(more_line(cut.more_in_report(what)))
        .into()
}

fn more_line(text: Option<String>) -> Node {
    text.map(|t| h("p").class("ff-more").child(t).into()).into()
}

pub fn view(d: &Data) -> Node {
    let r = &d.ds.report;
    let plan = &r.fix_first;
    let artifacts = &r.artifacts;
    let mut parts: Vec<Node> = Vec::new();

    if let Some(headline) = plan.kev_headline() {
        // Also when the only ones are those the gate leaves out: the list shows them, excluded.
        let kev = plan
            .known_exploited
            .as_ref()
            .filter(|k| k.total > 0 || !plan.known_exploited_left_out.is_empty());
        parts.push(
            part("Known exploited".into(), Some(headline))
                .child(kev.map(|_| {
                    button()
                        .class("ff-kev")
                        .click(Action::Narrow(Narrow::KnownExploited))
                        .child("Show the known exploited findings")
                        .into()
                }))
                .into(),
        );
    }

    let s = &plan.secrets;
    if s.findings > 0 {
        parts.push(listed(
            "Secrets",
            s.headline(),
            &s.files,
            "files with secrets",
            |f| {
                let (key, rest) = f.entry(artifacts);
                entry(None, key, rest, Narrow::secret_file(f))
            },
        ));
    }

    let up = &plan.upgrades;
    if up.total > 0 || plan.unfixed > 0 {
        let label = match plan.upgrades_headline() {
            Some(sub) => format!("Upgrades ({sub})"),
            None => "Upgrades".into(),
        };
        let items = up.shown.iter().map(|u| {
            let (key, rest) = upgrade_entry(u);
            entry(None, key, rest, Narrow::upgrade(u))
        });
        parts.push(
            part(label, None)
                .child(entries(items.collect()))
                .child(more_line(plan.upgrades_more()))
                .child(plan.unfixed_line().map(|l| h("p").child(l).into()))
                .into(),
        );
    }

    let c = &plan.checks;
    if c.findings > 0 {
        parts.push(listed(
            "Configuration",
            c.headline(),
            &c.checks,
            "checks",
            |x| {
                let (key, rest) = x.entry(artifacts);
                entry(Some(x.severity), key, rest, Narrow::check(x))
            },
        ));
    }

    let l = &plan.licenses;
    if l.findings > 0 {
        parts.push(listed(
            "Licenses",
            l.headline(),
            &l.licenses,
            "licenses",
            |x| {
                let (key, rest) = x.entry(artifacts);
                entry(Some(x.severity), key, rest, Narrow::license(x))
            },
        ));
    }

    for b in &plan.base_images {
        let name = artifacts
            .get(b.artifact as usize)
            .map_or("", |a| a.name.as_str());
        parts.push(part(format!("Base image of {name}"), Some(b.sentence())).into());
    }

    h("div")
        .class("ff")
        .attr("id", FIX_FIRST)
        .attr("role", "dialog")
        .attr("aria-labelledby", "ff-title")
        // Focus moves here when the panel opens, so the dialog is announced with its title.
        .attr("tabindex", "-1")
        .child(
            h("div")
                .class("ff-head")
                .child(h("h2").attr("id", "ff-title").child("Fix first"))
                .child(
                    button()
                        .class("close")
                        .attr("aria-label", "Close Fix first (Esc)")
                        .click(Action::CloseFixFirst)
                        .child("✕"),
                ),
        )
        .child(
            h("p")
                .class("ff-hint")
                .child("Most urgent first. Choose an entry to list its findings."),
        )
        .kids(parts)
        .into()
}
