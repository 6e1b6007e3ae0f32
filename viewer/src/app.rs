//! The app: it holds the [`State`] and feeds [`reduce`] the actions of the views and of the page
//! (keys, scrolling, resizing, the URL hash), performs the effects it returns, and renders the
//! views into the page through [`dom`](crate::dom).
//!
//! Messages go through [`send`]: an event's handler, a timer or a page listener queues its
//! message, and unless the app is already busy (an event fired by rendering, such as the focus
//! a render moves), runs the queue: every message through the reducer, then one render, until
//! the queue is empty.

use crate::components::list::{self, ListRefs};
use crate::components::{controls, detail, empty, export, fix_first, header};
use crate::data::Data;
use crate::dom::{h, Node, NodeRef, Root};
use crate::effects::{self, current_hash, keystroke, window, Page};
use crate::state::{reduce, Action, Effect, Keystroke, State};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Event, KeyboardEvent};

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

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    static QUEUE: RefCell<VecDeque<Msg>> = const { RefCell::new(VecDeque::new()) };
}

/// Queues `msg` and, unless the app is running already (it then takes it next), runs the queue.
pub fn send(msg: Msg) {
    QUEUE.with(|q| q.borrow_mut().push_back(msg));
    APP.with(|app| {
        if let Ok(mut app) = app.try_borrow_mut() {
            if let Some(app) = app.as_mut() {
                app.run();
            }
        }
    });
}

/// Starts the app in `root` with the report's `data`.
pub fn mount(root: web_sys::Element, data: Rc<Data>) {
    let app = App::new(root, data);
    APP.with(|a| {
        *a.borrow_mut() = Some(app);
        if let Some(app) = a.borrow_mut().as_mut() {
            app.render();
            app.rendered(true);
            app.run();
        }
    });
}

pub struct App {
    data: Rc<Data>,
    root: Root,
    state: State,
    list: ListRefs,
    search: NodeRef,
    /// Move focus to the highlighted line after the next render ([`Effect::FocusCursor`]).
    focus_cursor: bool,
    /// The element to focus after the next render ([`Effect::FocusId`]).
    focus_id: Option<&'static str>,
    /// The finding the detail panel showed at the last render: another one starts at its top.
    shown_detail: Option<u32>,
    /// The pending write of a keystroke's hash; dropping it cancels it.
    hash_later: Option<Timeout>,
    _listeners: Vec<EventListener>,
}

impl App {
    fn new(root: web_sys::Element, data: Rc<Data>) -> App {
        let win = window();
        let doc = win.document().expect("a document");
        let list = ListRefs::default();
        let hash_changed = |_: &Event| send(Msg::Act(Action::HashChanged(current_hash())));
        let resized = {
            let r = list.list.clone();
            move |_: &Event| {
                if let Some(el) = r.cast::<web_sys::HtmlElement>() {
                    // Less the sticky column header row, as `ListRefs::height` measures.
                    let h = (el.client_height() as f64 - crate::state::ROW_H).max(1.0);
                    send(Msg::Act(Action::Resized(h)));
                }
            }
        };
        let key = |e: &Event| {
            if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                send(Msg::Key(keystroke(k), k.clone()))
            }
        };
        let listeners = vec![
            EventListener::new(&win, "popstate", hash_changed),
            EventListener::new(&win, "hashchange", hash_changed),
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
            state: State::new(&data, &current_hash(), viewport),
            data,
            root: Root::new(root),
            list,
            search: NodeRef::default(),
            focus_cursor: false,
            focus_id: None,
            shown_detail: None,
            hash_later: None,
            _listeners: listeners,
        }
    }

    /// Takes the queued messages until none is left, rendering after each batch that asks.
    fn run(&mut self) {
        loop {
            let mut render = false;
            while let Some(msg) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
                render |= self.update(msg);
            }
            if !render {
                return;
            }
            self.render();
            self.rendered(false);
        }
    }

    /// Whether the page must render.
    fn update(&mut self, msg: Msg) -> bool {
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
        let out = reduce(&mut self.state, action, &self.data);
        let page = Page {
            list: &self.list,
            search: &self.search,
            key: key.as_ref(),
        };
        for e in out.effects {
            match e {
                Effect::FocusCursor => self.focus_cursor = true,
                Effect::FocusId(id) => self.focus_id = Some(id),
                // A keystroke's hash replaces the history entry: wait for a pause in typing.
                Effect::SetHash { push: false, .. } => {
                    self.hash_later = Some(Timeout::new(HASH_PAUSE_MS, || send(Msg::WriteHash)));
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

    fn render(&mut self) {
        let view = self.view();
        self.root.render(view);
    }

    fn rendered(&mut self, first: bool) {
        self.list.place(&self.state);
        // The panel's element is kept from one finding to the next (j/k), and its scroll with
        // it: the next finding would open in the middle, its title out of sight.
        if self.state.detail != self.shown_detail {
            self.shown_detail = self.state.detail;
            if self.shown_detail.is_some() {
                effects::scroll_to_top(crate::state::DETAIL);
            }
        }
        if std::mem::take(&mut self.focus_cursor) {
            effects::focus_cursor();
        }
        if let Some(id) = self.focus_id.take() {
            effects::focus_id(id);
        }
        if first {
            if let Some(h) = self.list.height() {
                if h > 0.0 && (h - self.state.viewport).abs() > 1.0 {
                    QUEUE.with(|q| q.borrow_mut().push_back(Msg::Act(Action::Resized(h))));
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

    fn view(&self) -> Node {
        let d = &*self.data;
        let s = &self.state;
        let body: Node =
            if d.ds.findings.is_empty() {
                empty::view(&d.ds.report)
            } else {
                h("div")
                    .class("main")
                    .child(list::view(s, d, &self.list))
                    .child(s.detail.map(|i| {
                        detail::view(&d.ds, &d.ix, i as usize, &s.query.q, &also_in(s, d, i))
                    }))
                    .into()
            };
        h("main")
            .class(if s.detail.is_some() {
                "app with-detail"
            } else {
                "app"
            })
            .child(header::view(s, d))
            .child(controls::view(s, d, &self.search))
            .child(body)
            .child(
                s.export
                    .as_ref()
                    .map(|(kind, text)| export::view(s, *kind, text)),
            )
            // After the export dialog, so that it lies above it, as Esc closes it first.
            .child(s.fix_first.then(|| fix_first::view(d)))
            .into()
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
