//! The app component: controls, summary bar, the windowed list and the detail panel.

use gloo::events::{EventListener, EventListenerOptions};
use scanlens_model::compact::Dataset;
use scanlens_model::export;
use scanlens_model::present::one_decimal;
use scanlens_model::view::{self as query, Fix, Group, GroupBy, Index, Line, Query, Show, SortBy};
use scanlens_model::{Kind, Severity};
use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

/// Every list line is this tall (px); the CSS gives rows the same height. A fixed height lets
/// the list compute which lines are on screen without measuring any.
pub const ROW_H: f64 = 32.0;
/// Lines rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;

/// The report and everything precomputed from it once.
pub struct Data {
    pub ds: Dataset,
    pub ix: Index,
    /// Distinct values for the multi-value filters, with counts.
    pub statuses: Vec<(String, usize)>,
    pub classes: Vec<(String, usize)>,
    pub types: Vec<(String, usize)>,
    pub targets: Vec<(String, usize)>,
}

fn distinct<'a>(it: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut m: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in it.filter(|s| !s.is_empty()) {
        *m.entry(s).or_default() += 1;
    }
    m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl Data {
    pub fn new(ds: Dataset) -> Data {
        let ix = Index::new(&ds);
        let f = &ds.findings;
        Data {
            statuses: distinct(f.iter().map(|o| o.status.as_deref().unwrap_or(""))),
            classes: distinct(f.iter().map(|o| o.class.as_str())),
            types: distinct(f.iter().map(|o| o.target_type.as_str())),
            targets: distinct(f.iter().map(|o| o.target.as_str())),
            ds,
            ix,
        }
    }
}

#[derive(Properties, Clone)]
pub struct Props {
    pub data: Rc<Data>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.data, &other.data)
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum ListFilter {
    Status,
    Class,
    Type,
    Target,
}

#[derive(Clone, Copy, PartialEq)]
pub enum ExportKind {
    Text,
    Yaml,
}

pub enum Msg {
    Search(String),
    ToggleSeverity(Severity),
    ToggleKind(Kind),
    SetFix(Fix),
    SetShow(Show),
    SetGroup(GroupBy),
    SetSort(SortBy),
    SetList(ListFilter, Vec<String>),
    ClearFilters,
    ToggleGroup(String),
    Scroll,
    Resize,
    Open(u32),
    Close,
    Pick(u32),
    PickShown,
    ClearPicks,
    Export(ExportKind),
    CloseExport,
    Copy,
    HashChanged,
    Key(KeyboardEvent),
    Cursor(usize),
    ToggleTheme,
}

pub struct App {
    query: Query,
    /// The current result, in sort order.
    selected: Rc<Vec<u32>>,
    /// The search this result answered, to narrow it when the next keystroke extends it.
    searched: Option<(Query, Rc<Vec<u32>>)>,
    scope: usize,
    groups: Vec<Group>,
    lines: Vec<Line>,
    /// Groups whose collapse state differs from the default.
    toggled: HashSet<String>,
    scroll_top: f64,
    viewport: f64,
    cursor: Option<usize>,
    detail: Option<u32>,
    picked: BTreeSet<u32>,
    export: Option<(ExportKind, String)>,
    copied: bool,
    list_ref: NodeRef,
    spacer_ref: NodeRef,
    window_ref: NodeRef,
    search_ref: NodeRef,
    _listeners: Vec<EventListener>,
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

fn theme_attr() -> Option<String> {
    window()
        .document()?
        .document_element()?
        .get_attribute("data-theme")
}

impl App {
    fn data<'a>(&self, ctx: &'a Context<Self>) -> &'a Data {
        &ctx.props().data
    }

    /// Recomputes the result after a change of query; `push` records a history entry so back
    /// and forward step through filter changes (keystrokes replace the entry instead).
    fn recompute(&mut self, ctx: &Context<Self>) {
        let d = self.data(ctx);
        // A keystroke that only extends the search can scan the earlier result instead of all.
        let within = self.searched.as_ref().and_then(|(prev, res)| {
            let same_rest = Query {
                q: String::new(),
                finding: None,
                group: GroupBy::Severity,
                ..prev.clone()
            } == Query {
                q: String::new(),
                finding: None,
                group: GroupBy::Severity,
                ..self.query.clone()
            };
            let pt = query::terms(&prev.q);
            let nt = query::terms(&self.query.q);
            let narrows = !pt.is_empty()
                && pt.len() <= nt.len()
                && pt.iter().zip(&nt).all(|(p, n)| n.contains(p.as_str()));
            (same_rest && narrows).then(|| res.clone())
        });
        let sel = Rc::new(query::select(
            &d.ds,
            &d.ix,
            &self.query,
            within.as_deref().map(|v| v.as_slice()),
        ));
        self.searched = Some((self.query.clone(), sel.clone()));
        self.scope = query::scope_count(&d.ds, self.query.show);
        self.selected = sel;
        self.regroup(ctx);
    }

    fn regroup(&mut self, ctx: &Context<Self>) {
        let d = self.data(ctx);
        self.groups = query::group(&d.ds, &d.ix, &self.selected, self.query.group);
        self.relines();
    }

    fn relines(&mut self) {
        let by_id = self.query.group == GroupBy::Vulnerability;
        let toggled = &self.toggled;
        // Vulnerability groups start collapsed: the header is the merged row for the CVE.
        self.lines = query::flatten(&self.groups, |g| by_id != toggled.contains(&g.key));
        if self.cursor.is_some_and(|c| c >= self.lines.len()) {
            self.cursor = None;
        }
    }

    fn write_hash(&self, push: bool) {
        let h = query::to_hash(&self.query);
        if current_hash().trim_start_matches('#') == h {
            return;
        }
        let url = if h.is_empty() {
            // An empty fragment keeps the page URL without a trailing `#`.
            let loc = window().location();
            format!(
                "{}{}",
                loc.pathname().unwrap_or_default(),
                loc.search().unwrap_or_default()
            )
        } else {
            format!("#{h}")
        };
        if let Ok(hist) = window().history() {
            let _ = if push {
                hist.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
            } else {
                hist.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
            };
        }
    }

    fn open_from_query(&mut self, ctx: &Context<Self>) {
        let d = self.data(ctx);
        self.detail = self.query.finding.as_ref().and_then(|key| {
            // Prefer a match among the shown findings, then any.
            self.selected
                .iter()
                .copied()
                .find(|&i| query::key_matches(&d.ds, i as usize, key))
                .or_else(|| {
                    (0..d.ds.findings.len() as u32)
                        .find(|&i| query::key_matches(&d.ds, i as usize, key))
                })
        });
    }

    fn set_scroll(&self, top: f64) {
        if let Some(el) = self.list_ref.cast::<HtmlElement>() {
            el.set_scroll_top(top.max(0.0) as i32);
        }
    }

    fn reset_scroll(&mut self) {
        self.scroll_top = 0.0;
        self.set_scroll(0.0);
    }

    /// Scrolls so that line `n` is on screen.
    fn reveal(&mut self, n: usize) {
        let top = n as f64 * ROW_H;
        if top < self.scroll_top {
            self.scroll_top = top;
            self.set_scroll(top);
        } else if top + ROW_H > self.scroll_top + self.viewport {
            self.scroll_top = top + ROW_H - self.viewport;
            self.set_scroll(self.scroll_top);
        }
    }

    fn changed_query(&mut self, ctx: &Context<Self>, push: bool) {
        self.recompute(ctx);
        self.reset_scroll();
        self.cursor = None;
        self.write_hash(push);
    }

    fn visible_range(&self) -> (usize, usize) {
        let first = (self.scroll_top / ROW_H).floor() as usize;
        let count = (self.viewport / ROW_H).ceil() as usize + 1;
        let start = first.saturating_sub(OVERSCAN);
        let end = (first + count + OVERSCAN).min(self.lines.len());
        (start.min(end), end)
    }

    fn shown_indices(&self) -> Vec<u32> {
        if self.picked.is_empty() {
            self.selected.to_vec()
        } else {
            self.picked.iter().copied().collect()
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = Props;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let win = window();
        let doc = win.document().expect("a document");
        let mut listeners = Vec::new();
        {
            let l = link.clone();
            listeners.push(EventListener::new(&win, "popstate", move |_| {
                l.send_message(Msg::HashChanged)
            }));
            let l = link.clone();
            listeners.push(EventListener::new(&win, "hashchange", move |_| {
                l.send_message(Msg::HashChanged)
            }));
            let l = link.clone();
            listeners.push(EventListener::new(&win, "resize", move |_| {
                l.send_message(Msg::Resize)
            }));
            let l = link.clone();
            listeners.push(EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                        l.send_message(Msg::Key(k.clone()))
                    }
                },
            ));
        }
        // A theme chosen earlier wins over the system preference.
        if let Ok(Some(store)) = win.local_storage() {
            if let Ok(Some(t)) = store.get_item("scanlens-theme") {
                if t == "dark" || t == "light" {
                    if let Some(el) = doc.document_element() {
                        let _ = el.set_attribute("data-theme", &t);
                    }
                }
            }
        }
        let mut app = App {
            query: query::from_hash(&current_hash()),
            selected: Rc::new(Vec::new()),
            searched: None,
            scope: 0,
            groups: Vec::new(),
            lines: Vec::new(),
            toggled: HashSet::new(),
            scroll_top: 0.0,
            viewport: win
                .inner_height()
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(800.0),
            cursor: None,
            detail: None,
            picked: BTreeSet::new(),
            export: None,
            copied: false,
            list_ref: NodeRef::default(),
            spacer_ref: NodeRef::default(),
            window_ref: NodeRef::default(),
            search_ref: NodeRef::default(),
            _listeners: listeners,
        };
        app.recompute(ctx);
        app.open_from_query(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Search(s) => {
                self.query.q = s;
                self.recompute(ctx);
                self.reset_scroll();
                self.cursor = None;
                self.write_hash(false);
            }
            Msg::ToggleSeverity(s) => {
                self.query.toggle_severity(s);
                self.changed_query(ctx, true);
            }
            Msg::ToggleKind(k) => {
                self.query.toggle_kind(k);
                self.changed_query(ctx, true);
            }
            Msg::SetFix(f) => {
                self.query.fix = f;
                self.changed_query(ctx, true);
            }
            Msg::SetShow(s) => {
                self.query.show = s;
                self.changed_query(ctx, true);
            }
            Msg::SetGroup(g) => {
                self.query.group = g;
                self.toggled.clear();
                self.regroup(ctx);
                self.reset_scroll();
                self.write_hash(true);
            }
            Msg::SetSort(s) => {
                self.query.sort = s;
                self.changed_query(ctx, true);
            }
            Msg::SetList(which, v) => {
                match which {
                    ListFilter::Status => self.query.statuses = v,
                    ListFilter::Class => self.query.classes = v,
                    ListFilter::Type => self.query.pkg_types = v,
                    ListFilter::Target => self.query.targets = v,
                }
                self.changed_query(ctx, true);
            }
            Msg::ClearFilters => {
                self.query = Query {
                    group: self.query.group,
                    sort: self.query.sort,
                    finding: self.query.finding.clone(),
                    ..Default::default()
                };
                self.changed_query(ctx, true);
            }
            Msg::ToggleGroup(key) => {
                if !self.toggled.remove(&key) {
                    self.toggled.insert(key);
                }
                self.relines();
            }
            Msg::Scroll => {
                let top = self
                    .list_ref
                    .cast::<HtmlElement>()
                    .map_or(0.0, |e| e.scroll_top() as f64);
                let before = self.visible_range();
                self.scroll_top = top;
                return self.visible_range() != before;
            }
            Msg::Resize => {
                if let Some(el) = self.list_ref.cast::<HtmlElement>() {
                    self.viewport = el.client_height().max(1) as f64;
                }
            }
            Msg::Open(i) => {
                let d = self.data(ctx);
                self.detail = Some(i);
                self.query.finding = Some(query::key_of(&d.ds, i as usize));
                self.write_hash(true);
            }
            Msg::Close => {
                self.detail = None;
                self.query.finding = None;
                self.write_hash(true);
            }
            Msg::Pick(i) => {
                if !self.picked.remove(&i) {
                    self.picked.insert(i);
                }
            }
            Msg::PickShown => {
                self.picked.extend(self.selected.iter().copied());
            }
            Msg::ClearPicks => self.picked.clear(),
            Msg::Export(kind) => {
                let d = self.data(ctx);
                let idx = self.shown_indices();
                let text = match kind {
                    ExportKind::Text => export::trivyignore(&d.ds, &idx),
                    ExportKind::Yaml => export::trivyignore_yaml(&d.ds, &idx),
                };
                self.export = Some((kind, text));
                self.copied = false;
            }
            Msg::CloseExport => self.export = None,
            Msg::Copy => {
                if let Some((_, text)) = &self.export {
                    let clip = window().navigator().clipboard();
                    let _ = clip.write_text(text);
                    self.copied = true;
                }
            }
            Msg::HashChanged => {
                let q = query::from_hash(&current_hash());
                if q == self.query {
                    return false;
                }
                let regroup_only = Query {
                    group: self.query.group,
                    finding: self.query.finding.clone(),
                    ..q.clone()
                } == self.query;
                self.query = q;
                if regroup_only {
                    self.regroup(ctx);
                } else {
                    self.recompute(ctx);
                    self.reset_scroll();
                }
                self.open_from_query(ctx);
            }
            Msg::Cursor(n) => {
                self.cursor = Some(n);
            }
            Msg::Key(e) => return self.key(ctx, e),
            Msg::ToggleTheme => {
                let dark_now = match theme_attr().as_deref() {
                    Some("dark") => true,
                    Some("light") => false,
                    _ => window()
                        .match_media("(prefers-color-scheme: dark)")
                        .ok()
                        .flatten()
                        .is_some_and(|m| m.matches()),
                };
                let next = if dark_now { "light" } else { "dark" };
                if let Some(el) = window().document().and_then(|d| d.document_element()) {
                    let _ = el.set_attribute("data-theme", next);
                }
                if let Ok(Some(store)) = window().local_storage() {
                    let _ = store.set_item("scanlens-theme", next);
                }
            }
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first: bool) {
        // Sizes go through the CSSOM, not `style` attributes: the page's CSP forbids inline
        // style attributes but not script-set styles.
        if let Some(el) = self.spacer_ref.cast::<HtmlElement>() {
            let _ = el.style().set_property(
                "height",
                &format!("{}px", (self.lines.len() as f64 * ROW_H) as u64),
            );
        }
        if let Some(el) = self.window_ref.cast::<HtmlElement>() {
            let (start, _) = self.visible_range();
            let _ = el.style().set_property(
                "transform",
                &format!("translateY({}px)", (start as f64 * ROW_H) as u64),
            );
        }
        if first {
            if let Some(el) = self.list_ref.cast::<HtmlElement>() {
                let h = el.client_height() as f64;
                if h > 0.0 && (h - self.viewport).abs() > 1.0 {
                    self.viewport = h;
                    _ctx.link().send_message(Msg::Resize);
                }
            }
            if let Some(doc) = window().document() {
                if let Some(b) = doc.body() {
                    // Lets tests and the print stylesheet know the app is up.
                    let _ = b.set_attribute("data-scanlens", "ready");
                    // Navigation start to first rows on screen, for the benchmark harness.
                    if let Some(p) = window().performance() {
                        let _ = b.set_attribute("data-ready-ms", &format!("{}", p.now() as u64));
                    }
                }
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let d = self.data(ctx);
        let link = ctx.link();
        html! {
            <div class={classes!("app", self.detail.is_some().then_some("with-detail"))}>
                { self.view_header(ctx) }
                { self.view_controls(ctx) }
                if d.ds.findings.is_empty() {
                    { self.view_empty(ctx) }
                } else {
                    <div class="main">
                        { self.view_list(ctx) }
                        if let Some(i) = self.detail {
                            { crate::detail::view(&d.ds, &d.ix, i as usize, &self.query.q, link.callback(|_| Msg::Close)) }
                        }
                    </div>
                }
                if let Some((kind, text)) = &self.export {
                    { self.view_export(ctx, *kind, text) }
                }
            </div>
        }
    }
}

impl App {
    fn key(&mut self, ctx: &Context<Self>, e: KeyboardEvent) -> bool {
        let target_is_input = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        let key = e.key();
        match key.as_str() {
            "/" if !target_is_input => {
                e.prevent_default();
                if let Some(i) = self.search_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                    i.select();
                }
                false
            }
            "Escape" => {
                if self.export.is_some() {
                    self.export = None;
                } else if !self.query.q.is_empty() {
                    if let Some(i) = self.search_ref.cast::<HtmlInputElement>() {
                        i.set_value("");
                    }
                    ctx.link().send_message(Msg::Search(String::new()));
                    return false;
                } else if self.detail.is_some() {
                    ctx.link().send_message(Msg::Close);
                    return false;
                } else if let Some(i) = self.search_ref.cast::<HtmlInputElement>() {
                    let _ = i.blur();
                }
                true
            }
            "ArrowDown" | "j" | "ArrowUp" | "k" if !target_is_input || key.starts_with("Arrow") => {
                if target_is_input
                    && e.target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| el.tag_name() != "INPUT")
                {
                    return false;
                }
                if self.lines.is_empty() {
                    return false;
                }
                e.prevent_default();
                let down = key == "ArrowDown" || key == "j";
                let n = match (self.cursor, down) {
                    (None, _) => 0,
                    (Some(c), true) => (c + 1).min(self.lines.len() - 1),
                    (Some(c), false) => c.saturating_sub(1),
                };
                self.cursor = Some(n);
                self.reveal(n);
                if let Line::Item { i, .. } = self.lines[n] {
                    // Following the cursor with the detail view makes j/k a quick review.
                    if self.detail.is_some() {
                        ctx.link().send_message(Msg::Open(i));
                    }
                }
                true
            }
            "Enter" | " " if !target_is_input => {
                let Some(c) = self.cursor else { return false };
                let focused_button = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| matches!(el.tag_name().as_str(), "BUTTON" | "A"));
                if focused_button {
                    return false;
                }
                e.prevent_default();
                match self.lines.get(c) {
                    Some(Line::Item { i, .. }) => ctx.link().send_message(Msg::Open(*i)),
                    Some(Line::Header(g)) => {
                        let key = self.groups[*g as usize].key.clone();
                        ctx.link().send_message(Msg::ToggleGroup(key))
                    }
                    None => {}
                }
                false
            }
            _ => false,
        }
    }

    fn view_header(&self, ctx: &Context<Self>) -> Html {
        let d = self.data(ctx);
        let r = &d.ds.report;
        let link = ctx.link();
        let sum = &r.summary;
        let sev_buttons = Severity::ALL.iter().map(|&s| {
            let n = sum.severity_total(s);
            let on = self.query.severities.contains(&s);
            html! {
                <button type="button" class={classes!("count", format!("sev-{}", s.as_str().to_ascii_lowercase()))}
                    aria-pressed={on.to_string()} data-severity={s.as_str()}
                    title={format!("Show only {} findings (click again to undo)", s.as_str())}
                    onclick={link.callback(move |_| Msg::ToggleSeverity(s))}>
                    <span class="n">{ n }</span><span class="l">{ s.as_str() }</span>
                </button>
            }
        });
        let kind_buttons = Kind::ALL.iter().filter(|k| sum.of(**k).total() > 0 || **k == Kind::Vulnerability).map(|&k| {
            let on = self.query.kinds.contains(&k);
            html! {
                <button type="button" class="count kind" aria-pressed={on.to_string()} data-kind={k.as_str()}
                    onclick={link.callback(move |_| Msg::ToggleKind(k))}>
                    <span class="n">{ sum.of(k).total() }</span><span class="l">{ k.plural() }</span>
                </button>
            }
        });
        let names: Vec<&str> = r.artifacts.iter().map(|a| a.name.as_str()).collect();
        let gate = r.gate.as_ref().filter(|g| !g.fail_on.is_empty()).map(|g| {
            let sevs: Vec<&str> = g.fail_on.iter().map(|s| s.as_str()).collect();
            if g.failed {
                html! { <span class="gate gate-failed">{ format!("Gate failed: {} at {}", g.failing, sevs.join(",")) }</span> }
            } else {
                html! { <span class="gate gate-passed">{ "Gate passed" }</span> }
            }
        });
        html! {
            <header class="top">
                <div class="titlebar">
                    <h1>{ if names.is_empty() { "Scanlens report".to_string() } else { names.join(", ") } }</h1>
                    { for gate }
                    <span class="meta">{ format!("{} total · {} fixable · {} packages", sum.total(), r.stats.fixable, r.stats.packages) }</span>
                    <button type="button" class="theme" aria-label="Toggle dark theme" onclick={link.callback(|_| Msg::ToggleTheme)}>{ "◐" }</button>
                </div>
                <nav class="summary" aria-label="Counts by severity and kind; click to filter">
                    { for sev_buttons }
                    <span class="sep" aria-hidden="true"></span>
                    { for kind_buttons }
                </nav>
            </header>
        }
    }

    fn view_controls(&self, ctx: &Context<Self>) -> Html {
        let d = self.data(ctx);
        let link = ctx.link();
        let q = &self.query;
        let oninput = link.callback(|e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            Msg::Search(i.value())
        });
        let select_one = |id: &'static str,
                          label: &'static str,
                          opts: Vec<(&'static str, &'static str)>,
                          cur: &'static str,
                          cb: Callback<String>| {
            html! {
                <label class="ctl" for={id}>{ label }
                    <select id={id} onchange={cb.reform(|e: Event| { let s: HtmlSelectElement = e.target_unchecked_into(); s.value() })}>
                        { for opts.into_iter().map(|(v, l)| html!{ <option value={v} selected={v == cur}>{ l }</option> }) }
                    </select>
                </label>
            }
        };
        let multi = |id: &'static str,
                     label: &'static str,
                     which: ListFilter,
                     values: &[(String, usize)],
                     cur: &[String]| {
            if values.len() < 2 && cur.is_empty() {
                return html! {};
            }
            let cb = link.callback(move |e: Event| {
                let s: HtmlSelectElement = e.target_unchecked_into();
                let opts = s.selected_options();
                let v = (0..opts.length())
                    .filter_map(|n| opts.item(n))
                    .filter_map(|o| o.get_attribute("value"))
                    .filter(|v| !v.is_empty())
                    .collect();
                Msg::SetList(which, v)
            });
            html! {
                <label class="ctl multi" for={id}>{ label }
                    <select id={id} multiple=true size="3" onchange={cb}>
                        { for values.iter().map(|(v, n)| html!{ <option value={v.clone()} selected={cur.contains(v)}>{ format!("{v} ({n})") }</option> }) }
                    </select>
                </label>
            }
        };
        let shown = self.selected.len();
        html! {
            <div class="controls" role="search">
                <div class="searchbox">
                    <label for="q" class="visually-hidden">{ "Search findings" }</label>
                    <input id="q" type="search" ref={self.search_ref.clone()} value={q.q.clone()}
                        placeholder="Search ID, package, PURL, title, description, target, path  ( / )"
                        autocomplete="off" spellcheck="false" {oninput} />
                    <output class="count-of" aria-live="polite" for="q">
                        { format!("{} of {} findings", shown, self.scope) }
                    </output>
                </div>
                <div class="filters">
                    { select_one("group", "Group", GroupBy::ALL.iter().map(|g| (g.as_str(), g.label())).collect(), q.group.as_str(),
                        link.callback(|v: String| Msg::SetGroup(GroupBy::from_name(&v).unwrap_or_default()))) }
                    { select_one("sort", "Sort", SortBy::ALL.iter().map(|s| (s.as_str(), s.label())).collect(), q.sort.as_str(),
                        link.callback(|v: String| Msg::SetSort(SortBy::from_name(&v).unwrap_or_default()))) }
                    { select_one("fix", "Fix", vec![("any", "Any"), ("fixable", "Fixable"), ("unfixed", "Unfixed")], q.fix.as_str(),
                        link.callback(|v: String| Msg::SetFix(Fix::from_name(&v).unwrap_or_default()))) }
                    { select_one("show", "Show", vec![("counted", "Counted"), ("hidden", "Suppressed / ignored"), ("all", "All")], q.show.as_str(),
                        link.callback(|v: String| Msg::SetShow(Show::from_name(&v).unwrap_or_default()))) }
                    { multi("f-status", "Status", ListFilter::Status, &d.statuses, &q.statuses) }
                    { multi("f-class", "Class", ListFilter::Class, &d.classes, &q.classes) }
                    { multi("f-type", "Type", ListFilter::Type, &d.types, &q.pkg_types) }
                    { multi("f-target", "Target", ListFilter::Target, &d.targets, &q.targets) }
                    <div class="actions">
                        if !q.is_unfiltered() {
                            <button type="button" onclick={link.callback(|_| Msg::ClearFilters)}>{ "Clear filters" }</button>
                        }
                        <button type="button" onclick={link.callback(|_| Msg::PickShown)} title="Select every shown finding">{ "Select shown" }</button>
                        if !self.picked.is_empty() {
                            <button type="button" onclick={link.callback(|_| Msg::ClearPicks)}>{ format!("Unselect {}", self.picked.len()) }</button>
                        }
                        <button type="button" onclick={link.callback(|_| Msg::Export(ExportKind::Text))}
                            title="Selected findings (or all shown) as .trivyignore lines">{ ".trivyignore" }</button>
                        <button type="button" onclick={link.callback(|_| Msg::Export(ExportKind::Yaml))}
                            title="Selected findings (or all shown) as .trivyignore.yaml entries">{ ".trivyignore.yaml" }</button>
                    </div>
                </div>
            </div>
        }
    }

    fn view_list(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let (start, end) = self.visible_range();
        let rows = (start..end).map(|n| self.view_line(ctx, n));
        html! {
            <div class="list" ref={self.list_ref.clone()} onscroll={link.callback(|_| Msg::Scroll)}
                role="grid" aria-rowcount={self.lines.len().to_string()} aria-label="Findings" tabindex="0">
                <div class="spacer" ref={self.spacer_ref.clone()}>
                    <div class="window" ref={self.window_ref.clone()}>
                        { for rows }
                    </div>
                </div>
                if self.lines.is_empty() {
                    <p class="none">{ "No findings match. " }
                        <button type="button" onclick={link.callback(|_| Msg::ClearFilters)}>{ "Clear filters" }</button></p>
                }
            </div>
        }
    }

    fn view_line(&self, ctx: &Context<Self>, n: usize) -> Html {
        let d = self.data(ctx);
        let link = ctx.link();
        let cur = self.cursor == Some(n);
        let q = &self.query.q;
        match self.lines[n] {
            Line::Header(g) => {
                let g = &self.groups[g as usize];
                let by_id = self.query.group == GroupBy::Vulnerability;
                let collapsed = by_id != self.toggled.contains(&g.key);
                let key = g.key.clone();
                let sev = g.worst.as_str().to_ascii_lowercase();
                let extra = if by_id {
                    let first = g.rows[0] as usize;
                    let a = d.ds.advisory(first);
                    let mut pk: Vec<&str> = g
                        .rows
                        .iter()
                        .map(|&i| d.ds.findings[i as usize].package_name())
                        .filter(|p| !p.is_empty())
                        .collect();
                    pk.dedup();
                    let more = pk.len().saturating_sub(4);
                    let mut list = pk.iter().take(4).copied().collect::<Vec<_>>().join(", ");
                    if more > 0 {
                        list.push_str(&format!(" +{more}"));
                    }
                    html! { <>
                        <span class="pkgs">{ list }</span>
                        <span class="title">{ hl(&a.title, q) }</span>
                    </> }
                } else {
                    html! {}
                };
                html! {
                    <div class={classes!("line", "group", format!("sev-{sev}"), cur.then_some("cursor"))} role="row" key={format!("h{}", g.key)}>
                        <button type="button" class="toggle" aria-expanded={(!collapsed).to_string()}
                            onclick={link.callback(move |_| Msg::ToggleGroup(key.clone()))}>
                            <span class="chev" aria-hidden="true">{ if collapsed { "▸" } else { "▾" } }</span>
                            if by_id {
                                <span class={classes!("sev", format!("sev-{sev}"))}>{ g.worst.as_str() }</span>
                                <span class="gid">{ hl(&g.label, q) }</span>
                            } else {
                                <span class="glabel">{ &g.label }</span>
                            }
                            <span class="gcount">{ format!("{} finding{}", g.rows.len(), if g.rows.len() == 1 { "" } else { "s" }) }</span>
                            { extra }
                        </button>
                    </div>
                }
            }
            Line::Item { i, .. } => {
                let o = &d.ds.findings[i as usize];
                let a = d.ds.advisory(i as usize);
                let sev = o.severity.as_str().to_ascii_lowercase();
                let pkg = o.package.as_ref();
                let version = pkg.map(|p| {
                    if p.fixed_version.is_empty() {
                        p.installed_version.clone()
                    } else {
                        format!("{} → {}", p.installed_version, p.fixed_version)
                    }
                });
                let title = if a.title.is_empty() {
                    o.misconfiguration
                        .as_ref()
                        .map(|m| m.message.as_str())
                        .unwrap_or(&a.description)
                } else {
                    &a.title
                };
                let open = self.detail == Some(i);
                let picked = self.picked.contains(&i);
                let cvss = d.ix.cvss(i as usize).map(|c| one_decimal(c as f64));
                html! {
                    <div class={classes!("line", "item", cur.then_some("cursor"), open.then_some("open"), (!o.is_counted() || o.excluded.is_some()).then_some("hidden-finding"))}
                        role="row" key={format!("f{i}")} aria-selected={open.to_string()}>
                        <input type="checkbox" class="pick" checked={picked} aria-label={format!("Select {}", o.id)}
                            onclick={link.callback(move |_| Msg::Pick(i))} />
                        <span class={classes!("sev", format!("sev-{sev}"))}>{ o.severity.as_str() }</span>
                        <button type="button" class="fid" onclick={link.callback(move |_| Msg::Open(i))}
                            onfocus={link.callback(move |_| Msg::Cursor(n))}>{ hl(&o.id, q) }</button>
                        <span class="cvss">{ cvss.unwrap_or_default() }</span>
                        <span class="pkg">{ hl(o.package_name(), q) }</span>
                        <span class="ver">{ version.unwrap_or_default() }</span>
                        <span class="title">{ hl(title, q) }</span>
                        <span class="target">{ hl(&o.target, q) }</span>
                    </div>
                }
            }
        }
    }

    fn view_empty(&self, ctx: &Context<Self>) -> Html {
        let r = &self.data(ctx).ds.report;
        html! {
            <section class="empty">
                <h2>{ "No findings" }</h2>
                <p>{ "Trivy reported no vulnerabilities, misconfigurations, secrets or licenses for what was scanned:" }</p>
                <ul>
                    { for r.artifacts.iter().map(|a| html!{ <li><strong>{ &a.name }</strong>{ format!(" ({}), from {}", a.artifact_type, a.source) }</li> }) }
                    { for r.targets.iter().map(|t| html!{ <li class="muted">{ format!("{} — {} {}, {} packages", t.name, t.class, t.target_type, t.packages) }</li> }) }
                </ul>
            </section>
        }
    }

    fn view_export(&self, ctx: &Context<Self>, kind: ExportKind, text: &str) -> Html {
        let link = ctx.link();
        let name = match kind {
            ExportKind::Text => ".trivyignore",
            ExportKind::Yaml => ".trivyignore.yaml",
        };
        let what = if self.picked.is_empty() {
            format!("all {} shown findings", self.selected.len())
        } else {
            format!("{} selected findings", self.picked.len())
        };
        let scope = match kind {
            ExportKind::Text => "Plain .trivyignore lines cannot be scoped: each ID is ignored everywhere, in every target, package and file. Use .trivyignore.yaml to ignore only these findings.",
            ExportKind::Yaml => "Each entry is pinned to the finding's target and package URL (a secret or misconfiguration to its file), so only these findings are ignored.",
        };
        html! {
            <div class="export" role="dialog" aria-label={format!("{name} for {what}")}>
                <p><strong>{ name }</strong>{ format!(" for {what}") }</p>
                <p class="scope">{ scope }</p>
                <label for="export-text" class="visually-hidden">{ name }</label>
                <textarea id="export-text" readonly=true rows="12" value={text.to_string()} />
                <div class="actions">
                    <button type="button" onclick={link.callback(|_| Msg::Copy)}>{ if self.copied { "Copied" } else { "Copy" } }</button>
                    <button type="button" onclick={link.callback(|_| Msg::CloseExport)}>{ "Close" }</button>
                </div>
            </div>
        }
    }
}

/// `text` with the search matches wrapped in `<mark>`; text nodes only, never markup.
pub fn hl(text: &str, q: &str) -> Html {
    if q.trim().is_empty() {
        return html! { { text.to_string() } };
    }
    let ranges = query::highlight(text, q);
    if ranges.is_empty() {
        return html! { { text.to_string() } };
    }
    html! { <>{ for query::segments(text, &ranges).into_iter().map(|(s, m)| if m { html!{ <mark>{ s.to_string() }</mark> } } else { html!{ { s.to_string() } } }) }</> }
}
