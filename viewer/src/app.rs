//! The root component. It holds the [`State`] and feeds [`reduce`] the actions of the views
//! and of the page (keys, scrolling, resizing, the URL hash), performs the effects it returns,
//! and lays the components out.

use crate::components::list::{self, ListRefs};
use crate::components::{controls, detail, empty, export, header, send};
use crate::data::Data;
use crate::effects::{self, current_hash, keystroke, window, Page};
use crate::state::{reduce, Action, Effect, Keystroke, State};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct Props {
    pub data: Rc<Data>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.data, &other.data)
    }
}

pub enum Msg {
    Act(Action),
    /// A key pressed anywhere in the page, with its event kept so that the reducer's
    /// [`PreventDefault`](crate::state::Effect::PreventDefault) can still cancel it.
    Key(Keystroke, KeyboardEvent),
    /// Typing has paused: the URL hash catches up with the query.
    WriteHash,
}

/// How long typing must pause before the URL hash follows the search. Writing it is a
/// `history.replaceState`, about 1.5 ms a keystroke in Chromium (and browsers throttle pages
/// that call it hundreds of times), for an address nobody reads while typing.
const HASH_PAUSE_MS: u32 = 300;

pub struct App {
    state: State,
    list: ListRefs,
    search: NodeRef,
    /// Move focus to the highlighted line after the next render ([`Effect::FocusCursor`]).
    focus_cursor: bool,
    /// The pending write of a keystroke's hash; dropping it cancels it.
    hash_later: Option<Timeout>,
    _listeners: Vec<EventListener>,
}

impl Component for App {
    type Message = Msg;
    type Properties = Props;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link();
        let win = window();
        let doc = win.document().expect("a document");
        let list = ListRefs::default();
        let hash_changed = |link: &yew::html::Scope<Self>| {
            let l = link.clone();
            move |_: &Event| l.send_message(Msg::Act(Action::HashChanged(current_hash())))
        };
        let resized = {
            let (l, r) = (link.clone(), list.list.clone());
            move |_: &Event| {
                if let Some(el) = r.cast::<web_sys::HtmlElement>() {
                    // Less the sticky column header row, as `ListRefs::height` measures.
                    let h = (el.client_height() as f64 - crate::state::ROW_H).max(1.0);
                    l.send_message(Msg::Act(Action::Resized(h)));
                }
            }
        };
        let key = {
            let l = link.clone();
            move |e: &Event| {
                if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                    l.send_message(Msg::Key(keystroke(k), k.clone()))
                }
            }
        };
        let listeners = vec![
            EventListener::new(&win, "popstate", hash_changed(link)),
            EventListener::new(&win, "hashchange", hash_changed(link)),
            EventListener::new(&win, "resize", resized),
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                key,
            ),
        ];
        crate::theme::restore();
        let viewport = win
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(800.0);
        App {
            state: State::new(&ctx.props().data, &current_hash(), viewport),
            list,
            search: NodeRef::default(),
            focus_cursor: false,
            hash_later: None,
            _listeners: listeners,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let (action, key) = match msg {
            Msg::Act(a) => (a, None),
            Msg::Key(k, e) => (Action::Key(k), Some(e)),
            Msg::WriteHash => {
                // The query as it is now: back or forward since the keystroke already moved the
                // state (and the address) to another entry, which this then leaves as it is.
                self.hash_later = None;
                effects::write_hash(&scanlens_model::view::to_hash(&self.state.query), false);
                return false;
            }
        };
        let out = reduce(&mut self.state, action, &ctx.props().data);
        let page = Page {
            list: &self.list,
            search: &self.search,
            key: key.as_ref(),
        };
        for e in out.effects {
            match e {
                Effect::FocusCursor => self.focus_cursor = true,
                // A keystroke's hash replaces the history entry: wait for a pause in typing.
                Effect::SetHash { push: false, .. } => {
                    let link = ctx.link().clone();
                    self.hash_later = Some(Timeout::new(HASH_PAUSE_MS, move || {
                        link.send_message(Msg::WriteHash)
                    }));
                }
                e => {
                    if matches!(e, Effect::SetHash { .. }) {
                        // A new history entry holds the whole query, the search included.
                        self.hash_later = None;
                    }
                    effects::perform(e, &page)
                }
            }
        }
        out.render
    }

    fn rendered(&mut self, ctx: &Context<Self>, first: bool) {
        self.list.place(&self.state);
        if std::mem::take(&mut self.focus_cursor) {
            effects::focus_cursor();
        }
        if first {
            if let Some(h) = self.list.height() {
                if h > 0.0 && (h - self.state.viewport).abs() > 1.0 {
                    ctx.link().send_message(Msg::Act(Action::Resized(h)));
                }
            }
            if let Some(b) = window().document().and_then(|d| d.body()) {
                // Lets tests and the print stylesheet know the app is up.
                let _ = b.set_attribute("data-scanlens", "ready");
                // Navigation start to first rows on screen, for the benchmark harness.
                if let Some(p) = window().performance() {
                    let _ = b.set_attribute("data-ready-ms", &format!("{}", p.now() as u64));
                }
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let d = &*ctx.props().data;
        let s = &self.state;
        let act = ctx.link().callback(Msg::Act);
        html! {
            <main CLASS={if s.detail.is_some() { "app with-detail" } else { "app" }}>
                { header::view(s, d, &act) }
                { controls::view(s, d, &self.search, &act) }
                if d.ds.findings.is_empty() {
                    { empty::view(&d.ds.report) }
                } else {
                    <div CLASS="main">
                        { list::view(s, d, &self.list, &act) }
                        if let Some(i) = s.detail {
                            { detail::view(&d.ds, &d.ix, i as usize, &s.query.q, &also_in(s, d, i), send(&act, Action::Close)) }
                        }
                    </div>
                }
                if let Some((kind, text)) = &s.export {
                    { export::view(s, *kind, text, &act) }
                }
            </main>
        }
    }
}

/// The other targets finding `i` was merged with in its row, for the detail panel.
fn also_in(s: &State, d: &Data, i: u32) -> Vec<String> {
    s.groups
        .iter()
        .map(|g| g.also(i))
        .find(|v| !v.is_empty())
        .map(|v| {
            v.iter()
                .map(|&j| d.ds.findings[j as usize].target.clone())
                .collect()
        })
        .unwrap_or_default()
}
