//! The page's "Fix first" section: the report's [`FixFirst`] plan (see
//! `scanlens_model::fix_first`) as the template shows it, in the words `summary.md` and the
//! viewer use.
//!
//! 1. [`FixView`]: the parts in summary.md's order, each a label, a sentence, its entries and
//!    how many more report.json holds.
//! 2. [`fix_view`], which builds it.
//!
//! It sits in the page's no-JavaScript remainder, after the rows: a reader without JavaScript
//! (Jenkins) or a printout gets it; with JavaScript on, the viewer shows its own panel.

use super::{safe_url, sev_class};
use scanlens_model::fix_first::{upgrade_entry, Cut, FixFirst};
use scanlens_model::{present, Report};

pub struct FixView<'a> {
    pub parts: Vec<Part<'a>>,
}

/// One part: `Secrets: 3 in 2 file(s) (3 critical). Revoke …`, then its entries.
pub struct Part<'a> {
    pub label: String,
    pub text: String,
    pub items: Vec<Item>,
    /// Known exploited only: the KEV-listed findings as a table.
    pub kev: Vec<KevRow<'a>>,
    pub with_epss: bool,
    /// `3 more files with secrets in report.json.`
    pub more: Option<String>,
}

/// One entry: an optional severity badge, then its text.
pub struct Item {
    pub severity: Option<(&'static str, &'static str)>,
    pub text: String,
}

impl Item {
    /// An entry of the model's (its key and the rest) as one text.
    fn of(severity: Option<(&'static str, &'static str)>, (key, rest): (String, String)) -> Item {
        Item {
            severity,
            text: key + &rest,
        }
    }
}

pub struct KevRow<'a> {
    pub id: &'a str,
    pub href: Option<&'a str>,
    pub package: &'a str,
    pub installed: &'a str,
    pub fixed: &'a str,
    pub target: &'a str,
    pub cisa: String,
    pub epss: String,
}

/// A part that lists the shown entries of `cut` and says how many more report.json holds.
fn listed<'a, T>(
    label: &str,
    text: String,
    cut: &Cut<T>,
    what: &str,
    item: impl Fn(&T) -> Item,
) -> Part<'a> {
    let mut p = part(label, text);
    p.items = cut.shown.iter().map(item).collect();
    p.more = cut.more_in_report(what);
    p
}

fn part<'a>(label: impl Into<String>, text: impl Into<String>) -> Part<'a> {
    Part {
        label: label.into(),
        text: text.into(),
        items: Vec::new(),
        kev: Vec::new(),
        with_epss: false,
        more: None,
    }
}

/// The section's content, or `None` when there is nothing to fix.
pub fn fix_view(report: &Report) -> Option<FixView<'_>> {
    let plan: &FixFirst = &report.fix_first;
    if plan.is_empty() {
        return None;
    }
    let badge = |s: scanlens_model::Severity| Some((sev_class(s), s.as_str()));
    let mut parts = Vec::new();
    if let Some(headline) = plan.kev_headline() {
        let mut p = part("Known exploited", headline);
        if let Some(kev) = &plan.known_exploited {
            p.with_epss = report.feeds.as_ref().is_some_and(|f| f.epss.is_some());
            for f in kev
                .shown
                .iter()
                .filter_map(|i| report.findings.get(*i as usize))
            {
                let pkg = f.package.as_deref();
                p.kev.push(KevRow {
                    id: &f.id,
                    href: f.primary_url.as_deref().and_then(safe_url),
                    package: pkg.map_or("", |p| &p.name),
                    installed: pkg.map_or("", |p| &p.installed_version),
                    fixed: pkg.map_or("", |p| &p.fixed_version),
                    target: &f.target,
                    cisa: f
                        .kev
                        .listed()
                        .map(present::kev)
                        .unwrap_or_default()
                        .trim_start_matches("in CISA's KEV catalog ")
                        .to_string(),
                    epss: f
                        .epss
                        .listed()
                        .map(|e| present::percent(e.score))
                        .unwrap_or_default(),
                });
            }
            p.more = kev.more_in_report("known exploited findings");
        }
        parts.push(p);
    }
    let s = &plan.secrets;
    if s.findings > 0 {
        // No badge: summary.md and the viewer name a file's secrets without one.
        parts.push(listed(
            "Secrets",
            s.headline(),
            &s.files,
            "files with secrets",
            |f| Item::of(None, f.entry(&report.artifacts)),
        ));
    }
    let up = &plan.upgrades;
    if up.total > 0 || plan.unfixed > 0 {
        let mut p = part(
            "Upgrades",
            plan.upgrades_headline()
                .map(|h| format!("{h}."))
                .unwrap_or_default(),
        );
        for r in &up.shown {
            p.items.push(Item::of(None, upgrade_entry(r)));
        }
        p.more = plan.upgrades_more();
        if let Some(line) = plan.unfixed_line() {
            p.items.push(Item {
                severity: None,
                text: line,
            });
        }
        parts.push(p);
    }
    let c = &plan.checks;
    if c.findings > 0 {
        parts.push(listed(
            "Configuration",
            c.headline(),
            &c.checks,
            "checks",
            |x| Item::of(badge(x.severity), x.entry(&report.artifacts)),
        ));
    }
    let l = &plan.licenses;
    if l.findings > 0 {
        parts.push(listed(
            "Licenses",
            l.headline(),
            &l.licenses,
            "licenses",
            |x| Item::of(badge(x.severity), x.entry(&report.artifacts)),
        ));
    }
    for b in &plan.base_images {
        let name = report
            .artifacts
            .get(b.artifact as usize)
            .map_or("", |a| a.name.as_str());
        parts.push(part(format!("Base image of {name}"), b.sentence()));
    }
    Some(FixView { parts })
}
