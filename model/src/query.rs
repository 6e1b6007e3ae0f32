//! The viewer's state logic as pure functions: what a view shows (filters, search, sort,
//! grouping), how that state is written to and read from the URL hash, search highlighting, and
//! `.trivyignore` export.
//!
//! It lives here rather than in the viewer so that it is unit-tested natively and means the same
//! thing wherever it is used.

use crate::compact::Dataset;
use crate::report::*;
use std::collections::HashMap;

/// Returns the URL if it may become a link: `http` or `https`, no spaces or control characters.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u.chars().any(|c| c.is_whitespace() || c.is_control());
    (scheme_ok && clean && u.len() > 8).then_some(u)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum GroupBy {
    #[default]
    Severity,
    Target,
    Package,
    /// One group per vulnerability ID: a CVE found in several packages becomes one entry.
    Vulnerability,
}

impl GroupBy {
    pub const ALL: [GroupBy; 4] = [
        GroupBy::Severity,
        GroupBy::Target,
        GroupBy::Package,
        GroupBy::Vulnerability,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Severity => "severity",
            GroupBy::Target => "target",
            GroupBy::Package => "package",
            GroupBy::Vulnerability => "id",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Severity => "Severity",
            GroupBy::Target => "Target",
            GroupBy::Package => "Package",
            GroupBy::Vulnerability => "Vulnerability ID",
        }
    }
    pub fn from_name(s: &str) -> Option<GroupBy> {
        match s {
            "severity" => Some(GroupBy::Severity),
            "target" => Some(GroupBy::Target),
            "package" => Some(GroupBy::Package),
            "id" | "vulnerability" | "cve" => Some(GroupBy::Vulnerability),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SortBy {
    /// Severity, then the highest CVSS score, then package and ID.
    #[default]
    Severity,
    Cvss,
    Package,
    /// Newest first.
    Published,
    Id,
}

impl SortBy {
    pub const ALL: [SortBy; 5] = [
        SortBy::Severity,
        SortBy::Cvss,
        SortBy::Package,
        SortBy::Published,
        SortBy::Id,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Severity => "severity",
            SortBy::Cvss => "cvss",
            SortBy::Package => "package",
            SortBy::Published => "published",
            SortBy::Id => "id",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Severity => "Severity",
            SortBy::Cvss => "CVSS score",
            SortBy::Package => "Package",
            SortBy::Published => "Published (newest)",
            SortBy::Id => "ID",
        }
    }
    pub fn from_name(s: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Fixable or unfixed, in Trivy's meaning (see [`Finding::is_fixable`], [`Finding::is_unfixed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Fix {
    #[default]
    Any,
    Fixable,
    Unfixed,
}

impl Fix {
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Any => "any",
            Fix::Fixable => "fixable",
            Fix::Unfixed => "unfixed",
        }
    }
    pub fn from_name(s: &str) -> Option<Fix> {
        [Fix::Any, Fix::Fixable, Fix::Unfixed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Which findings are in scope at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Show {
    /// What the summary counts: not suppressed by Trivy, and for checks, failing.
    #[default]
    Counted,
    /// Suppressed by Trivy, ignored or excluded by the gate, and passed checks.
    Hidden,
    All,
}

impl Show {
    pub fn as_str(self) -> &'static str {
        match self {
            Show::Counted => "counted",
            Show::Hidden => "hidden",
            Show::All => "all",
        }
    }
    pub fn from_name(s: &str) -> Option<Show> {
        [Show::Counted, Show::Hidden, Show::All]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Everything that decides what the viewer shows; it round-trips through the URL hash.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub q: String,
    /// Empty means all.
    pub severities: Vec<Severity>,
    pub kinds: Vec<Kind>,
    pub fix: Fix,
    pub statuses: Vec<String>,
    pub classes: Vec<String>,
    pub pkg_types: Vec<String>,
    pub targets: Vec<String>,
    pub show: Show,
    pub group: GroupBy,
    pub sort: SortBy,
    /// The finding open in the detail view, as [`finding_key`] or a bare ID.
    pub finding: Option<String>,
}

impl Query {
    pub fn toggle_severity(&mut self, s: Severity) {
        toggle(&mut self.severities, s);
    }
    pub fn toggle_kind(&mut self, k: Kind) {
        toggle(&mut self.kinds, k);
    }
    /// True when no filter narrows the list (grouping, sort and selection aside).
    pub fn is_unfiltered(&self) -> bool {
        let plain = Query {
            q: self.q.trim().to_string(),
            group: self.group,
            sort: self.sort,
            finding: self.finding.clone(),
            ..Default::default()
        };
        plain.q.is_empty()
            && Query {
                q: String::new(),
                ..self.clone()
            } == plain
    }
}

fn toggle<T: PartialEq + Ord>(v: &mut Vec<T>, x: T) {
    if let Some(i) = v.iter().position(|y| *y == x) {
        v.remove(i);
    } else {
        v.push(x);
        v.sort();
    }
}

/// A stable key for one finding: the ID, plus the package (or target) when there is one, since
/// one CVE is often found in several packages.
pub fn finding_key(id: &str, package: &str, target: &str) -> String {
    if !package.is_empty() {
        format!("{id}@{package}")
    } else if !target.is_empty() {
        format!("{id}@{target}")
    } else {
        id.to_string()
    }
}

/// The key of finding `i` in `ds`.
pub fn key_of(ds: &Dataset, i: usize) -> String {
    let o = &ds.findings[i];
    finding_key(&o.id, o.package_name(), &o.target)
}

/// Whether finding `i` is the one `key` names: its full key or, for shared links, its bare ID.
pub fn key_matches(ds: &Dataset, i: usize, key: &str) -> bool {
    let o = &ds.findings[i];
    o.id == key || key_of(ds, i) == key
}

// ---------------------------------------------------------------------------------------------
// URL hash

fn encode_component(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b'@'
            | b':'
            | b'/' => out.push(b as char),
            b' ' => out.push_str("%20"),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn push_param(out: &mut String, key: &str, values: &[&str]) {
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    for (n, v) in values.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        encode_component(v, out);
    }
}

/// The hash for `q` without the leading `#`; only what differs from the default is written.
pub fn to_hash(q: &Query) -> String {
    let mut out = String::new();
    if !q.q.is_empty() {
        push_param(&mut out, "q", &[&q.q]);
    }
    let list = |out: &mut String, key: &str, v: Vec<&str>| {
        if !v.is_empty() {
            push_param(out, key, &v);
        }
    };
    list(
        &mut out,
        "severity",
        q.severities.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "kind",
        q.kinds.iter().map(|k| k.as_str()).collect(),
    );
    if q.fix != Fix::Any {
        push_param(&mut out, "fix", &[q.fix.as_str()]);
    }
    list(
        &mut out,
        "status",
        q.statuses.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "class",
        q.classes.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "type",
        q.pkg_types.iter().map(|s| s.as_str()).collect(),
    );
    list(
        &mut out,
        "target",
        q.targets.iter().map(|s| s.as_str()).collect(),
    );
    if q.show != Show::Counted {
        push_param(&mut out, "show", &[q.show.as_str()]);
    }
    if q.group != GroupBy::Severity {
        push_param(&mut out, "group", &[q.group.as_str()]);
    }
    if q.sort != SortBy::Severity {
        push_param(&mut out, "sort", &[q.sort.as_str()]);
    }
    if let Some(f) = &q.finding {
        push_param(&mut out, "finding", &[f]);
    }
    out
}

/// Reads a hash (with or without the leading `#`). Unknown keys and values are ignored, so an
/// old or hand-edited link still opens.
pub fn from_hash(hash: &str) -> Query {
    let mut q = Query::default();
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    for pair in hash.split('&').filter(|p| !p.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let values = || {
            raw.split(',')
                .map(decode_component)
                .filter(|v| !v.is_empty())
        };
        match key {
            "q" => q.q = decode_component(raw),
            "severity" => {
                q.severities = values().filter_map(|v| Severity::from_name(&v)).collect();
                q.severities.sort();
                q.severities.dedup();
            }
            "kind" => {
                q.kinds = values().filter_map(|v| Kind::from_name(&v)).collect();
                q.kinds.sort();
                q.kinds.dedup();
            }
            "fix" => q.fix = Fix::from_name(&decode_component(raw)).unwrap_or_default(),
            "status" => q.statuses = values().collect(),
            "class" => q.classes = values().collect(),
            "type" => q.pkg_types = values().collect(),
            "target" => q.targets = values().collect(),
            "show" => q.show = Show::from_name(&decode_component(raw)).unwrap_or_default(),
            "group" => q.group = GroupBy::from_name(&decode_component(raw)).unwrap_or_default(),
            "sort" => q.sort = SortBy::from_name(&decode_component(raw)).unwrap_or_default(),
            "finding" => {
                let f = decode_component(raw);
                q.finding = (!f.is_empty()).then_some(f);
            }
            _ => {}
        }
    }
    q
}

// ---------------------------------------------------------------------------------------------
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

/// Lowercase for matching, one char for one char of the same UTF-8 length: ASCII, Latin-1,
/// Latin Extended-A, Greek and Cyrillic capitals fold; other characters stay. Rust's full
/// `to_lowercase` would bring ~12 KB of Unicode tables into the wasm viewer.
pub fn fold_char(c: char) -> char {
    let u = c as u32;
    let l = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB => u + 32,
        0x410..=0x42F => u + 32,
        0x400..=0x40F => u + 80,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u & 1 == 0 => u + 1,
        0x139..=0x148 | 0x179..=0x17E if u & 1 == 1 => u + 1,
        0x178 => 0xFF,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if u & 1 == 0 => u + 1,
        _ => u,
    };
    char::from_u32(l).unwrap_or(c)
}

/// [`fold_char`] over a string; the result has the same byte length as `s`.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(fold_char).collect()
}

/// Lowercase search terms: whitespace-separated, all must match.
pub fn terms(q: &str) -> Vec<String> {
    q.split_whitespace().map(fold).take(64).collect()
}

/// `needle` occurs in `hay`: a plain scan, faster than `str::contains`'s setup for the short
/// IDs it is used on.
fn has(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    hay.len() >= needle.len()
        && (0..=hay.len() - needle.len())
            .any(|p| hay[p] == first && &hay[p + 1..p + needle.len()] == rest)
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

/// Byte ranges of `text` that match any search term, case-insensitively, merged and sorted.
pub fn highlight(text: &str, q: &str) -> Vec<(usize, usize)> {
    let terms = terms(q);
    if terms.is_empty() || text.is_empty() {
        return Vec::new();
    }
    // Lowercase char by char, remembering where each lowercase byte came from, because
    // lowercasing can change byte lengths outside ASCII.
    let mut lower = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (pos, c) in text.char_indices() {
        let before = lower.len();
        lower.push(fold_char(c));
        origin.extend(std::iter::repeat_n(pos, lower.len() - before));
    }
    origin.push(text.len());
    let end_of = |lower_end: usize| -> usize {
        // The end of the original char that produced the byte before `lower_end`.
        let start = origin[lower_end - 1];
        start + text[start..].chars().next().map_or(0, char::len_utf8)
    };
    let mut ranges = Vec::new();
    for t in &terms {
        let mut from = 0;
        while let Some(p) = lower[from..].find(t.as_str()) {
            let s = from + p;
            let e = s + t.len();
            ranges.push((origin[s], end_of(e)));
            from = s + t.len().max(1);
        }
    }
    ranges.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
            _ => merged.push(r),
        }
    }
    merged
}

/// Splits `text` into (segment, highlighted) pieces for display.
pub fn segments<'a>(text: &'a str, ranges: &[(usize, usize)]) -> Vec<(&'a str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in ranges {
        if s > at {
            out.push((&text[at..s], false));
        }
        out.push((&text[s..e], true));
        at = e;
    }
    if at < text.len() || out.is_empty() {
        out.push((&text[at..], false));
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A score with one decimal (`7.5`), without the float formatting machinery, which costs the
/// wasm viewer ~30 KB.
pub fn one_decimal(x: f64) -> String {
    let t = (x * 10.0).round() as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", (t / 10).abs(), (t % 10).abs())
}

/// A YAML double-quoted scalar; JSON string escaping is valid YAML.
fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `.trivyignore` lines for findings `idx`: `# SEVERITY title` above each ID, each ID once.
pub fn trivyignore(ds: &Dataset, idx: &[u32]) -> String {
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    for &i in idx {
        let o = &ds.findings[i as usize];
        if !seen.insert(o.id.as_str()) {
            continue;
        }
        let a = ds.advisory(i as usize);
        let title = one_line(if a.title.is_empty() {
            &a.description
        } else {
            &a.title
        });
        let title: String = title.chars().take(120).collect();
        out.push_str(&format!(
            "# {} {}\n{}\n",
            o.severity,
            title,
            one_line(&o.id)
        ));
    }
    out
}

/// A path as a doublestar glob that matches only itself.
fn glob_literal(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\' | ',') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `.trivyignore.yaml` entries for findings `idx`, one list per kind, as Trivy 0.76 reads them,
/// each as narrow as Trivy's rules allow (see [`crate::ignore`]): a vulnerability by its ID,
/// its target and its package URL (one entry per target, so ticking one occurrence does not
/// hide the same CVE in another image or file); a misconfiguration or secret by its ID and
/// target; a license by its name and file (a package's license has no file, so that entry
/// covers the license everywhere, and says so).
pub fn trivyignore_yaml(ds: &Dataset, idx: &[u32]) -> String {
    struct Entry {
        id: String,
        paths: Vec<String>,
        purls: Vec<String>,
        comment: String,
    }
    let q = |s: &str| yaml_quote(&one_line(s));
    let mut out = String::new();
    for kind in Kind::ALL {
        let mut entries: Vec<Entry> = Vec::new();
        for &i in idx {
            let o = &ds.findings[i as usize];
            if o.kind != kind {
                continue;
            }
            let path = match kind {
                Kind::License => o.license.as_ref().map_or("", |l| l.file_path.as_str()),
                _ => o.target.as_str(),
            };
            // Vulnerabilities get an entry per target; the others' entries list every path.
            let same = |e: &Entry| {
                e.id == o.id
                    && (kind != Kind::Vulnerability
                        || e.paths.first().map(String::as_str) == Some(path))
            };
            let pos = match entries.iter().position(same) {
                Some(p) => p,
                None => {
                    let a = ds.advisory(i as usize);
                    let title: &str = if a.title.is_empty() {
                        &a.description
                    } else {
                        &a.title
                    };
                    let mut comment: String = one_line(&format!("{} {}", o.severity, title))
                        .chars()
                        .take(120)
                        .collect();
                    if kind == Kind::License && path.is_empty() {
                        comment.push_str(" (a package license: ignored in every package)");
                    }
                    entries.push(Entry {
                        id: o.id.clone(),
                        paths: Vec::new(),
                        purls: Vec::new(),
                        comment,
                    });
                    entries.len() - 1
                }
            };
            let e = &mut entries[pos];
            if !path.is_empty() && !e.paths.contains(&path.to_string()) {
                e.paths.push(path.to_string());
            }
            if kind == Kind::Vulnerability {
                if let Some(p) = o.package.as_ref().and_then(|p| p.purl.clone()) {
                    if !e.purls.contains(&p) {
                        e.purls.push(p);
                    }
                }
            }
        }
        if entries.is_empty() {
            continue;
        }
        out.push_str(kind.plural());
        out.push_str(":\n");
        for e in entries {
            out.push_str(&format!("  # {}\n  - id: {}\n", e.comment, q(&e.id)));
            if !e.paths.is_empty() {
                out.push_str("    paths:\n");
                for p in e.paths {
                    out.push_str(&format!("      - {}\n", yaml_quote(&glob_literal(&p))));
                }
            }
            if !e.purls.is_empty() {
                out.push_str("    purls:\n");
                for p in e.purls {
                    out.push_str(&format!("      - {}\n", q(&p)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod fold_tests {
    use super::*;

    #[test]
    fn has_finds_substrings() {
        assert!(has(b"cve-2019-15", b"cve"));
        assert!(has(b"cve-2019-15", b"9-15"));
        assert!(has(b"cve", b""));
        assert!(!has(b"cv", b"cve"));
        assert!(!has(b"cve-2019-15", b"2020"));
    }

    #[test]
    fn folds_like_to_lowercase_where_it_folds() {
        for c in (0u32..0x530).filter_map(char::from_u32) {
            let f = fold_char(c);
            assert_eq!(f.len_utf8(), c.len_utf8(), "{c:?}");
            if f != c {
                assert_eq!(c.to_lowercase().collect::<String>(), f.to_string(), "{c:?}");
            }
        }
        assert_eq!(fold("OpenSSL ÉCLAIR Ωmega ЖУК"), "openssl éclair ωmega жук");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, sev: Severity, pkg: &str, desc: &str) -> Finding {
        Finding {
            id: id.into(),
            severity: sev,
            target: "img (debian 12)".into(),
            class: "os-pkgs".into(),
            target_type: "debian".into(),
            title: format!("{pkg}: problem"),
            description: desc.into(),
            status: Some("fixed".into()),
            package: Some(std::sync::Arc::new(Package {
                name: pkg.into(),
                purl: Some(format!("pkg:deb/debian/{pkg}@1.0")),
                installed_version: "1.0".into(),
                fixed_version: "1.1".into(),
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    fn ds() -> Dataset {
        let mut unfixed = f("CVE-2024-0003", Severity::Low, "zlib", "zlib thing");
        unfixed.status = Some("affected".into());
        std::sync::Arc::make_mut(unfixed.package.as_mut().unwrap())
            .fixed_version
            .clear();
        let mut suppressed = f("CVE-2024-0004", Severity::High, "curl", "curl thing");
        suppressed.suppressed = Some(Suppression {
            status: "not_affected".into(),
            ..Default::default()
        });
        let mut secret = f("aws-access-key-id", Severity::Critical, "", "");
        secret.kind = Kind::Secret;
        secret.package = None;
        secret.target = "/app/.env".into();
        secret.class = "secret".into();
        secret.target_type = String::new();
        Dataset::from_report(&Report {
            findings: vec![
                f(
                    "CVE-2023-0286",
                    Severity::High,
                    "openssl",
                    "X.400 address type confusion",
                ),
                f(
                    "CVE-2023-0286",
                    Severity::High,
                    "libssl3",
                    "X.400 address type confusion",
                ),
                f(
                    "CVE-2024-0001",
                    Severity::Critical,
                    "glibc",
                    "buffer overflow",
                ),
                unfixed,
                suppressed,
                secret,
            ],
            ..Default::default()
        })
    }

    fn ids(ds: &Dataset, v: &[u32]) -> Vec<String> {
        v.iter().map(|&i| key_of(ds, i as usize)).collect()
    }

    #[test]
    fn default_shows_counted_sorted_by_severity() {
        let ds = ds();
        let ix = Index::new(&ds);
        let v = select(&ds, &ix, &Query::default(), None);
        assert_eq!(
            ids(&ds, &v),
            [
                "aws-access-key-id@/app/.env",
                "CVE-2024-0001@glibc",
                "CVE-2023-0286@libssl3",
                "CVE-2023-0286@openssl",
                "CVE-2024-0003@zlib"
            ]
        );
        assert_eq!(scope_count(&ds, Show::Counted), 5);
        let hidden = select(
            &ds,
            &ix,
            &Query {
                show: Show::Hidden,
                ..Default::default()
            },
            None,
        );
        assert_eq!(ids(&ds, &hidden), ["CVE-2024-0004@curl"]);
    }

    #[test]
    fn search_matches_all_terms_across_fields() {
        let ds = ds();
        let ix = Index::new(&ds);
        let q = |s: &str| {
            select(
                &ds,
                &ix,
                &Query {
                    q: s.into(),
                    ..Default::default()
                },
                None,
            )
        };
        assert_eq!(q("cve-2023-0286").len(), 2);
        assert_eq!(ids(&ds, &q("X.400 openssl")), ["CVE-2023-0286@openssl"]);
        assert_eq!(q("pkg:deb/debian/glibc").len(), 1);
        assert_eq!(q("debian 12").len(), 4);
        assert_eq!(q(".env").len(), 1);
        assert!(q("nothing-like-this").is_empty());
        // Narrowing within an earlier result gives the same answer.
        let prev = q("cve");
        let within = select(
            &ds,
            &ix,
            &Query {
                q: "cve-2023".into(),
                ..Default::default()
            },
            Some(&prev),
        );
        assert_eq!(within, q("cve-2023"));
    }

    #[test]
    fn filters() {
        let ds = ds();
        let ix = Index::new(&ds);
        let s = |q: Query| ids(&ds, &select(&ds, &ix, &q, None));
        assert_eq!(
            s(Query {
                severities: vec![Severity::Critical],
                ..Default::default()
            }),
            ["aws-access-key-id@/app/.env", "CVE-2024-0001@glibc"]
        );
        assert_eq!(
            s(Query {
                kinds: vec![Kind::Secret],
                ..Default::default()
            })
            .len(),
            1
        );
        assert_eq!(
            s(Query {
                fix: Fix::Unfixed,
                ..Default::default()
            }),
            ["CVE-2024-0003@zlib"]
        );
        assert_eq!(
            s(Query {
                fix: Fix::Fixable,
                ..Default::default()
            })
            .len(),
            3
        );
        assert_eq!(
            s(Query {
                statuses: vec!["affected".into()],
                ..Default::default()
            })
            .len(),
            1
        );
        assert_eq!(
            s(Query {
                classes: vec!["secret".into()],
                ..Default::default()
            })
            .len(),
            1
        );
        assert_eq!(
            s(Query {
                pkg_types: vec!["debian".into()],
                ..Default::default()
            })
            .len(),
            4
        );
        assert_eq!(
            s(Query {
                targets: vec!["/app/.env".into()],
                ..Default::default()
            })
            .len(),
            1
        );
    }

    #[test]
    fn sorting() {
        let ds = ds();
        let ix = Index::new(&ds);
        let s = |sort| {
            ids(
                &ds,
                &select(
                    &ds,
                    &ix,
                    &Query {
                        sort,
                        ..Default::default()
                    },
                    None,
                ),
            )
        };
        assert_eq!(s(SortBy::Package)[0], "aws-access-key-id@/app/.env");
        assert_eq!(s(SortBy::Package)[1], "CVE-2024-0001@glibc");
        assert_eq!(s(SortBy::Id)[0], "CVE-2023-0286@libssl3");
    }

    #[test]
    fn grouping_and_flatten() {
        let ds = ds();
        let ix = Index::new(&ds);
        let sel = select(&ds, &ix, &Query::default(), None);
        let g = group(&ds, &ix, &sel, GroupBy::Severity);
        let labels: Vec<_> = g.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["CRITICAL", "HIGH", "LOW"]);
        let by_id = group(&ds, &ix, &sel, GroupBy::Vulnerability);
        let cve = by_id.iter().find(|g| g.label == "CVE-2023-0286").unwrap();
        assert_eq!(cve.rows.len(), 2, "one CVE in two packages is one group");
        let by_pkg = group(&ds, &ix, &sel, GroupBy::Package);
        assert!(by_pkg.iter().any(|g| g.label == "(no package)"));
        let lines = flatten(&g, |g| g.label == "HIGH");
        assert_eq!(lines.len(), 3 + 3);
        assert_eq!(lines[0], Line::Header(0));
    }

    #[test]
    fn hash_round_trip() {
        let q = Query {
            q: "openssl x&y=z,1 ü".into(),
            severities: vec![Severity::Critical, Severity::High],
            kinds: vec![Kind::Vulnerability],
            fix: Fix::Fixable,
            statuses: vec!["fixed".into()],
            classes: vec!["os-pkgs".into()],
            pkg_types: vec!["debian".into()],
            targets: vec!["img, with comma".into()],
            show: Show::All,
            group: GroupBy::Package,
            sort: SortBy::Cvss,
            finding: Some("CVE-2023-0286@openssl".into()),
        };
        let h = to_hash(&q);
        assert_eq!(from_hash(&format!("#{h}")), q);
        assert_eq!(to_hash(&Query::default()), "");
        let parsed =
            from_hash("#q=openssl&severity=CRITICAL,HIGH&group=package&finding=CVE-2023-0286");
        assert_eq!(parsed.q, "openssl");
        assert_eq!(parsed.severities, [Severity::Critical, Severity::High]);
        assert_eq!(parsed.group, GroupBy::Package);
        assert_eq!(parsed.finding.as_deref(), Some("CVE-2023-0286"));
        // Junk never panics and falls back to defaults.
        let junk = from_hash("#%&=&severity=BOGUS&group=nope&q=%E2%28%A1&x");
        assert!(junk.severities.is_empty());
        assert_eq!(junk.group, GroupBy::Severity);
        assert_eq!(from_hash("q=a+b%20c").q, "a b c");
    }

    #[test]
    fn highlight_ranges() {
        assert_eq!(highlight("OpenSSL openssl", "openssl"), [(0, 7), (8, 15)]);
        assert_eq!(highlight("abc", ""), []);
        assert_eq!(highlight("ab", "a b"), [(0, 2)]);
        // Lowercasing that changes byte length still maps back to the original text.
        let t = "İstanbul openssl";
        let r = highlight(t, "openssl");
        assert_eq!(&t[r[0].0..r[0].1], "openssl");
        let segs = segments("xx openssl yy", &highlight("xx openssl yy", "SSL"));
        assert_eq!(segs, [("xx open", false), ("ssl", true), (" yy", false)]);
    }

    #[test]
    fn keys() {
        let ds = ds();
        assert!(key_matches(&ds, 0, "CVE-2023-0286"));
        assert!(key_matches(&ds, 0, "CVE-2023-0286@openssl"));
        assert!(!key_matches(&ds, 1, "CVE-2023-0286@openssl"));
    }

    #[test]
    fn ignore_exports() {
        let ds = ds();
        let txt = trivyignore(&ds, &[0, 1, 2]);
        assert_eq!(
            txt,
            "# HIGH openssl: problem\nCVE-2023-0286\n# CRITICAL glibc: problem\nCVE-2024-0001\n"
        );
        let yaml = trivyignore_yaml(&ds, &[0, 1, 5]);
        assert_eq!(
            yaml,
            "vulnerabilities:\n  # HIGH openssl: problem\n  - id: \"CVE-2023-0286\"\n    paths:\n      - \"img (debian 12)\"\n    purls:\n      - \"pkg:deb/debian/openssl@1.0\"\n      - \"pkg:deb/debian/libssl3@1.0\"\nsecrets:\n  # CRITICAL : problem\n  - id: \"aws-access-key-id\"\n    paths:\n      - \"/app/.env\"\n"
        );
        // Paths are literal: glob characters are escaped.
        assert_eq!(
            glob_literal("a/*[b]{c,d}?\\"),
            "a/\\*\\[b\\]\\{c\\,d\\}\\?\\\\"
        );
        assert!(crate::glob::matches(
            &glob_literal("a/*[b]{c,d}?"),
            "a/*[b]{c,d}?"
        ));
        assert!(!crate::glob::matches(&glob_literal("a/*"), "a/x"));
    }

    #[test]
    fn small_formatters() {
        assert_eq!(one_decimal(7.5), "7.5");
        assert_eq!(one_decimal(10.0), "10.0");
        assert_eq!(one_decimal(4.25), "4.3");
        assert_eq!(one_decimal(0.0), "0.0");
        for s in ["a\"b\\c\u{1}", "plain", "ü"] {
            let back: String = serde_json::from_str(&yaml_quote(s)).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn only_http_links() {
        assert_eq!(
            safe_url("https://nvd.nist.gov/x"),
            Some("https://nvd.nist.gov/x")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url(" JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_url("https://a b"), None);
    }
}
