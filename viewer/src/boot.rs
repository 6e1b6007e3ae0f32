//! Start-up in the page: read the embedded report, build the [`Data`] once, mount the app, or
//! show why the report cannot be opened.

use crate::app::{App, Props};
use crate::data::Data;
use wasm_bindgen::prelude::*;

fn show_error(doc: &web_sys::Document, msg: &str) {
    if let Some(root) = doc.get_element_by_id("scanlens-app") {
        // Text only: the message may quote the data.
        root.set_text_content(Some(&format!("Scanlens could not open this report: {msg}")));
        root.set_class_name("boot-error");
        let _ = root.set_attribute("role", "alert");
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    let text = doc
        .get_element_by_id("scanlens-report")
        .and_then(|e| e.text_content());
    let Some(text) = text else {
        show_error(&doc, "the page holds no report data");
        return;
    };
    let t1 = now();
    match crate::parse_dataset(&text) {
        Ok(ds) => {
            drop(text);
            let t2 = now();
            let Some(root) = doc.get_element_by_id("scanlens-app") else {
                return;
            };
            let data = std::rc::Rc::new(Data::new(ds));
            let t3 = now();
            if let Some(b) = doc.body() {
                // Where load time goes, for the benchmark harness.
                let _ = b.set_attribute(
                    "data-phases",
                    &format!(
                        "start={} read={} parse={} index={}",
                        t0 as u64,
                        (t1 - t0) as u64,
                        (t2 - t1) as u64,
                        (t3 - t2) as u64
                    ),
                );
            }
            yew::Renderer::<App>::with_root_and_props(root, Props { data }).render();
        }
        Err(e) => show_error(&doc, &e),
    }
}
