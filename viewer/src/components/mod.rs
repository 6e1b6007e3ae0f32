//! The views, one part of the page each: functions from the state (or the part of it they
//! show) to [`Node`](crate::dom::Node)s, whose handlers send [`Action`](crate::state::Action)s.
//!
//! - `header.rs`: title, gate verdict and the counts that filter by severity and kind;
//! - `controls.rs`: search, grouping, sorting, filters, selection and export buttons;
//! - `list.rs`: the windowed list, and `row.rs`: one line of it;
//! - `detail.rs`: the panel for one finding;
//! - `export.rs`: the `.trivyignore` dialog;
//! - `fix_first.rs`: the Fix first dialog, what to act on first;
//! - `empty.rs`: what a report without findings shows instead of the list;
//! - `highlight.rs`: search matches marked in text.

pub mod controls;
pub mod detail;
pub mod empty;
pub mod export;
pub mod fix_first;
pub mod header;
pub mod highlight;
pub mod list;
pub mod row;

use crate::dom::{h, El};

/// A plain button (`type="button"`, so it never submits anything).
pub fn button() -> El {
    h("button").attr("type", "button")
}
