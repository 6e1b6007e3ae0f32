//! The search index and the list: everything precomputed once per report ([`Index`]), so that
//! each keystroke only scans and compares; [`select`] applies a [`Query`], [`group`] and
//! [`flatten`] lay the result out for the windowed list. One idea, the list's pipeline, in parts:
//!
//! 1. [`Index::new`]: folded search texts, interned target/package/ID ids, CVSS, the feeds, the
//!    merge ids (one ID, package and version across targets), each finding's fix-plan entry
//!    (`plan_of`) and layer (`layers_of`); [`Index::order`] caches each sort order.
//! 2. [`search`]: the findings in the query's scope its search terms match, in a sort order;
//!    then `facets.rs`'s [`apply_filters`](super::apply_filters) applies the other filters and
//!    counts the facets, in one pass ([`select`] is both).
//! 3. [`group`]: the selected findings in groups (severity, target, package, fix plan, layer),
//!    merged across targets when asked, with counts by severity.
//! 4. [`flatten`]: the groups as the windowed list's lines, collapsed groups left out.

use super::filter::*;
use super::sort::{positions, sort_by};
use super::text::{fold, has, parse_terms, spaced, Terms};
use crate::compact::Dataset;
use crate::report::*;
use crate::triage::LayerOrigin;
use std::collections::HashMap;

/// A hasher for the `u64` keys [`group`] makes of interned ids on every keystroke: one multiply
/// (Fx's), instead of SipHash, which guards against keys chosen to collide; these are indexes the
/// viewer made itself.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // The multiply mixes upward only: bring the mixed high bits down to where the table
        // takes its bucket (rustc-hash 2 does the same).
        self.0.rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type IdMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<IdHasher>>;

/// No fix-plan entry, no layer: the `u32` index tables' "none".
const NONE: u32 = u32::MAX;

/// [`Traits::flags`]: fixable and unfixed (Trivy's meanings), in CISA's KEV catalog, in the
/// `counted` and `hidden` scopes ([`Show`]).
pub(super) const FIXABLE: u8 = 1;
pub(super) const UNFIXED: u8 = 2;
pub(super) const KEV: u8 = 4;
const COUNTED: u8 = 8;
const HIDDEN: u8 = 16;

/// What the filters ask of one finding, packed together so that a pass over many findings
/// reads a few bytes each rather than each finding's whole record.
#[derive(Debug, Clone, Copy)]
pub(super) struct Traits {
    /// [`Severity::rank`].
    pub(super) sev: u8,
    /// `Kind as u8`.
    pub(super) kind: u8,
    pub(super) flags: u8,
}

/// The scope flag `show` asks for; 0 for all.
fn scope_flag(show: Show) -> u8 {
    match show {
        Show::Counted => COUNTED,
        Show::Hidden => HIDDEN,
        Show::All => 0,
    }
}

/// Finding `o`'s value of list filter `which` ("" for none).
fn list_value(o: &crate::compact::Occurrence, which: ListFilter) -> &str {
    match which {
        ListFilter::Status => o.status.as_deref().unwrap_or(""),
        ListFilter::Class => &o.class,
        ListFilter::Type => &o.target_type,
        ListFilter::Target => &o.target,
    }
}

/// List filter `which`'s values, non-empty and sorted, and each finding's place among them
/// (`values.len()` for none). Runs of one value, as findings come per target, skip the lookup.
fn list_values(ds: &Dataset, which: ListFilter) -> (Vec<String>, Vec<u32>) {
    let mut at: HashMap<String, u32> = HashMap::new();
    let mut values: Vec<&str> = Vec::new();
    let mut of = Vec::with_capacity(ds.findings.len());
    let mut last: Option<(&str, u32)> = None;
    for o in &ds.findings {
        let s = list_value(o, which);
        let k = match last {
            Some((l, k)) if l == s => k,
            _ if s.is_empty() => NONE,
            _ => match at.get(s) {
                Some(&k) => k,
                None => {
                    at.insert(s.to_string(), values.len() as u32);
                    values.push(s);
                    values.len() as u32 - 1
                }
            },
        };
        last = Some((s, k));
        of.push(k);
    }
    let order = positions(values.len(), &mut |a, b| values[a].cmp(values[b]));
    let mut place = vec![0u32; values.len()];
    for (n, &v) in order.iter().enumerate() {
        place[v as usize] = n as u32;
    }
    let none = values.len() as u32;
    for k in &mut of {
        *k = place.get(*k as usize).copied().unwrap_or(none);
    }
    let values = order
        .iter()
        .map(|&v| values[v as usize].to_string())
        .collect();
    (values, of)
}

/// One image layer findings can be grouped by.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    pub origin: LayerOrigin,
    pub diff_id: String,
    pub created_by: String,
    /// Position: artifact, then the layer's place in its image.
    order: (u32, u32),
}

// Index: everything precomputed once per report so each keystroke only scans and compares.

/// Precomputed per-finding data: lowercase search text and interned keys for grouping and
/// sorting.
pub struct Index {
    /// Every finding's ID, lowercased, one after another (one block of memory that a search
    /// reads in order, not a string each); finding `i`'s ends at `id_end[i]`.
    id_hay: String,
    id_end: Vec<u32>,
    /// Per finding: its advisory (in `adv_hay`), kept here so that a search does not read each
    /// finding's whole record.
    adv_of: Vec<u32>,
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
    /// Per finding: its EPSS score, or -1 when not scored.
    epss: Vec<f32>,
    /// Per finding: the `report.remediation` entry whose upgrade fixes it, or `NONE`.
    plan_of: Vec<u32>,
    /// Per finding: its layer in `layers`, or `NONE`.
    layer_of: Vec<u32>,
    /// Per finding: its ID, package and installed version together, interned in `names` (the
    /// same vulnerability in several targets shares it: merged rows).
    merge_id: Vec<u32>,
    /// Per finding: its merge id and target together, numbered densely (`NONE` without a
    /// merge id); and how many merge ids and pairs there are, for [`group`]'s tables.
    in_target: Vec<u32>,
    merges: usize,
    in_targets: usize,
    pub layers: Vec<LayerInfo>,
    /// Whether findings come from more than one target (else no rows can merge).
    several_targets: bool,
    /// Per finding: severity, kind and flags, for the filter pass.
    pub(super) traits: Vec<Traits>,
    /// Each list filter's values (by `ListFilter as usize`), non-empty and sorted, and per
    /// finding its place among them (the values' length for none).
    pub(super) values: [Vec<String>; 4],
    pub(super) value_of: [Vec<u32>; 4],
    /// How many findings each [`Show`] scope holds (by `Show as usize`).
    scopes: [usize; 3],
    /// All findings in each sort order (by `SortBy as usize`), made when first asked for.
    orders: std::cell::RefCell<[Option<std::rc::Rc<Vec<u32>>>; SortBy::ALL.len()]>,
    /// `adv_hay` and `ctx_hay` as a phrase reads them, each run of whitespace one space
    /// (`None` where that changes nothing); made when a phrase is first searched, since making
    /// them at start took five times the folding (natively, 200,000 corpus titles and
    /// descriptions: 31 ms against 6 ms).
    flat: std::cell::OnceCell<[Vec<Option<String>>; 2]>,
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

/// Ends each field in a search text: not whitespace, so that a phrase does not run from one
/// field into the next, and not a character one types.
const FIELD_END: char = '\u{1f}';

impl Index {
    pub fn new(ds: &Dataset) -> Index {
        let n = ds.findings.len();
        let mut id_hay = String::new();
        let mut id_end = Vec::with_capacity(n);
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
        let mut merge_id = Vec::with_capacity(n);
        // (package, version) → pair; (ID, pair) → merge id.
        let mut pairs: IdMap<u32> = IdMap::default();
        let mut triples: IdMap<u32> = IdMap::default();
        let adv_cvss: Vec<f32> = ds
            .advisories
            .iter()
            .map(|a| a.max_cvss().unwrap_or(-1.0) as f32)
            .collect();
        for o in &ds.findings {
            id_hay.push_str(&fold(&o.id));
            id_end.push(id_hay.len() as u32);
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
                    h.push(FIELD_END);
                    h.push_str(s);
                }
            }
            if let Some(l) = &o.license {
                h.push(FIELD_END);
                h.push_str(&l.file_path);
            }
            if let Some(m) = &o.misconfiguration {
                if !m.message.is_empty() {
                    h.push(FIELD_END);
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
            merge_id.push(match &o.package {
                Some(p) if o.kind == Kind::Vulnerability => {
                    // Ids, not strings: interning the version is a lookup (no copy) when it is
                    // known, and the pairs are numbered by a map of integers.
                    let v = intern(&mut map, &mut names, &p.installed_version) as u64;
                    let pv = dense(
                        &mut pairs,
                        (*package_id.last().unwrap_or(&0) as u64) << 32 | v,
                    );
                    dense(
                        &mut triples,
                        (*vuln_id.last().unwrap_or(&0) as u64) << 32 | pv as u64,
                    )
                }
                _ => NONE,
            });
        }
        let epss = ds
            .findings
            .iter()
            .map(|o| o.epss.listed().map_or(-1.0, |e| e.score as f32))
            .collect();
        let traits: Vec<Traits> = ds
            .findings
            .iter()
            .map(|o| {
                let counted = o.is_counted();
                let flags = [
                    (o.is_fixable(), FIXABLE),
                    (o.is_unfixed(), UNFIXED),
                    (o.kev.listed().is_some(), KEV),
                    (counted, COUNTED),
                    (!counted || o.excluded.is_some(), HIDDEN),
                ]
                .iter()
                .filter(|f| f.0)
                .fold(0, |m, f| m | f.1);
                Traits {
                    sev: o.severity.rank() as u8,
                    kind: o.kind as u8,
                    flags,
                }
            })
            .collect();
        let scopes = [Show::Counted, Show::Hidden, Show::All].map(|show| {
            let f = scope_flag(show);
            traits.iter().filter(|t| t.flags & f == f).count()
        });
        let [status, class, kind, target] = ListFilter::ALL.map(|w| list_values(ds, w));
        let (layers, layer_of) = layers_of(ds);
        let several_targets = target_id.iter().any(|&t| t != target_id[0]);
        let mut pairs_in: IdMap<u32> = IdMap::default();
        let in_target = merge_id
            .iter()
            .zip(&target_id)
            .map(|(&m, &t)| match m {
                NONE => NONE,
                m => dense(&mut pairs_in, (m as u64) << 32 | t as u64),
            })
            .collect();
        let plan_of = plan_of(ds, &map, &pairs, &triples, &target_id, &merge_id);
        let adv_hay = ds
            .advisories
            .iter()
            .map(|a| {
                let mut h = a.aliases.join(&FIELD_END.to_string());
                h.push(FIELD_END);
                h.push_str(&a.title);
                h.push(FIELD_END);
                h.push_str(&a.description);
                fold(&h)
            })
            .collect();
        Index {
            id_hay,
            id_end,
            adv_of: ds.findings.iter().map(|o| o.advisory).collect(),
            ctx_of,
            ctx_hay,
            adv_hay,
            target_id,
            package_id,
            vuln_id,
            names,
            cvss,
            epss,
            plan_of,
            layer_of,
            merge_id,
            in_target,
            merges: triples.len(),
            in_targets: pairs_in.len(),
            layers,
            several_targets,
            traits,
            values: [status.0, class.0, kind.0, target.0],
            value_of: [status.1, class.1, kind.1, target.1],
            scopes,
            orders: Default::default(),
            flat: Default::default(),
        }
    }

    /// Whether finding `i` is in CISA's KEV catalog.
    pub fn kev(&self, i: usize) -> bool {
        self.traits[i].flags & KEV != 0
    }

    /// How many findings `show` covers before any other filter: the "M" of "N of M findings".
    pub fn scope(&self, show: Show) -> usize {
        self.scopes[show as usize]
    }

    /// The report's values of list filter `which`, each once, sorted: what its facet offers.
    pub fn values(&self, which: ListFilter) -> &[String] {
        &self.values[which as usize]
    }

    /// Finding `i`'s EPSS score, if scored.
    pub fn epss(&self, i: usize) -> Option<f32> {
        let e = self.epss[i];
        (e >= 0.0).then_some(e)
    }

    /// The `report.remediation` entry whose upgrade fixes finding `i`.
    pub fn plan(&self, i: usize) -> Option<usize> {
        let p = self.plan_of[i];
        (p != NONE).then_some(p as usize)
    }

    /// Finding `i`'s layer.
    pub fn layer(&self, i: usize) -> Option<&LayerInfo> {
        self.layers.get(self.layer_of[i] as usize)
    }

    /// All findings in `sort` order; computed once per sort key.
    pub fn order(&self, ds: &Dataset, sort: SortBy) -> std::rc::Rc<Vec<u32>> {
        if let Some(o) = &self.orders.borrow()[sort as usize] {
            return o.clone();
        }
        let f = &ds.findings;
        let name = |id: u32| self.names[id as usize].as_str();
        let cmp_cvss = |a: usize, b: usize| {
            self.cvss[b]
                .partial_cmp(&self.cvss[a])
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        let cmp_epss = |a: usize, b: usize| {
            self.epss[b]
                .partial_cmp(&self.epss[a])
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        let v = positions(f.len(), &mut |a, b| {
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
                SortBy::Risk => self
                    .kev(b)
                    .cmp(&self.kev(a))
                    .then_with(|| cmp_epss(a, b))
                    .then(sev)
                    .then_with(|| cmp_cvss(a, b))
                    .then_with(pkg)
                    .then_with(id),
                SortBy::Epss => cmp_epss(a, b)
                    .then(sev)
                    .then_with(|| cmp_cvss(a, b))
                    .then_with(pkg)
                    .then_with(id),
                SortBy::Target => target().then(sev).then_with(pkg).then_with(id),
            }
            .then_with(target)
            .then(a.cmp(&b))
        });
        let v = std::rc::Rc::new(v);
        self.orders.borrow_mut()[sort as usize] = Some(v.clone());
        v
    }

    /// The search texts as a phrase reads them (the `flat` field), made on first use.
    fn flat(&self) -> &[Vec<Option<String>>; 2] {
        self.flat.get_or_init(|| {
            [&self.adv_hay, &self.ctx_hay].map(|hay| {
                hay.iter()
                    .map(|h| match spaced(h) {
                        std::borrow::Cow::Owned(s) => Some(s),
                        std::borrow::Cow::Borrowed(_) => None,
                    })
                    .collect()
            })
        })
    }

    /// The highest CVSS score of finding `i`, if any.
    pub fn cvss(&self, i: usize) -> Option<f32> {
        let c = self.cvss[i];
        (c >= 0.0).then_some(c)
    }
}

/// The findings in `q.show`'s scope that its search terms all match, in `q`'s sort order: what
/// the other filters then narrow ([`apply_filters`](super::apply_filters)). `within` is an
/// earlier result of a search this one extends in the same scope and order, so holds every
/// match (a keystroke).
pub fn search(ds: &Dataset, ix: &Index, q: &Query, within: Option<&[u32]>) -> Vec<u32> {
    let Terms {
        text: terms,
        fields,
    } = parse_terms(&q.q);
    let scope = scope_flag(q.show);
    // Which terms each advisory's text and each shared context match, found the first time a
    // finding needs them (a narrowed search meets only some), then kept. `UNKNOWN` is also the
    // mask of 64 terms all matched, which is then only found again.
    const UNKNOWN: u64 = u64::MAX;
    let known = |hay: &[String]| vec![UNKNOWN; if terms.is_empty() { 0 } else { hay.len() }];
    let (mut adv_mask, mut ctx_mask) = (known(&ix.adv_hay), known(&ix.ctx_hay));
    // A phrase (a quoted term with a space) reads the text with each run of whitespace one space.
    let [adv_flat, ctx_flat] = match terms.iter().any(|t| t.contains(' ')) {
        true => ix.flat().each_ref().map(|f| Some(f.as_slice())),
        false => [None, None],
    };
    let mask =
        |memo: &mut [u64], hay: &[String], flat: Option<&[Option<String>]>, k: usize| match memo
            .get_mut(k)
        {
            Some(m) => {
                if *m == UNKNOWN {
                    let phrase_hay = flat.and_then(|f| f[k].as_deref()).unwrap_or(&hay[k]);
                    *m = terms
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| match t.contains(' ') {
                            true => phrase_hay.contains(t.as_str()),
                            false => hay[k].contains(t.as_str()),
                        })
                        .fold(0u64, |m, (n, _)| m | 1 << n);
                }
                *m
            }
            None => 0,
        };
    let all: u64 = if terms.len() == 64 {
        u64::MAX
    } else {
        (1u64 << terms.len()) - 1
    };
    let mut keep = |i: u32| -> bool {
        let iu = i as usize;
        if ix.traits[iu].flags & scope != scope {
            return false;
        }
        if !fields.is_empty() {
            let o = &ds.findings[iu];
            let package = o
                .package
                .as_ref()
                .map(|p| (p.name.as_str(), p.installed_version.as_str()));
            if !fields.iter().all(|f| f.matches(&o.id, package)) {
                return false;
            }
        }
        if terms.is_empty() {
            return true;
        }
        let mut m = mask(&mut adv_mask, &ix.adv_hay, adv_flat, ix.adv_of[iu] as usize)
            | mask(&mut ctx_mask, &ix.ctx_hay, ctx_flat, ix.ctx_of[iu] as usize);
        if m != all {
            let start = iu.checked_sub(1).map_or(0, |p| ix.id_end[p] as usize);
            let h = &ix.id_hay.as_bytes()[start..ix.id_end[iu] as usize];
            for (n, t) in terms.iter().enumerate() {
                if m & (1 << n) == 0 && has(h, t.as_bytes()) {
                    m |= 1 << n;
                }
            }
        }
        m == all
    };
    match (within, q.reverse) {
        (Some(prev), _) => prev.iter().copied().filter(|&i| keep(i)).collect(),
        (None, false) => ix
            .order(ds, q.sort)
            .iter()
            .copied()
            .filter(|&i| keep(i))
            .collect(),
        (None, true) => ix
            .order(ds, q.sort)
            .iter()
            .rev()
            .copied()
            .filter(|&i| keep(i))
            .collect(),
    }
}

/// The findings `q` shows, in its sort order: [`search`], then
/// [`apply_filters`](super::apply_filters). `within` narrows the search to an earlier result
/// of a search this one extends.
pub fn select(ds: &Dataset, ix: &Index, q: &Query, within: Option<&[u32]>) -> Vec<u32> {
    super::apply_filters(ix, q, &search(ds, ix, q, within)).0
}

/// A dense number for `key`: the next one when it is new.
fn dense(m: &mut IdMap<u32>, key: u64) -> u32 {
    let n = m.len() as u32;
    *m.entry(key).or_insert(n)
}

/// Per finding, the `report.remediation` entry whose upgrade fixes it (as `flat::Rows` finds
/// the row's `upgrade_to`: same target, package, installed version, type and ID), by the ids the
/// index interned: an entry naming a value no finding has matches nothing.
fn plan_of(
    ds: &Dataset,
    names: &HashMap<String, u32>,
    pairs: &IdMap<u32>,
    triples: &IdMap<u32>,
    target_id: &[u32],
    merge_id: &[u32],
) -> Vec<u32> {
    let plan = &ds.report.remediation;
    if plan.is_empty() {
        return vec![NONE; ds.findings.len()];
    }
    let id = |s: &str| names.get(s).map(|&i| i as u64);
    // (target, merge id) → entry.
    let mut at: IdMap<u32> = IdMap::default();
    for (n, r) in plan.iter().enumerate() {
        let (Some(t), Some(pk), Some(v)) = (id(&r.target), id(&r.package), id(&r.installed)) else {
            continue;
        };
        let Some(&pv) = pairs.get(&(pk << 32 | v)) else {
            continue;
        };
        for vid in r.fixes.iter().filter_map(|f| id(f)) {
            if let Some(&m) = triples.get(&(vid << 32 | pv as u64)) {
                at.insert(t << 32 | m as u64, n as u32);
            }
        }
    }
    ds.findings
        .iter()
        .enumerate()
        .map(|(i, o)| {
            if merge_id[i] == NONE || !o.is_fixable() {
                return NONE;
            }
            match at.get(&((target_id[i] as u64) << 32 | merge_id[i] as u64)) {
                Some(&n) if plan[n as usize].target_type == o.target_type => n,
                _ => NONE,
            }
        })
        .collect()
}

/// The layers findings come from, each once: those the report lists for its images (with their
/// origin), then any a finding names that the list lacks (origin unknown).
fn layers_of(ds: &Dataset) -> (Vec<LayerInfo>, Vec<u32>) {
    let mut layers = Vec::new();
    // "artifact\0diff ID" → layer.
    let mut at: HashMap<String, u32> = HashMap::new();
    for (a, art) in ds.report.artifacts.iter().enumerate() {
        for (k, l) in art.layers.iter().enumerate() {
            at.entry(format!("{a}\0{}", l.diff_id)).or_insert_with(|| {
                layers.push(LayerInfo {
                    origin: l.origin,
                    diff_id: l.diff_id.clone(),
                    created_by: l.created_by.clone().unwrap_or_default(),
                    order: (a as u32, k as u32),
                });
                layers.len() as u32 - 1
            });
        }
    }
    let of = ds
        .findings
        .iter()
        .map(|o| {
            let Some(l) = &o.layer else { return NONE };
            let id = l.diff_id.as_deref().or(l.digest.as_deref()).unwrap_or("");
            if id.is_empty() && l.created_by.is_none() {
                return NONE;
            }
            *at.entry(format!("{}\0{id}", o.artifact))
                .or_insert_with(|| {
                    layers.push(LayerInfo {
                        origin: LayerOrigin::Unknown,
                        diff_id: id.to_string(),
                        created_by: l.created_by.clone().unwrap_or_default(),
                        order: (o.artifact, u32::MAX),
                    });
                    layers.len() as u32 - 1
                })
        })
        .collect();
    (layers, of)
}

/// One group of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Stable key for collapse state.
    pub key: String,
    pub label: String,
    /// What the label leaves out: the target of a fix-plan entry, a layer's command.
    pub detail: String,
    /// The most severe finding in the group.
    pub worst: Severity,
    /// Findings, in sort order; with merging, one per row (see `also`).
    pub rows: Vec<u32>,
    /// Every finding of the group by severity, merged ones included.
    pub counts: SeverityCounts,
    /// Rows that stand for more findings (the same ID, package and installed version in other
    /// targets): (the row's finding, start and length in `merged_items`), sorted by the finding
    /// (see [`Group::also`]).
    merged: Vec<(u32, u32, u32)>,
    merged_items: Vec<u32>,
}

impl Group {
    /// How many findings the group holds, merged ones included.
    pub fn total(&self) -> u64 {
        self.counts.total()
    }

    /// The findings merged into row `i` (the same vulnerability in other targets), if any.
    pub fn also(&self, i: u32) -> &[u32] {
        match self.merged.binary_search_by_key(&i, |m| m.0) {
            Ok(n) => {
                let (_, start, len) = self.merged[n];
                &self.merged_items[start as usize..(start + len) as usize]
            }
            Err(_) => &[],
        }
    }

    /// Whether any row stands for more than its own finding.
    pub fn has_merged(&self) -> bool {
        !self.merged.is_empty()
    }

    /// The findings row `i` stands for: itself, then those merged into it.
    pub fn findings_of(&self, i: u32) -> Vec<u32> {
        let mut v = vec![i];
        v.extend(self.also(i));
        v
    }
}

/// Where a group goes in the list: fix-plan and layer groups keep their plan or image order;
/// the rest go by their worst severity, then size, then name.
type Rank = (u32, u32, u32);

/// The group finding `i` belongs to under `by`: its key, label, detail and place.
fn group_of(
    ds: &Dataset,
    ix: &Index,
    i: usize,
    by: GroupBy,
) -> (u64, String, String, Option<Rank>) {
    let o = &ds.findings[i];
    let name = |k: u32| ix.names[k as usize].clone();
    match by {
        GroupBy::Severity => (
            o.severity.rank() as u64,
            o.severity.as_str().into(),
            String::new(),
            None,
        ),
        GroupBy::Target => {
            let k = ix.target_id[i];
            (k as u64, name(k), String::new(), None)
        }
        GroupBy::Package => {
            let k = ix.package_id[i];
            let n = name(k);
            let n = if n.is_empty() {
                "(no package)".to_string()
            } else {
                n
            };
            (k as u64, n, String::new(), None)
        }
        GroupBy::Vulnerability => {
            let k = ix.vuln_id[i];
            (k as u64, name(k), String::new(), None)
        }
        GroupBy::FixPlan => match ix.plan(i) {
            Some(p) => {
                let r = &ds.report.remediation[p];
                let label = crate::present::upgrade(r);
                (p as u64, label, r.target.clone(), Some((0, p as u32, 0)))
            }
            None => {
                let (n, label) = if o.kind != Kind::Vulnerability || o.package.is_none() {
                    (2, "Not a package vulnerability")
                } else if o.is_fixable() {
                    (1, "Fixable, outside the fix plan (not counted)")
                } else {
                    (0, "No fixed version listed")
                };
                (
                    1 << 40 | n,
                    label.into(),
                    String::new(),
                    Some((1, n as u32, 0)),
                )
            }
        },
        GroupBy::Layer => match ix.layer(i) {
            Some(l) => {
                let rank = match l.origin {
                    LayerOrigin::Base => 0,
                    LayerOrigin::Own => 1,
                    LayerOrigin::Unknown => 2,
                };
                let short = l.diff_id.strip_prefix("sha256:").unwrap_or(&l.diff_id);
                let label = format!(
                    "{} {}",
                    crate::present::layer_origin(l.origin),
                    short.get(..12).unwrap_or(short)
                );
                (
                    ix.layer_of[i] as u64,
                    label,
                    l.created_by.clone(),
                    Some((rank, l.order.0, l.order.1)),
                )
            }
            None => (1 << 40, "No layer".into(), String::new(), Some((3, 0, 0))),
        },
    }
}

/// Groups `selected` (already in sort order) by `by`. Severity groups come most severe first;
/// fix-plan groups in the plan's order (most urgent first); layer groups base image first, then
/// the image's own layers, in image order; other groups by their worst severity, then size,
/// then name. With `merge`, a vulnerability found with the same ID, package and installed
/// version in several targets takes one row (see [`Group::also`]).
pub fn group(ds: &Dataset, ix: &Index, selected: &[u32], by: GroupBy, merge: bool) -> Vec<Group> {
    let mut groups: Vec<(Option<Rank>, Group)> = Vec::new();
    // Group key → group; the last one met, since findings of one group come in runs.
    let mut slot: IdMap<u32> = IdMap::default();
    let mut last: Option<(u64, usize)> = None;
    // Dense tables by the index's ids rather than hash maps keyed by them: one keystroke
    // groups up to every finding.
    let merge = merge && ix.several_targets;
    let table = |n: usize| if merge { n } else { 0 };
    // (ID, package, version) in a target, seen: a second one in the same target keeps its row.
    let mut seen = vec![false; table(ix.in_targets)];
    // The merged rows: (group, the row's finding, the previous row of its merge id, in another
    // group, or `NONE`); per merge id, its latest row; and (merged row, a finding merged into
    // it).
    let mut reps: Vec<(usize, u32, u32)> = Vec::new();
    let mut rep_of = vec![NONE; table(ix.merges)];
    let mut joined: Vec<(u32, u32)> = Vec::new();
    for &i in selected {
        let iu = i as usize;
        let sev = Severity::ALL[ix.traits[iu].sev as usize];
        let k = match by {
            // Cheap keys first: no label is made for a group that exists.
            GroupBy::Severity => sev.rank() as u64,
            GroupBy::Target => ix.target_id[iu] as u64,
            GroupBy::Package => ix.package_id[iu] as u64,
            GroupBy::Vulnerability => ix.vuln_id[iu] as u64,
            _ => group_of(ds, ix, iu, by).0,
        };
        let g = match (last, slot.get(&k)) {
            (Some((lk, g)), _) if lk == k => g,
            (_, Some(&g)) => g as usize,
            (_, None) => {
                let (_, label, detail, rank) = group_of(ds, ix, iu, by);
                groups.push((
                    rank,
                    Group {
                        key: if detail.is_empty() {
                            format!("{}:{label}", by.as_str())
                        } else {
                            format!("{}:{label}:{detail}", by.as_str())
                        },
                        label,
                        detail,
                        worst: sev,
                        rows: Vec::new(),
                        counts: SeverityCounts::default(),
                        merged: Vec::new(),
                        merged_items: Vec::new(),
                    },
                ));
                slot.insert(k, groups.len() as u32 - 1);
                groups.len() - 1
            }
        };
        last = Some((k, g));
        let grp = &mut groups[g].1;
        grp.worst = grp.worst.min(sev);
        grp.counts.add(sev);
        let m = ix.merge_id[iu];
        if merge && m != NONE && !std::mem::replace(&mut seen[ix.in_target[iu] as usize], true) {
            let mut r = rep_of[m as usize];
            while r != NONE && reps[r as usize].0 != g {
                r = reps[r as usize].2;
            }
            if r != NONE {
                joined.push((r, i));
                continue;
            }
            reps.push((g, i, rep_of[m as usize]));
            rep_of[m as usize] = reps.len() as u32 - 1;
        }
        grp.rows.push(i);
    }
    // Stable: each row's findings stay in sort order.
    sort_by(&mut joined, |a, b| a.0.cmp(&b.0));
    for run in joined.chunk_by(|a, b| a.0 == b.0) {
        let (g, row, _) = reps[run[0].0 as usize];
        let grp = &mut groups[g].1;
        let start = grp.merged_items.len() as u32;
        grp.merged_items.extend(run.iter().map(|j| j.1));
        grp.merged.push((row, start, run.len() as u32));
    }
    for (_, g) in &mut groups {
        sort_by(&mut g.merged, |a, b| a.0.cmp(&b.0));
    }
    sort_by(&mut groups, |(ra, a), (rb, b)| match (ra, rb) {
        (Some(x), Some(y)) => x.cmp(y).then_with(|| a.label.cmp(&b.label)),
        _ => a
            .worst
            .cmp(&b.worst)
            .then_with(|| b.total().cmp(&a.total()))
            .then_with(|| a.label.cmp(&b.label)),
    });
    groups.into_iter().map(|(_, g)| g).collect()
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
