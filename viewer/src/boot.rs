//! Start-up in the page. The page shows its static first screen (summary and the most severe
//! findings, plain HTML) while the boot script unpacks the wasm and the report data; [`mount`]
//! then parses the data, builds the [`Data`] once and mounts the app into `#scanlens-app`. The
//! page's stylesheet hides the static page as soon as `#scanlens-app` has content (and is not an
//! error), so the app replaces it in one frame; on an error the static page stays, under the
//! message.

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

/// Called by the page's boot script with the unpacked report data (the compact dataset's JSON).
#[wasm_bindgen]
pub fn mount(data: &[u8]) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || perf.as_ref().map_or(0.0, |p| p.now());
    let t0 = now();
    let Ok(text) = std::str::from_utf8(data) else {
        show_error(&doc, "the embedded report data is corrupt (not UTF-8)");
        return;
    };
    match crate::parse_dataset(text) {
        Ok(ds) => {
            let t1 = now();
            let Some(root) = doc.get_element_by_id("scanlens-app") else {
                return;
            };
            let data = std::rc::Rc::new(Data::new(ds));
            let t2 = now();
            if let Some(b) = doc.body() {
                // Where load time goes, for the benchmark harness.
                let _ = b.set_attribute(
                    "data-phases",
                    &format!(
                        "start={} parse={} index={}",
                        t0 as u64,
                        (t1 - t0) as u64,
                        (t2 - t1) as u64
                    ),
                );
            }
            crate::app::mount(root, data);
        }
        Err(e) => show_error(&doc, &e),
    }
}
