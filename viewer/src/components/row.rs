//! One line of the list, always [`ROW_H`](crate::state::ROW_H) tall: a group's header (for
//! vulnerability groups, the merged row of the CVE with its packages) or one finding.

use super::highlight::hl;
use crate::data::Data;
use crate::state::{Action, State};
use scanlens_model::present::one_decimal;
use scanlens_model::view::{Group, GroupBy, Line};
use yew::prelude::*;

/// Line `n` of the list.
pub fn view(s: &State, d: &Data, n: usize, act: &Callback<Action>) -> Html {
    let cur = s.cursor == Some(n);
    match s.lines[n] {
        Line::Header(g) => header(s, d, &s.groups[g as usize], cur, act),
        Line::Item { i, .. } => item(s, d, i, n, cur, act),
    }
}

fn header(s: &State, d: &Data, g: &Group, cur: bool, act: &Callback<Action>) -> Html {
    let q = &s.query.q;
    let by_id = s.query.group == GroupBy::Vulnerability;
    let collapsed = s.collapsed(g);
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
                onclick={act.reform(move |_| Action::ToggleGroup(key.clone()))}>
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

fn item(s: &State, d: &Data, i: u32, n: usize, cur: bool, act: &Callback<Action>) -> Html {
    let q = &s.query.q;
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
    let open = s.detail == Some(i);
    let picked = s.picked.contains(&i);
    let cvss = d.ix.cvss(i as usize).map(|c| one_decimal(c as f64));
    html! {
        <div class={classes!("line", "item", cur.then_some("cursor"), open.then_some("open"), (!o.is_counted() || o.excluded.is_some()).then_some("hidden-finding"))}
            role="row" key={format!("f{i}")} aria-selected={open.to_string()}>
            <input type="checkbox" class="pick" checked={picked} aria-label={format!("Select {}", o.id)}
                onclick={act.reform(move |_| Action::Pick(i))} />
            <span class={classes!("sev", format!("sev-{sev}"))}>{ o.severity.as_str() }</span>
            <button type="button" class="fid" onclick={act.reform(move |_| Action::Open(i))}
                onfocus={act.reform(move |_| Action::Cursor(n))}>{ hl(&o.id, q) }</button>
            <span class="cvss">{ cvss.unwrap_or_default() }</span>
            <span class="pkg">{ hl(o.package_name(), q) }</span>
            <span class="ver">{ version.unwrap_or_default() }</span>
            <span class="title">{ hl(title, q) }</span>
            <span class="target">{ hl(&o.target, q) }</span>
        </div>
    }
}
