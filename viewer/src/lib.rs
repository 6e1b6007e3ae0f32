//! The Scanlens viewer, compiled to wasm32 and inlined into `index.html`.
//!
//! The page embeds the report, raw-deflated and base64, in `<script id="scanlens-data">` as the
//! model's compact [`Dataset`](scanlens_model::compact::Dataset) (read with the model's small
//! hand-written decoder, not serde, to keep the wasm small); the app reads it from the DOM
//! (never over the network), builds a search index once, and renders a windowed list so that
//! only the rows on screen exist in the DOM. All filtering, grouping, sorting and hash encoding
//! are the model's pure functions.
//!
//! Pure, and built and tested natively:
//! - `data.rs`: the report and what is derived from it once;
//! - `state/`: the [`State`](state::State), the [`Action`](state::Action)s that change it and
//!   the reducer, which returns the page's [`Effect`](state::Effect)s as values.
//!
//! The browser side, built for wasm32 only:
//! - `boot.rs`: start-up; `app.rs`: the app, which runs the reducer, performs its effects
//!   through `effects.rs` and renders; `theme.rs`: light and dark;
//! - `dom.rs`: the small virtual DOM the views describe the page in;
//! - `components/`: the views, one part of the page each.

// Talc instead of the standard dlmalloc: a general-purpose allocator (binned free lists, freed
// blocks coalesced and reused, O(1) allocation and free), so a page kept open on a large report
// reuses what it frees; smaller in the wasm than dlmalloc (#13: 373,152 → 366,402 B,
// 152,044 → 149,260 B gzipped).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub mod data;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod boot;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod effects;
#[cfg(target_arch = "wasm32")]
mod theme;

/// Parses the embedded data; an error names what is wrong so the page can show it.
pub fn parse_dataset(text: &str) -> Result<scanlens_model::compact::Dataset, String> {
    scanlens_model::compact::decode::dataset(text)
        .map_err(|e| format!("the embedded report data is corrupt ({e})"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn corrupt_data_is_an_error() {
        assert!(super::parse_dataset("{not json").is_err());
        assert!(super::parse_dataset("{\"report\":1}").is_err());
    }
}
