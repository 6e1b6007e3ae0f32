//! The Scanlens viewer: a Yew app compiled to wasm32 and inlined into `index.html`.
//!
//! The page embeds the report in `<script type="application/json" id="scanlens-report">` as the
//! model's compact [`Dataset`] (read with the model's small hand-written decoder, not serde, to
//! keep the wasm small); the app reads it from the DOM (never over the network), builds a
//! search [`Index`] once, and renders a windowed list so that only the rows on screen exist in
//! the DOM. All filtering, grouping, sorting and hash encoding are the model's pure functions.

mod app;
pub mod data;
mod detail;
pub mod state;

use wasm_bindgen::prelude::*;

/// Parses the embedded data; an error names what is wrong so the page can show it.
pub fn parse_dataset(text: &str) -> Result<scanlens_model::compact::Dataset, String> {
    scanlens_model::compact::decode::dataset(text)
        .map_err(|e| format!("the embedded report data is corrupt ({e})"))
}

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
    match parse_dataset(&text) {
        Ok(ds) => {
            drop(text);
            let t2 = now();
            let Some(root) = doc.get_element_by_id("scanlens-app") else {
                return;
            };
            let data = std::rc::Rc::new(app::Data::new(ds));
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
            yew::Renderer::<app::App>::with_root_and_props(root, app::Props { data }).render();
        }
        Err(e) => show_error(&doc, &e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn corrupt_data_is_an_error() {
        assert!(super::parse_dataset("{not json").is_err());
        assert!(super::parse_dataset("{\"report\":1}").is_err());
    }
}
