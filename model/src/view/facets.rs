//! The filters other than the search, and the facets: [`apply_filters`] narrows a [`search`]
//! result to what the query shows and, in the same pass, counts for every facet chip how many
//! findings it would show, as faceted search does: each facet's counts obey the search and
//! every *other* facet's choice, never its own, so choosing HIGH leaves CRITICAL's count as it
//! was while choosing secrets narrows the severity counts to secrets.
//!
//! One pass suffices because a finding counts in a facet only if it misses no filter but that
//! facet's: one that passes everything counts in every facet (at its own values), one that misses
//! exactly one filter counts in that facet alone, one that misses two counts nowhere.
//!
//! [`search`]: super::search

use super::filter::{Fix, ListFilter, Query};
use super::index::{Index, FIXABLE, KEV, UNFIXED};
use crate::report::{Kind, Severity};

/// The facets as bits of a finding's misses: a bit is set when it fails that filter.
const SEV: u8 = 1;
const KIND: u8 = 2;
const FIX: u8 = 4;
const KNOWN_EXPLOITED: u8 = 8;
/// The list filters' bits, by `ListFilter as usize` from here up.
const LIST: u8 = 16;

/// For every facet chip, how many findings choosing it would show (see the module's doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// By [`Severity::rank`].
    severity: [u32; 5],
    /// By `Kind as usize`.
    kind: [u32; 4],
    fixable: u32,
    unfixed: u32,
    kev: u32,
    fixable_urgent: u32,
    /// Per list filter, per value (as [`Index::values`]; the last for none).
    lists: [Vec<u32>; 4],
}

impl Facets {
    pub fn severity(&self, s: Severity) -> usize {
        self.severity[s.rank()] as usize
    }

    pub fn kind(&self, k: Kind) -> usize {
        self.kind[k as usize] as usize
    }

    /// The fix facet's chips; [`Fix::Any`] has none.
    pub fn fix(&self, f: Fix) -> usize {
        match f {
            Fix::Any => 0,
            Fix::Fixable => self.fixable as usize,
            Fix::Unfixed => self.unfixed as usize,
        }
    }

    /// Findings in CISA's KEV catalog: the "known exploited" toggle.
    pub fn kev(&self) -> usize {
        self.kev as usize
    }

    /// Fixable critical and high findings: the toggle that sets both the fix state and the
    /// severities, so neither facet's own choice narrows it.
    pub fn fixable_urgent(&self) -> usize {
        self.fixable_urgent as usize
    }

    /// The count of value `n` of list filter `which` (its place in [`Index::values`]).
    pub fn value(&self, which: ListFilter, n: usize) -> usize {
        self.lists[which as usize].get(n).copied().unwrap_or(0) as usize
    }

    /// Counts finding `i` in the facets of `which` (bits), at its own values.
    fn add(&mut self, ix: &Index, i: usize, which: u8) {
        let t = ix.traits[i];
        if which & SEV != 0 {
            self.severity[t.sev as usize] += 1;
        }
        if which & KIND != 0 {
            self.kind[t.kind as usize] += 1;
        }
        if which & FIX != 0 {
            self.fixable += (t.flags & FIXABLE != 0) as u32;
            self.unfixed += (t.flags & UNFIXED != 0) as u32;
        }
        if which & KNOWN_EXPLOITED != 0 {
            self.kev += (t.flags & KEV != 0) as u32;
        }
        for (f, counts) in self.lists.iter_mut().enumerate() {
            if which & (LIST << f) != 0 {
                counts[ix.value_of[f][i] as usize] += 1;
            }
        }
    }
}

/// The findings of `searched` (a [`search`](super::search) result) that pass `q`'s other
/// filters, in `searched`'s order, and the facet counts, in one pass.
pub fn apply_filters(ix: &Index, q: &Query, searched: &[u32]) -> (Vec<u32>, Facets) {
    let bits = |ranks: &mut dyn Iterator<Item = usize>| ranks.fold(0u8, |m, r| m | 1 << r);
    // The severities and kinds allowed, as bits by rank; none chosen allows all.
    let sevs = match bits(&mut q.severities.iter().map(|s| s.rank())) {
        0 => u8::MAX,
        m => m,
    };
    let kinds = match bits(&mut q.kinds.iter().map(|&k| k as usize)) {
        0 => u8::MAX,
        m => m,
    };
    let fix = match q.fix {
        Fix::Any => 0,
        Fix::Fixable => FIXABLE,
        Fix::Unfixed => UNFIXED,
    };
    let kev = if q.kev { KEV } else { 0 };
    // Per list filter, whether each value (the last: none) is allowed.
    let allowed: [Vec<bool>; 4] = ListFilter::ALL.map(|w| {
        let values = ix.values(w);
        let chosen = q.list(w);
        let mut ok = vec![chosen.is_empty(); values.len() + 1];
        for v in chosen {
            match values.binary_search_by(|x| x.as_str().cmp(v)) {
                Ok(n) => ok[n] = true,
                Err(_) if v.is_empty() => ok[values.len()] = true,
                Err(_) => {}
            }
        }
        ok
    });
    let mut facets = Facets {
        lists: ListFilter::ALL.map(|w| vec![0; ix.values(w).len() + 1]),
        ..Facets::default()
    };
    let mut shown = Vec::with_capacity(searched.len());
    for &i in searched {
        let iu = i as usize;
        let t = ix.traits[iu];
        let mut miss = 0u8;
        if sevs & (1 << t.sev) == 0 {
            miss |= SEV;
        }
        if kinds & (1 << t.kind) == 0 {
            miss |= KIND;
        }
        if t.flags & fix != fix {
            miss |= FIX;
        }
        if t.flags & kev != kev {
            miss |= KNOWN_EXPLOITED;
        }
        for (f, ok) in allowed.iter().enumerate() {
            if !ok[ix.value_of[f][iu] as usize] {
                miss |= LIST << f;
            }
        }
        if miss & !(SEV | FIX) == 0
            && t.flags & FIXABLE != 0
            && Severity::ALL
                .get(t.sev as usize)
                .is_some_and(|s| s.is_critical_or_high())
        {
            facets.fixable_urgent += 1;
        }
        if miss == 0 {
            shown.push(i);
            facets.add(ix, iu, u8::MAX);
        } else if miss.is_power_of_two() {
            facets.add(ix, iu, miss);
        }
    }
    (shown, facets)
}
