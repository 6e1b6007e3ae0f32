//! The viewer's state and its reducer (shaped after Yew's `function_todomvc` example): [`State`] is everything
//! that decides what is shown, and only [`reduce`] changes it, one [`Action`] at a time. The
//! reducer is pure (no DOM, no clock), so it runs and is tested natively; what the page must do
//! besides re-rendering (the URL hash, the clipboard, scrolling, focus) comes back as
//! [`Effect`] values, which the app performs.
//!
//! - `search.rs`: the current search result, reused while only filters change and narrowed
//!   while a search is only extended;
//! - `scroll.rs`: the windowed list's geometry;
//! - `keys.rs`: what each key does.

mod keys;
mod scroll;
mod search;
#[cfg(test)]
mod tests;

pub use keys::{Keystroke, Target};
pub use scroll::ROW_H;

use crate::data::Data;
use scanlens_model::export;
use scanlens_model::fix_first::{Check, License, SecretFile};
use scanlens_model::triage::Remediation;
use scanlens_model::view::sort::{sort, sort_by};
use scanlens_model::view::{
    self as query, Facets, Field, Fix, Group, GroupBy, Line, Query, Show, SortBy,
};
use scanlens_model::{Kind, Severity};
use search::Searched;

pub use scanlens_model::view::ListFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Text,
    Yaml,
}

impl ExportKind {
    /// The ID of the button that opens the dialog for this kind, where focus goes back to.
    pub fn button(self) -> &'static str {
        match self {
            ExportKind::Text => EXPORT_TEXT_BUTTON,
            ExportKind::Yaml => EXPORT_YAML_BUTTON,
        }
    }
}

/// What an entry of the Fix first panel narrows the list to, through the list's own query (so
/// the URL hash, the active-filter chips and back and forward work as for any filter).
#[derive(Debug, Clone, PartialEq)]
pub enum Narrow {
    /// The known-exploited findings: the header's filter.
    KnownExploited,
    /// The findings of `kind` that the search `q` finds (a check's ID, a license's name, a
    /// package's name), in `target` when one is given (a secret's file, an upgrade's target).
    Search {
        kind: Kind,
        q: String,
        target: Option<String>,
    },
}

impl Narrow {
    /// A file holding secrets: its secrets, by the target filter, which matches the path
    /// exactly (a search for it would also find `/app/.env.local` beside `/app/.env`).
    pub fn secret_file(f: &SecretFile) -> Narrow {
        Narrow::search(Kind::Secret, String::new(), Some(&f.path))
    }

    /// A failed check: its failures, by its ID (`id:`, since `DS002` is also in `DS0021`).
    pub fn check(c: &Check) -> Narrow {
        Narrow::search(Kind::Misconfiguration, Field::Id(c.id.clone()).term(), None)
    }

    /// A license: its findings, by its name, a license finding's ID (`id:`, since `GPL-3.0`
    /// is also in `LGPL-3.0`).
    pub fn license(l: &License) -> Narrow {
        Narrow::search(Kind::License, Field::Id(l.name.clone()).term(), None)
    }

    /// An upgrade: the vulnerabilities of the package at its installed version in the entry's
    /// target, those it fixes and those no version fixes yet (`package:name@version`, since a
    /// search for the name also finds other packages' advisories that mention it).
    pub fn upgrade(r: &Remediation) -> Narrow {
        let pkg = Field::Package(format!("{}@{}", r.package, r.installed));
        Narrow::search(Kind::Vulnerability, pkg.term(), Some(&r.target))
    }

    fn search(kind: Kind, q: String, target: Option<&str>) -> Narrow {
        Narrow::Search {
            kind,
            q,
            target: target.map(str::to_string),
        }
    }

    /// The query that shows the entry's findings: only its own filters, with the list's grouping,
    /// sort and open finding kept (as "Clear all" keeps them), since any other filter could hide
    /// what the entry names.
    fn query(self, now: &Query) -> Query {
        let mut q = Query {
            group: now.group,
            sort: now.sort,
            reverse: now.reverse,
            unmerged: now.unmerged,
            finding: now.finding.clone(),
            ..Query::default()
        };
        match self {
            Narrow::KnownExploited => q.kev = true,
            Narrow::Search {
                kind,
                q: text,
                target,
            } => {
                q.q = text;
                q.kinds = vec![kind];
                q.targets = target.into_iter().collect();
            }
        }
        q
    }
}

/// The IDs of the Fix first dialog and of the header button that opens it: focus goes to the
/// one when it opens and back to the other when it closes. Not `fix-first`, which the static
/// page's own section has.
pub const FIX_FIRST: &str = "ff-panel";
pub const FIX_FIRST_BUTTON: &str = "ff-open";

/// The IDs of the export dialog and of the buttons that open it, one a kind: as for Fix first,
/// focus goes into the dialog and back to the button of its kind. Not `export-text`, which the
/// dialog's text area has.
pub const EXPORT: &str = "export-panel";
pub const EXPORT_TEXT_BUTTON: &str = "export-open-text";
pub const EXPORT_YAML_BUTTON: &str = "export-open-yaml";

/// The ID of the detail panel, where focus goes when a finding is opened on purpose (Enter, a
/// click), so that screen readers announce which finding it shows.
pub const DETAIL: &str = "detail-panel";

/// Everything the user can do, and what the page reports back (scrolling, resizing, the hash).
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Search(String),
    ToggleSeverity(Severity),
    ToggleKind(Kind),
    SetFix(Fix),
    SetShow(Show),
    SetGroup(GroupBy),
    SetSort(SortBy),
    /// A column header was clicked: sort by it, or turn the order around if it already sorts.
    SortColumn(SortBy),
    SetList(ListFilter, Vec<String>),
    /// Adds or removes one value of a multi-value filter (a facet chip, an active-filter chip).
    ToggleValue(ListFilter, String),
    /// Only known-exploited findings, or all again.
    ToggleKev,
    /// Only fixable critical and high findings (the header's count), or all again.
    ToggleFixableUrgent,
    /// Merges the same vulnerability in several targets into one row, or not.
    SetMerge(bool),
    /// Narrows the target facet's choices to those containing this text.
    FacetSearch(String),
    /// Shows more of the target facet's choices.
    FacetMore,
    /// Opens or closes the controls behind the phone layout's one button.
    ToggleControls,
    /// Opens the Fix first panel.
    OpenFixFirst,
    CloseFixFirst,
    /// An entry of the Fix first panel was chosen: the panel closes and the list shows the
    /// entry's findings.
    Narrow(Narrow),
    ClearFilters,
    /// Folds or unfolds the group with this key.
    ToggleGroup(String),
    /// Unfolds every group.
    ExpandAll,
    /// Folds every group.
    CollapseAll,
    /// The list was scrolled to this offset (px).
    Scrolled(f64),
    /// The list is now this tall (px).
    Resized(f64),
    /// Finding `i` was opened by a key or a click: the detail panel shows it and takes focus.
    Open(u32),
    /// The detail panel closes; focus goes back to the highlighted line, if any.
    Close,
    Pick(u32),
    PickShown,
    ClearPicks,
    Export(ExportKind),
    CloseExport,
    Copy,
    /// The URL hash changed under the app (back, forward, an edited address); as it now reads.
    HashChanged(String),
    Key(Keystroke),
    /// Line `n` got focus, by Tab or a click: the highlight follows it.
    Cursor(usize),
    ToggleTheme,
}

/// What the page must do besides rendering the new state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Cancels the browser's own handling of the key being handled (typing `/`, scrolling).
    PreventDefault,
    /// Writes the query to the URL hash (no `#`; empty for none). `push` adds a history entry,
    /// so back and forward step through filter changes; keystrokes replace the entry instead,
    /// which the app does once typing pauses.
    SetHash {
        hash: String,
        push: bool,
    },
    /// Scrolls the list to this offset (px).
    ScrollList(f64),
    /// Focuses the search box and selects its text.
    FocusSearch,
    BlurSearch,
    /// Puts this text on the clipboard.
    Copy(String),
    /// Switches between the light and dark theme; the theme lives in the page, not here.
    ToggleTheme,
    /// Moves keyboard focus to the highlighted line once it is rendered, so that screen readers
    /// announce it.
    FocusCursor,
    /// Moves keyboard focus to the element with this ID once it is rendered (a dialog or the
    /// detail panel that opens, the button that opened a dialog when it closes).
    FocusId(&'static str),
}

/// What an action asks of the app: whether to render, and the effects to perform.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub render: bool,
    pub effects: Vec<Effect>,
}

impl Outcome {
    fn none() -> Outcome {
        Outcome::default()
    }

    fn render() -> Outcome {
        Outcome {
            render: true,
            effects: Vec::new(),
        }
    }

    fn with(effects: Vec<Effect>) -> Outcome {
        Outcome {
            render: true,
            effects,
        }
    }
}

pub struct State {
    pub query: Query,
    /// The current result, in sort order.
    pub selected: Vec<u32>,
    /// The search `selected` was filtered from: reused when only a filter changes, narrowed
    /// when the next keystroke extends it.
    searched: Option<Searched>,
    /// For every facet chip, how many findings choosing it would show.
    pub facets: Facets,
    /// The targets (places in the index's values), most findings under the current query
    /// first: the target facet's order.
    targets_ranked: Vec<u32>,
    /// How many findings the `show` scope holds before any other filter.
    pub scope: usize,
    pub groups: Vec<Group>,
    pub lines: Vec<Line>,
    /// The keys of the groups whose collapse state differs from the default, ascending (a
    /// sorted list: a hash set would add its own copy of the table code to the wasm).
    toggled: Vec<String>,
    pub scroll_top: f64,
    pub viewport: f64,
    /// The highlighted line.
    pub cursor: Option<usize>,
    /// The finding open in the detail panel.
    pub detail: Option<u32>,
    /// The picked findings, ascending and each once (a sorted list rather than a `BTreeSet`,
    /// whose B-tree code the wasm would carry for this alone).
    pub picked: Vec<u32>,
    /// The open export dialog and its text.
    pub export: Option<(ExportKind, String)>,
    /// Whether the export text was copied since the dialog opened.
    pub copied: bool,
    /// The target facet's own search, and how many of its choices it shows.
    pub facet_q: String,
    pub facet_limit: usize,
    /// Whether the phone layout shows its controls (grouping, sort, facets); wider screens
    /// always do.
    pub controls_open: bool,
    /// Whether the Fix first panel is open.
    pub fix_first: bool,
}

/// How many choices the target facet shows at first; "N more" adds as many again.
pub const FACET_TOP: usize = 8;

impl State {
    /// The state a page opens in: the query of its URL `hash`, with the finding it names open.
    pub fn new(data: &Data, hash: &str, viewport: f64) -> State {
        let mut s = State {
            query: query::from_hash(hash),
            selected: Vec::new(),
            searched: None,
            facets: Facets::default(),
            targets_ranked: Vec::new(),
            scope: 0,
            groups: Vec::new(),
            lines: Vec::new(),
            toggled: Vec::new(),
            scroll_top: 0.0,
            viewport,
            cursor: None,
            detail: None,
            picked: Vec::new(),
            export: None,
            copied: false,
            facet_q: String::new(),
            facet_limit: FACET_TOP,
            controls_open: false,
            fix_first: false,
        };
        s.recompute(data);
        s.open_from_query(data);
        s
    }

    /// Whether group `g` shows only its header. Vulnerability groups start collapsed: the
    /// header is the merged row for the CVE.
    pub fn collapsed(&self, g: &Group) -> bool {
        (self.query.group == GroupBy::Vulnerability) != self.toggled.binary_search(&g.key).is_ok()
    }

    /// The lines to render, `start..end`: those on screen and a few around them.
    pub fn visible_range(&self) -> (usize, usize) {
        scroll::visible_range(self.scroll_top, self.viewport, self.lines.len())
    }

    /// The findings line `n` stands for: a finding row's own and those merged into it (the
    /// same vulnerability in other targets).
    pub fn line_findings(&self, n: usize) -> Vec<u32> {
        match self.lines.get(n) {
            Some(Line::Item { g, i }) => self.groups[*g as usize].findings_of(*i),
            _ => Vec::new(),
        }
    }

    /// The findings merged into finding `i`'s row (other targets), if any.
    pub fn merged_with(&self, g: u32, i: u32) -> &[u32] {
        self.groups.get(g as usize).map_or(&[], |g| g.also(i))
    }

    /// The target facet's choices, each with its count: the report's targets containing its
    /// search, those with most findings under the current query first, at most
    /// `facet_limit`; and how many more match.
    pub fn facet_targets<'a>(&self, d: &'a Data) -> (Vec<(&'a str, usize)>, usize) {
        let needle = query::fold(self.facet_q.trim());
        let values = d.ix.values(ListFilter::Target);
        let mut shown = Vec::new();
        let mut more = 0;
        for &n in &self.targets_ranked {
            let t = values[n as usize].as_str();
            if !needle.is_empty() && !query::fold(t).contains(&needle) {
                continue;
            }
            if shown.len() < self.facet_limit {
                shown.push((t, self.facets.value(ListFilter::Target, n as usize)));
            } else {
                more += 1;
            }
        }
        (shown, more)
    }

    /// Whether finding `i` is picked.
    pub fn is_picked(&self, i: u32) -> bool {
        self.picked.binary_search(&i).is_ok()
    }

    fn pick(&mut self, more: Vec<u32>) {
        self.picked.extend(more);
        sort(&mut self.picked);
        self.picked.dedup();
    }

    /// What an export covers: the picked findings, or without any, all shown.
    pub fn shown_indices(&self) -> Vec<u32> {
        if self.picked.is_empty() {
            self.selected.clone()
        } else {
            self.picked.clone()
        }
    }

    fn recompute(&mut self, data: &Data) {
        let searched = search::search(data, &self.query, self.searched.as_ref());
        let (selected, facets) = query::apply_filters(&data.ix, &self.query, &searched.result);
        self.selected = selected;
        self.facets = facets;
        self.searched = Some(searched);
        self.scope = data.ix.scope(self.query.show);
        let count = |n: u32| self.facets.value(ListFilter::Target, n as usize);
        let mut ranked: Vec<u32> = (0..data.ix.values(ListFilter::Target).len() as u32).collect();
        // Stable: equal counts keep the values' order, by name.
        sort_by(&mut ranked, |&a, &b| count(b).cmp(&count(a)));
        self.targets_ranked = ranked;
        self.regroup(data);
    }

    fn regroup(&mut self, data: &Data) {
        self.groups = query::group(
            &data.ds,
            &data.ix,
            &self.selected,
            self.query.group,
            !self.query.unmerged,
        );
        self.relines();
    }

    fn relines(&mut self) {
        self.lines = query::flatten(&self.groups, |g| self.collapsed(g));
        if self.cursor.is_some_and(|c| c >= self.lines.len()) {
            self.cursor = None;
        }
    }

    fn hash(&self, push: bool) -> Effect {
        Effect::SetHash {
            hash: query::to_hash(&self.query),
            push,
        }
    }

    fn reset_scroll(&mut self) -> Effect {
        self.scroll_top = 0.0;
        Effect::ScrollList(0.0)
    }

    /// Scrolls so that line `n` is on screen.
    fn reveal(&mut self, n: usize) -> Option<Effect> {
        let top = scroll::reveal(n, self.scroll_top, self.viewport)?;
        self.scroll_top = top;
        Some(Effect::ScrollList(top))
    }

    /// A filter changed: a new result from the top, and a history entry.
    fn changed_query(&mut self, data: &Data) -> Outcome {
        self.recompute(data);
        self.cursor = None;
        Outcome::with(vec![self.reset_scroll(), self.hash(true)])
    }

    /// Shows finding `i` in the detail panel, with a history entry; focus is the caller's to
    /// move: an explicit open takes it to the panel, j/k following the highlight leave it on
    /// the list.
    fn open_detail(&mut self, i: u32, data: &Data) -> Outcome {
        self.detail = Some(i);
        self.query.finding = Some(query::key_of(&data.ds, i as usize));
        Outcome::with(vec![self.hash(true)])
    }

    /// Closes the detail panel, with a history entry; focus is the caller's to move.
    fn close_detail(&mut self) -> Outcome {
        self.detail = None;
        self.query.finding = None;
        Outcome::with(vec![self.hash(true)])
    }

    /// Opens the finding the query names, without moving focus: the page was not asked for it
    /// by a key or a click here (a deep link, back or forward).
    fn open_from_query(&mut self, data: &Data) {
        let ds = &data.ds;
        self.detail = self.query.finding.as_ref().and_then(|key| {
            // Prefer a match among the shown findings, then any.
            self.selected
                .iter()
                .copied()
                .find(|&i| query::key_matches(ds, i as usize, key))
                .or_else(|| {
                    (0..ds.findings.len() as u32).find(|&i| query::key_matches(ds, i as usize, key))
                })
        });
    }
}

impl State {
    /// Whether the list shows exactly the fixable critical and high findings (the header's
    /// "fixable critical/high" filter).
    pub fn fixable_urgent(&self) -> bool {
        self.query.fix == Fix::Fixable && self.query.severities == Severity::CRITICAL_HIGH
    }
}

/// Applies `action` to `s`.
pub fn reduce(s: &mut State, action: Action, data: &Data) -> Outcome {
    match action {
        Action::Search(text) => {
            s.query.q = text;
            s.recompute(data);
            s.cursor = None;
            Outcome::with(vec![s.reset_scroll(), s.hash(false)])
        }
        Action::ToggleSeverity(sev) => {
            s.query.toggle_severity(sev);
            s.changed_query(data)
        }
        Action::ToggleKind(k) => {
            s.query.toggle_kind(k);
            s.changed_query(data)
        }
        Action::SetFix(f) => {
            s.query.fix = f;
            s.changed_query(data)
        }
        Action::SetShow(show) => {
            s.query.show = show;
            s.changed_query(data)
        }
        Action::SetSort(sort) => {
            s.query.sort = sort;
            s.changed_query(data)
        }
        Action::SortColumn(sort) => {
            if s.query.sort == sort {
                s.query.reverse = !s.query.reverse;
            } else {
                s.query.sort = sort;
                s.query.reverse = false;
            }
            s.changed_query(data)
        }
        Action::SetList(which, v) => {
            *s.query.list_mut(which) = v;
            s.changed_query(data)
        }
        Action::ToggleValue(which, v) => {
            let list = s.query.list_mut(which);
            match list.iter().position(|x| *x == v) {
                Some(n) => {
                    list.remove(n);
                }
                None => list.push(v),
            }
            s.changed_query(data)
        }
        Action::ToggleKev => {
            s.query.kev = !s.query.kev;
            s.changed_query(data)
        }
        Action::ToggleFixableUrgent => {
            let urgent = Severity::CRITICAL_HIGH.to_vec();
            if s.fixable_urgent() {
                s.query.fix = Fix::Any;
                s.query.severities.clear();
            } else {
                s.query.fix = Fix::Fixable;
                s.query.severities = urgent;
            }
            s.changed_query(data)
        }
        Action::SetMerge(on) => {
            s.query.unmerged = !on;
            s.regroup(data);
            Outcome::with(vec![s.hash(true)])
        }
        Action::FacetSearch(text) => {
            s.facet_q = text;
            s.facet_limit = FACET_TOP;
            Outcome::render()
        }
        Action::FacetMore => {
            s.facet_limit += FACET_TOP * 6;
            Outcome::render()
        }
        Action::ToggleControls => {
            s.controls_open = !s.controls_open;
            Outcome::render()
        }
        Action::OpenFixFirst => {
            if data.ds.report.fix_first.is_empty() {
                return Outcome::none();
            }
            s.fix_first = true;
            Outcome::with(vec![Effect::FocusId(FIX_FIRST)])
        }
        Action::CloseFixFirst => {
            s.fix_first = false;
            Outcome::with(vec![Effect::FocusId(FIX_FIRST_BUTTON)])
        }
        Action::Narrow(n) => {
            s.fix_first = false;
            s.query = n.query(&s.query);
            let mut out = s.changed_query(data);
            // Focus goes where the entry's findings now are, the list's first line, so that
            // j, k and Enter go on from there; the panel it was in is gone.
            if s.lines.is_empty() {
                out.effects.push(Effect::FocusSearch);
            } else {
                s.cursor = Some(0);
                out.effects.push(Effect::FocusCursor);
            }
            out
        }
        Action::ExpandAll | Action::CollapseAll => {
            let fold = action == Action::CollapseAll;
            let by_id = s.query.group == GroupBy::Vulnerability;
            // A group differs from its default when folding it is not what its kind does.
            s.toggled = if fold == by_id {
                Vec::new()
            } else {
                let mut keys: Vec<String> = s.groups.iter().map(|g| g.key.clone()).collect();
                sort(&mut keys);
                keys.dedup();
                keys
            };
            s.cursor = None;
            s.relines();
            Outcome::with(vec![s.reset_scroll()])
        }
        Action::ClearFilters => {
            s.query = Query {
                group: s.query.group,
                sort: s.query.sort,
                finding: s.query.finding.take(),
                ..Query::default()
            };
            s.changed_query(data)
        }
        Action::SetGroup(g) => {
            // The same findings, laid out anew: no search, and every group back to its default.
            s.query.group = g;
            s.toggled.clear();
            s.regroup(data);
            Outcome::with(vec![s.reset_scroll(), s.hash(true)])
        }
        Action::ToggleGroup(key) => {
            match s.toggled.binary_search(&key) {
                Ok(at) => drop(s.toggled.remove(at)),
                Err(at) => s.toggled.insert(at, key),
            }
            s.relines();
            Outcome::render()
        }
        Action::Scrolled(top) => {
            let before = s.visible_range();
            s.scroll_top = top;
            Outcome {
                render: s.visible_range() != before,
                effects: Vec::new(),
            }
        }
        Action::Resized(height) => {
            s.viewport = height;
            Outcome::render()
        }
        Action::Open(i) => {
            let mut out = s.open_detail(i, data);
            out.effects.push(Effect::FocusId(DETAIL));
            out
        }
        Action::Close => {
            let closed = s.detail;
            let mut out = s.close_detail();
            // Focus was in the panel, which is gone (it would fall to the page): it goes to
            // the highlighted line, else the closed finding's line, else the first, for j, k
            // and Enter to go on from there; with no line, to the search.
            let line = s
                .cursor
                .filter(|&c| c < s.lines.len())
                .or_else(|| {
                    let i = closed?;
                    s.lines
                        .iter()
                        .position(|l| matches!(l, Line::Item { i: j, .. } if *j == i))
                })
                .or((!s.lines.is_empty()).then_some(0));
            match line {
                Some(n) => {
                    s.cursor = Some(n);
                    out.effects.extend(s.reveal(n));
                    out.effects.push(Effect::FocusCursor);
                }
                None => out.effects.push(Effect::FocusSearch),
            }
            out
        }
        Action::Pick(i) => {
            // A merged row picks (or unpicks) every finding it stands for.
            let all = s
                .groups
                .iter()
                .find(|g| !g.also(i).is_empty())
                .map(|g| g.findings_of(i))
                .unwrap_or_else(|| vec![i]);
            if s.is_picked(i) {
                s.picked.retain(|j| !all.contains(j));
            } else {
                s.pick(all);
            }
            Outcome::render()
        }
        Action::PickShown => {
            let shown = s.selected.clone();
            s.pick(shown);
            Outcome::render()
        }
        Action::ClearPicks => {
            s.picked.clear();
            Outcome::render()
        }
        Action::Export(kind) => {
            let idx = s.shown_indices();
            let text = match kind {
                ExportKind::Text => export::trivyignore(&data.ds, &idx),
                ExportKind::Yaml => export::trivyignore_yaml(&data.ds, &idx),
            };
            s.export = Some((kind, text));
            s.copied = false;
            Outcome::with(vec![Effect::FocusId(EXPORT)])
        }
        Action::CloseExport => match s.export.take() {
            Some((kind, _)) => Outcome::with(vec![Effect::FocusId(kind.button())]),
            None => Outcome::none(),
        },
        Action::Copy => match &s.export {
            Some((_, text)) => {
                let copy = Effect::Copy(text.clone());
                s.copied = true;
                Outcome::with(vec![copy])
            }
            None => Outcome::render(),
        },
        Action::HashChanged(hash) => {
            let q = query::from_hash(&hash);
            if q == s.query {
                return Outcome::none();
            }
            // Only the grouping (or the open finding) moved: the result stands.
            let regroup_only = Query {
                group: s.query.group,
                unmerged: s.query.unmerged,
                finding: s.query.finding.clone(),
                ..q.clone()
            } == s.query;
            s.query = q;
            let mut effects = Vec::new();
            if regroup_only {
                s.regroup(data);
            } else {
                s.recompute(data);
                // Another list: the highlight's line number would point at another finding.
                s.cursor = None;
                effects.push(s.reset_scroll());
            }
            s.open_from_query(data);
            Outcome::with(effects)
        }
        Action::Key(k) => keys::reduce_key(s, k, data),
        Action::Cursor(n) => {
            s.cursor = Some(n);
            Outcome::render()
        }
        Action::ToggleTheme => Outcome::with(vec![Effect::ToggleTheme]),
    }
}
