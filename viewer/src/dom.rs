//! The viewer's own small virtual DOM: views describe the page as [`Node`]s, and [`Root::render`]
//! changes the page's DOM to match, touching only what differs from the last render.
//!
//! Why not a framework: the viewer is one component whose state is a pure reducer, so all it
//! needs from one is this diff. Yew, used until #13's size work, brought its scheduler (a
//! B-tree), component lifecycle, event delegation and tables besides: a one-component Yew app
//! is 47.5 KB of gzipped wasm, the same page written against web-sys 6.2 KB, of a viewer budget
//! of 120 KB.
//!
//! 1. [`Node`] and the [`El`] builder: what a view returns.
//! 2. [`Root`] and the bundle ([`B`]): what is in the page, with the description it was made
//!    from, so the next render compares descriptions and reads the DOM only for form values and
//!    the order of keyed rows.
//! 3. Creating and patching one node; an element keeps its DOM node while its tag and key stay.
//! 4. Children: by position, or by key when every child has one (the list's rows), so a row
//!    that scrolls keeps its element, and rows coming in take over the elements of rows going
//!    out (a keystroke's search at 10,000 findings: 11 keystrokes 150 -> 116 ms in Chromium,
//!    against making them anew); never one holding focus, which leaves with its row.
//! 5. Events: one closure per element with handlers, which looks up the current handler for the
//!    event's type and sends its [`Action`] to the app ([`crate::app::send`]).
//!
//! Untrusted text only ever becomes text nodes and attribute values (`createTextNode`,
//! `setAttribute`); nothing here parses HTML.

use crate::state::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

// 1. What views return.

/// A part of the page: an element, a text, a left-out part, or several (flattened into their
/// parent).
pub enum Node {
    El(El),
    Text(String),
    /// A part left out, which still holds its place among its siblings (as an empty comment), so
    /// that the siblings after it keep their elements, and with them focus, when it comes and
    /// goes: "Unselect 2" disappearing must not turn the focused button into the next one.
    Gap,
    Many(Vec<Node>),
}

impl Node {
    /// A view part that is left out.
    pub fn none() -> Node {
        Node::Gap
    }
}

/// What an event does: send an action, or make one from the element's value or scroll offset.
#[derive(Clone)]
pub enum On {
    Send(Action),
    /// From the target's `value` (an input, a select).
    Value(fn(String) -> Action),
    /// From the element's `scrollTop`.
    ScrollTop(fn(f64) -> Action),
}

/// An element being described. Boxed, so the builder's calls move a pointer.
pub struct El(Box<Desc>);

struct Desc {
    tag: &'static str,
    key: Option<String>,
    attrs: Vec<(&'static str, String)>,
    /// The `value` property (inputs, textareas, selects): set when the page's differs.
    value: Option<String>,
    /// The `checked` property of a checkbox.
    checked: Option<bool>,
    node_ref: Option<NodeRef>,
    on: Vec<(&'static str, On)>,
    kids: Vec<Node>,
}

/// An element with tag `tag`.
pub fn h(tag: &'static str) -> El {
    El(Box::new(Desc {
        tag,
        key: None,
        attrs: Vec::new(),
        value: None,
        checked: None,
        node_ref: None,
        on: Vec::new(),
        kids: Vec::new(),
    }))
}

impl El {
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> El {
        self.0.attrs.push((name, value.into()));
        self
    }

    pub fn class(self, c: impl Into<String>) -> El {
        self.attr("class", c)
    }

    /// An attribute that is there only with a value.
    pub fn attr_opt(self, name: &'static str, value: Option<String>) -> El {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// A boolean attribute (`selected`, `readonly`): present or not.
    pub fn flag(self, name: &'static str, on: bool) -> El {
        if on {
            self.attr(name, "")
        } else {
            self
        }
    }

    /// Identifies the element among keyed siblings across renders.
    pub fn key(mut self, key: String) -> El {
        self.0.key = Some(key);
        self
    }

    pub fn value(mut self, v: impl Into<String>) -> El {
        self.0.value = Some(v.into());
        self
    }

    pub fn checked(mut self, on: bool) -> El {
        self.0.checked = Some(on);
        self
    }

    pub fn node_ref(mut self, r: &NodeRef) -> El {
        self.0.node_ref = Some(r.clone());
        self
    }

    pub fn on(mut self, event: &'static str, what: On) -> El {
        self.0.on.push((event, what));
        self
    }

    /// Sends `a` when clicked.
    pub fn click(self, a: Action) -> El {
        self.on("click", On::Send(a))
    }

    pub fn child(mut self, n: impl Into<Node>) -> El {
        push(&mut self.0.kids, n.into());
        self
    }

    pub fn kids(mut self, nodes: impl IntoIterator<Item = Node>) -> El {
        for n in nodes {
            push(&mut self.0.kids, n);
        }
        self
    }
}

fn push(kids: &mut Vec<Node>, n: Node) {
    match n {
        Node::Many(v) => {
            for n in v {
                push(kids, n)
            }
        }
        n => kids.push(n),
    }
}

impl From<El> for Node {
    fn from(e: El) -> Node {
        Node::El(e)
    }
}

impl From<String> for Node {
    fn from(t: String) -> Node {
        Node::Text(t)
    }
}

impl From<&str> for Node {
    fn from(t: &str) -> Node {
        Node::Text(t.to_string())
    }
}

impl From<Option<Node>> for Node {
    fn from(n: Option<Node>) -> Node {
        n.unwrap_or(Node::Gap)
    }
}

/// Several nodes as one.
pub fn many(nodes: impl IntoIterator<Item = Node>) -> Node {
    Node::Many(nodes.into_iter().collect())
}

/// An element the app reads or acts on after rendering (the list, the search box).
#[derive(Clone, Default)]
pub struct NodeRef(Rc<RefCell<Option<Element>>>);

impl NodeRef {
    pub fn cast<T: JsCast>(&self) -> Option<T> {
        self.0.borrow().clone().and_then(|e| e.dyn_into().ok())
    }

    fn set(&self, e: Option<&Element>) {
        *self.0.borrow_mut() = e.cloned();
    }
}

// 2. What is in the page.

/// The element the app renders into, and what it holds.
pub struct Root {
    el: Element,
    kids: Vec<B>,
}

impl Root {
    pub fn new(el: Element) -> Root {
        Root {
            el,
            kids: Vec::new(),
        }
    }

    /// Makes the root's content match `view`.
    pub fn render(&mut self, view: Node) {
        let mut new = Vec::new();
        push(&mut new, view);
        let old = std::mem::take(&mut self.kids);
        self.kids = children(&self.el, old, new, false);
    }
}

/// A node in the page, with what it was made from.
enum B {
    El(Box<BEl>),
    Text(web_sys::Text, String),
    Gap(web_sys::Comment),
}

struct BEl {
    el: Element,
    /// The description it was last made to match; its `kids` and `on` are moved out.
    desc: Desc,
    kids: Vec<B>,
    listen: Option<Listen>,
}

impl B {
    fn dom(&self) -> &web_sys::Node {
        match self {
            B::El(b) => &b.el,
            B::Text(t, _) => t,
            B::Gap(c) => c,
        }
    }

    fn key(&self) -> Option<&str> {
        match self {
            B::El(b) => b.desc.key.as_deref(),
            B::Text(..) | B::Gap(_) => None,
        }
    }

    /// Clears the node refs of a part leaving the page, unless a new element took them over.
    fn forget(&self) {
        if let B::El(b) = self {
            if let Some(r) = &b.desc.node_ref {
                if r.0.borrow().as_ref() == Some(&b.el) {
                    r.set(None);
                }
            }
            b.kids.iter().for_each(B::forget);
        }
    }
}

fn key_of(n: &Node) -> Option<&str> {
    match n {
        Node::El(e) => e.0.key.as_deref(),
        _ => None,
    }
}

// 3. One node.

const SVG: &str = "http://www.w3.org/2000/svg";

fn document() -> web_sys::Document {
    crate::effects::window()
        .document()
        .expect_throw("a document")
}

fn create(n: Node, svg: bool) -> B {
    match n {
        Node::El(e) => {
            let mut d = *e.0;
            let svg = svg || d.tag == "svg";
            let doc = document();
            let el = if svg {
                doc.create_element_ns(Some(SVG), d.tag)
            } else {
                doc.create_element(d.tag)
            }
            .expect_throw("an element");
            for (k, v) in &d.attrs {
                let _ = el.set_attribute(k, v);
            }
            let kids = std::mem::take(&mut d.kids)
                .into_iter()
                .map(|k| {
                    let b = create(k, svg);
                    let _ = el.append_child(b.dom());
                    b
                })
                .collect();
            props(&el, &d);
            if let Some(r) = &d.node_ref {
                r.set(Some(&el));
            }
            let listen = listen(&el, None, std::mem::take(&mut d.on));
            B::El(Box::new(BEl {
                el,
                desc: d,
                kids,
                listen,
            }))
        }
        Node::Text(t) => B::Text(document().create_text_node(&t), t),
        Node::Gap => B::Gap(document().create_comment("")),
        Node::Many(_) => unreachable!("flattened by push"),
    }
}

/// The form properties, which the user changes: set only where the page's value differs.
fn props(el: &Element, d: &Desc) {
    if d.value.is_none() && d.checked.is_none() {
        return;
    }
    // `value` and `checked` are read and written as JS properties by name, so this works for
    // inputs, textareas and selects alike.
    let input = el.unchecked_ref::<HtmlInputElement>();
    if let Some(v) = &d.value {
        if input.value() != *v {
            input.set_value(v);
        }
    }
    if let Some(c) = d.checked {
        if input.checked() != c {
            input.set_checked(c);
        }
    }
}

fn patch(parent: &Element, old: B, new: Node, svg: bool) -> B {
    match (old, new) {
        (B::Text(node, was), Node::Text(t)) => {
            if was != t {
                node.set_data(&t);
            }
            B::Text(node, t)
        }
        (B::Gap(c), Node::Gap) => B::Gap(c),
        (B::El(mut b), Node::El(e)) if b.desc.tag == e.0.tag && b.desc.key == e.0.key => {
            let mut d = *e.0;
            let el = &b.el;
            for (k, v) in &d.attrs {
                if b.desc.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v) != Some(v) {
                    let _ = el.set_attribute(k, v);
                }
            }
            for (k, _) in &b.desc.attrs {
                if !d.attrs.iter().any(|(n, _)| n == k) {
                    let _ = el.remove_attribute(k);
                }
            }
            let svg = svg || d.tag == "svg";
            let old = std::mem::take(&mut b.kids);
            b.kids = children(el, old, std::mem::take(&mut d.kids), svg);
            props(el, &d);
            if let Some(r) = &d.node_ref {
                r.set(Some(el));
            }
            b.listen = listen(el, b.listen.take(), std::mem::take(&mut d.on));
            b.desc = d;
            B::El(b)
        }
        (old, new) => {
            let b = create(new, svg);
            let _ = parent.replace_child(b.dom(), old.dom());
            old.forget();
            b
        }
    }
}

// 4. Children.

fn children(parent: &Element, old: Vec<B>, new: Vec<Node>, svg: bool) -> Vec<B> {
    let keyed = !new.is_empty()
        && new.iter().all(|n| key_of(n).is_some())
        && old.iter().all(|b| b.key().is_some());
    if keyed {
        return keyed_children(parent, old, new, svg);
    }
    let mut old = old.into_iter();
    let mut out = Vec::with_capacity(new.len());
    for n in new {
        let b = match old.next() {
            Some(o) => patch(parent, o, n, svg),
            None => {
                let b = create(n, svg);
                let _ = parent.append_child(b.dom());
                b
            }
        };
        out.push(b);
    }
    for o in old {
        let _ = parent.remove_child(o.dom());
        o.forget();
    }
    out
}

/// Children matched by key: each new child patches the old one with its key; a child whose key
/// is new takes over an old element whose key is gone (same tag), so a search that changes every
/// row updates their texts rather than making all rows anew; only what is left is made or
/// removed. Then the nodes are put in order from the last, moving only those whose next sibling
/// is not the one they should have. A window of rows is a few dozen, so the key lookup is a scan
/// rather than a hash map (no hashing code in the wasm).
fn keyed_children(parent: &Element, old: Vec<B>, new: Vec<Node>, svg: bool) -> Vec<B> {
    let mut old: Vec<Option<B>> = old.into_iter().map(Some).collect();
    let matched: Vec<Option<B>> = new
        .iter()
        .map(|n| {
            let at = old
                .iter()
                .position(|o| o.as_ref().is_some_and(|o| o.key() == key_of(n)));
            at.and_then(|j| old[j].take())
        })
        .collect();
    // An element holding focus is not handed to another key: focus, and Enter, would then be
    // on another finding than the one the user was on. It goes, and focus with it.
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let (spare, focused): (Vec<B>, Vec<B>) = old
        .into_iter()
        .flatten()
        .partition(|o| !active.as_ref().is_some_and(|a| o.dom().contains(Some(a))));
    let mut spare = spare.into_iter();
    let mut out: Vec<(B, bool)> = Vec::with_capacity(new.len());
    for (n, m) in new.into_iter().zip(matched) {
        let b = match m.or_else(|| spare.next()) {
            Some(mut o) => {
                if let (B::El(b), Node::El(e)) = (&mut o, &n) {
                    b.desc.key.clone_from(&e.0.key);
                }
                (patch(parent, o, n, svg), false)
            }
            None => (create(n, svg), true),
        };
        out.push(b);
    }
    for o in spare.chain(focused) {
        let _ = parent.remove_child(o.dom());
        o.forget();
    }
    let mut next: Option<web_sys::Node> = None;
    for (b, fresh) in out.iter().rev() {
        let node = b.dom();
        if *fresh || node.next_sibling() != next {
            let _ = parent.insert_before(node, next.as_ref());
        }
        next = Some(node.clone());
    }
    out.into_iter().map(|(b, _)| b).collect()
}

// 5. Events.

/// An element's handlers and the one closure registered for each of their event types.
struct Listen {
    el: Element,
    on: Rc<RefCell<Vec<(&'static str, On)>>>,
    types: Vec<&'static str>,
    f: Closure<dyn Fn(web_sys::Event)>,
}

/// An element leaving the page stops listening before its closure goes: an event already on its
/// way (one that bubbles to it from a child whose handler removed them both) then skips it,
/// rather than calling a dropped closure.
impl Drop for Listen {
    fn drop(&mut self) {
        for t in &self.types {
            let _ = self
                .el
                .remove_event_listener_with_callback(t, self.f.as_ref().unchecked_ref());
        }
    }
}

fn listen(el: &Element, l: Option<Listen>, on: Vec<(&'static str, On)>) -> Option<Listen> {
    if on.is_empty() && l.is_none() {
        return None;
    }
    let mut l = l.unwrap_or_else(|| {
        let on: Rc<RefCell<Vec<(&'static str, On)>>> = Rc::default();
        let handlers = on.clone();
        let f =
            Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| fire(&handlers, &e));
        Listen {
            el: el.clone(),
            on,
            types: Vec::new(),
            f,
        }
    });
    for (t, _) in &on {
        if !l.types.contains(t) {
            let _ = el.add_event_listener_with_callback(t, l.f.as_ref().unchecked_ref());
            l.types.push(t);
        }
    }
    *l.on.borrow_mut() = on;
    Some(l)
}

fn fire(handlers: &RefCell<Vec<(&'static str, On)>>, e: &web_sys::Event) {
    let ty = e.type_();
    // The borrow ends before the app runs: rendering replaces these handlers.
    let what = handlers
        .borrow()
        .iter()
        .find(|(t, _)| *t == ty)
        .map(|(_, o)| o.clone());
    let action = match what {
        Some(On::Send(a)) => a,
        Some(On::Value(f)) => match e.target() {
            Some(t) => f(t.unchecked_into::<HtmlInputElement>().value()),
            None => return,
        },
        Some(On::ScrollTop(f)) => match e.current_target() {
            Some(t) => f(t.unchecked_into::<Element>().scroll_top() as f64),
            None => return,
        },
        None => return,
    };
    crate::app::send(crate::app::Msg::Act(action));
}
