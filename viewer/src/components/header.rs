//! The page header: what was scanned, the gate's verdict, and the summary counts by severity
//! and kind, each a toggle that filters the list.

use crate::state::Action;
use scanlens_model::view::Query;
use scanlens_model::{Kind, Report, Severity};
use yew::prelude::*;

pub fn view(r: &Report, q: &Query, act: &Callback<Action>) -> Html {
    let sum = &r.summary;
    let sev_buttons = Severity::ALL.iter().map(|&s| {
        let n = sum.severity_total(s);
        let on = q.severities.contains(&s);
        html! {
            <button type="button" class={classes!("count", format!("sev-{}", s.as_str().to_ascii_lowercase()))}
                aria-pressed={on.to_string()} data-severity={s.as_str()}
                title={format!("Show only {} findings (click again to undo)", s.as_str())}
                onclick={act.reform(move |_| Action::ToggleSeverity(s))}>
                <span class="n">{ n }</span><span class="l">{ s.as_str() }</span>
            </button>
        }
    });
    let kind_buttons = Kind::ALL.iter().filter(|k| sum.of(**k).total() > 0 || **k == Kind::Vulnerability).map(|&k| {
        let on = q.kinds.contains(&k);
        html! {
            <button type="button" class="count kind" aria-pressed={on.to_string()} data-kind={k.as_str()}
                onclick={act.reform(move |_| Action::ToggleKind(k))}>
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
                <button type="button" class="theme" aria-label="Toggle dark theme" onclick={act.reform(|_| Action::ToggleTheme)}>{ "◐" }</button>
            </div>
            <nav class="summary" aria-label="Counts by severity and kind; click to filter">
                { for sev_buttons }
                <span class="sep" aria-hidden="true"></span>
                { for kind_buttons }
            </nav>
        </header>
    }
}
