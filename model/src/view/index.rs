//! The search index and the list: everything precomputed once per report ([`Index`]), so that
//! each keystroke only scans and compares; [`select`] applies a [`Query`], [`group`] and
//! [`flatten`] lay the result out for the windowed list.

use super::filter::*;
use super::text::{fold, has, terms};
use crate::compact::Dataset;
use crate::report::*;
use std::collections::HashMap;

// Index: everything precomputed once per report so each keystroke only scans and compares.

/// Precomputed per-finding data: lowercase search text and interned keys for grouping and
/// sorting.
pub struct Index {
    /// Per finding: its ID, lowercased.
    id_hay: Vec<String>,
    /// Per finding: which `ctx_hay` holds the rest of its own search text.
    ctx_of: Vec<u32>,
    /// Distinct texts of target, package name, PURL, path and ID, license file and check
    /// message, lowercased; shared by the findings of one package in one target, so a keystroke
    /// scans each once.
    ctx_hay: Vec<String>,
    /// Per advisory: aliases, title, description, lowercased. Shared by every finding of it.
    adv_hay: Vec<String>,
    target_id: Vec<u32>,
    package_id: Vec<u32>,
    vuln_id: Vec<u32>,
    /// Interned strings the ids above point into.
    names: Vec<String>,
    cvss: Vec<f32>,
    orders: std::cell::RefCell<HashMap<SortBy, std::rc::Rc<Vec<u32>>>>,
}

fn intern(map: &mut HashMap<String, u32>, names: &mut Vec<String>, s: &str) -> u32 {
    if let Some(&i) = map.get(s) {
        return i;
    }
    let i = names.len() as u32;
    names.push(s.to_string());
    map.insert(s.to_string(), i);
    i
}

impl Index {
    pub fn new(ds: &Dataset) -> Index {
        let n = ds.findings.len();
        let mut id_hay = Vec::with_capacity(n);
        let mut ctx_of = Vec::with_capacity(n);
        let mut ctx_hay = Vec::new();
        let mut ctx_map: HashMap<String, u32> = HashMap::new();
        let mut names = Vec::new();
        let mut map = HashMap::new();
        let (mut target_id, mut package_id, mut vuln_id) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut cvss = Vec::with_capacity(n);
        let adv_cvss: Vec<f32> = ds
            .advisories
            .iter()
            .map(|a| a.max_cvss().unwrap_or(-1.0) as f32)
            .collect();
        for o in &ds.findings {
            id_hay.push(fold(&o.id));
            let mut h = String::with_capacity(64);
            h.push_str(&o.target);
            if let Some(p) = &o.package {
                for s in [
                    Some(&p.name),
                    p.purl.as_ref(),
                    p.path.as_ref(),
                    p.id.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    h.push('\n');
                    h.push_str(s);
                }
            }
            if let Some(l) = &o.license {
                h.push('\n');
                h.push_str(&l.file_path);
            }
            if let Some(m) = &o.misconfiguration {
                if !m.message.is_empty() {
                    h.push('\n');
                    h.push_str(&m.message);
                }
            }
            let c = match ctx_map.get(&h) {
                Some(&c) => c,
                None => {
                    let c = ctx_hay.len() as u32;
                    ctx_hay.push(fold(&h));
                    ctx_map.insert(h, c);
                    c
                }
            };
            ctx_of.push(c);
            target_id.push(intern(&mut map, &mut names, &o.target));
            package_id.push(intern(&mut map, &mut names, o.package_name()));
            vuln_id.push(intern(&mut map, &mut names, &o.id));
            cvss.push(adv_cvss.get(o.advisory as usize).copied().unwrap_or(-1.0));
        }
        let adv_hay = ds
            .advisories
            .iter()
            .map(|a| {
                let mut h = a.aliases.join("\n");
                h.push('\n');
                h.push_str(&a.title);
                h.push('\n');
                h.push_str(&a.description);
                fold(&h)
            })
            .collect();
        Index {
            id_hay,
            ctx_of,
            ctx_hay,
            adv_hay,
            target_id,
            package_id,
            vuln_id,
            names,
            cvss,
            orders: Default::default(),
        }
    }

    /// All findings in `sort` order; computed once per sort key.
    pub fn order(&self, ds: &Dataset, sort: SortBy) -> std::rc::Rc<Vec<u32>> {
        if let Some(o) = self.orders.borrow().get(&sort) {
            return o.clone();
        }
        let mut v: Vec<u32> = (0..ds.findings.len() as u32).collect();
        let f = &ds.findings;
        let name = |id: u32| self.names[id as usize].as_str();
        let cmp_cvss = |a: usize, b: usize| {
            self.cvss[b]
                .partial_cmp(&self.cvss[a])
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        v.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            let sev = f[a].severity.cmp(&f[b].severity);
            let pkg = || name(self.package_id[a]).cmp(name(self.package_id[b]));
            let id = || f[a].id.cmp(&f[b].id);
            let target = || f[a].target.cmp(&f[b].target);
            match sort {
                SortBy::Severity => sev
                    .then_with(|| cmp_cvss(a, b))
                    .then_with(pkg)
                    .then_with(id),
                SortBy::Cvss => cmp_cvss(a, b).then(sev).then_with(pkg).then_with(id),
                SortBy::Package => pkg().then(sev).then_with(id),
                SortBy::Published => {
                    let pa = ds.advisory(a).published_date.as_deref().unwrap_or("");
                    let pb = ds.advisory(b).published_date.as_deref().unwrap_or("");
                    pb.cmp(pa).then(sev).then_with(id)
                }
                SortBy::Id => id().then_with(pkg),
            }
            .then_with(target)
            .then(a.cmp(&b))
        });
        let v = std::rc::Rc::new(v);
        self.orders.borrow_mut().insert(sort, v.clone());
        v
    }

    /// The highest CVSS score of finding `i`, if any.
    pub fn cvss(&self, i: usize) -> Option<f32> {
        let c = self.cvss[i];
        (c >= 0.0).then_some(c)
    }
}

fn in_scope(o: &crate::compact::Occurrence, show: Show) -> bool {
    match show {
        Show::Counted => o.is_counted(),
        Show::Hidden => !o.is_counted() || o.excluded.is_some(),
        Show::All => true,
    }
}

/// How many findings `show` covers before any other filter: the "M" of "N of M findings".
pub fn scope_count(ds: &Dataset, show: Show) -> usize {
    ds.findings.iter().filter(|o| in_scope(o, show)).count()
}

/// The findings `q` selects, in its sort order. `within` narrows the search to an earlier
/// result that already matched a prefix of this query (a keystroke that extends the search).
pub fn select(ds: &Dataset, ix: &Index, q: &Query, within: Option<&[u32]>) -> Vec<u32> {
    let terms = terms(&q.q);
    // Which terms each advisory's text and each shared context matches, computed once each,
    // not per finding.
    let masks = |hay: &[String]| -> Vec<u64> {
        if terms.is_empty() {
            return Vec::new();
        }
        hay.iter()
            .map(|h| {
                terms
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| h.contains(t.as_str()))
                    .fold(0u64, |m, (n, _)| m | 1 << n)
            })
            .collect()
    };
    let adv_mask = masks(&ix.adv_hay);
    let ctx_mask = masks(&ix.ctx_hay);
    let all: u64 = if terms.len() == 64 {
        u64::MAX
    } else {
        (1u64 << terms.len()) - 1
    };
    let keep = |i: u32| -> bool {
        let o = &ds.findings[i as usize];
        if !in_scope(o, q.show) {
            return false;
        }
        if !q.severities.is_empty() && !q.severities.contains(&o.severity) {
            return false;
        }
        if !q.kinds.is_empty() && !q.kinds.contains(&o.kind) {
            return false;
        }
        match q.fix {
            Fix::Any => {}
            Fix::Fixable if !o.is_fixable() => return false,
            Fix::Unfixed if !o.is_unfixed() => return false,
            _ => {}
        }
        let status = o.status.as_deref().unwrap_or("");
        if !q.statuses.is_empty() && !q.statuses.iter().any(|s| s == status) {
            return false;
        }
        if !q.classes.is_empty() && !q.classes.contains(&o.class) {
            return false;
        }
        if !q.pkg_types.is_empty() && !q.pkg_types.contains(&o.target_type) {
            return false;
        }
        if !q.targets.is_empty() && !q.targets.contains(&o.target) {
            return false;
        }
        if !terms.is_empty() {
            let mut m = adv_mask.get(o.advisory as usize).copied().unwrap_or(0)
                | ctx_mask[ix.ctx_of[i as usize] as usize];
            if m != all {
                let h = ix.id_hay[i as usize].as_bytes();
                for (n, t) in terms.iter().enumerate() {
                    if m & (1 << n) == 0 && has(h, t.as_bytes()) {
                        m |= 1 << n;
                    }
                }
            }
            if m != all {
                return false;
            }
        }
        true
    };
    match within {
        Some(prev) => prev.iter().copied().filter(|&i| keep(i)).collect(),
        None => ix
            .order(ds, q.sort)
            .iter()
            .copied()
            .filter(|&i| keep(i))
            .collect(),
    }
}

/// One group of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Stable key for collapse state.
    pub key: String,
    pub label: String,
    /// The most severe finding in the group.
    pub worst: Severity,
    /// Findings, in sort order.
    pub rows: Vec<u32>,
}

/// Groups `selected` (already in sort order) by `by`. Severity groups come most severe first;
/// other groups by their worst severity, then size, then name.
pub fn group(ds: &Dataset, ix: &Index, selected: &[u32], by: GroupBy) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut slot: HashMap<u32, usize> = HashMap::new();
    for &i in selected {
        let o = &ds.findings[i as usize];
        let (k, label) = match by {
            GroupBy::Severity => (o.severity.rank() as u32, o.severity.as_str()),
            GroupBy::Target => {
                let k = ix.target_id[i as usize];
                (k, ix.names[k as usize].as_str())
            }
            GroupBy::Package => {
                let k = ix.package_id[i as usize];
                let n = ix.names[k as usize].as_str();
                (k, if n.is_empty() { "(no package)" } else { n })
            }
            GroupBy::Vulnerability => {
                let k = ix.vuln_id[i as usize];
                (k, ix.names[k as usize].as_str())
            }
        };
        let g = *slot.entry(k).or_insert_with(|| {
            groups.push(Group {
                key: format!("{}:{label}", by.as_str()),
                label: label.to_string(),
                worst: o.severity,
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        let g = &mut groups[g];
        g.worst = g.worst.min(o.severity);
        g.rows.push(i);
    }
    groups.sort_by(|a, b| {
        a.worst
            .cmp(&b.worst)
            .then_with(|| b.rows.len().cmp(&a.rows.len()))
            .then_with(|| a.label.cmp(&b.label))
    });
    groups
}

/// One line of the flattened, virtualized list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Group `g`'s header.
    Header(u32),
    /// Finding `i` of group `g`.
    Item { g: u32, i: u32 },
}

/// The visible lines: each group's header, then its rows unless it is collapsed.
pub fn flatten(groups: &[Group], collapsed: impl Fn(&Group) -> bool) -> Vec<Line> {
    let mut out =
        Vec::with_capacity(groups.len() + groups.iter().map(|g| g.rows.len()).sum::<usize>());
    for (n, g) in groups.iter().enumerate() {
        out.push(Line::Header(n as u32));
        if !collapsed(g) {
            out.extend(g.rows.iter().map(|&i| Line::Item { g: n as u32, i }));
        }
    }
    out
}
