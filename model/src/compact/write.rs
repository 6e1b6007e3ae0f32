//! Writing the page data straight from a [`Report`].
//!
//! Building a [`Dataset`](super::Dataset) first would copy every finding; at 100,000 findings
//! that was most of the time `scanlens render` spent on `index.html`. Here the advisories and
//! the shared tables are built from references into the report, and the JSON is written from
//! those, through the views [`super::schema`] generates.

use super::schema::{same_advisory, AdvisoryRef, OccurrenceRef, WriteTables, TABLES};
use crate::report::{Finding, Report};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::hash::{Hash, Hasher};

/// The advisory part of a finding, compared by value without copying it.
#[derive(Clone, Copy)]
pub(super) struct AdvKey<'a>(pub(super) &'a Finding);

impl PartialEq for AdvKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        same_advisory(self.0, other.0)
    }
}

impl Eq for AdvKey<'_> {}

impl Hash for AdvKey<'_> {
    // A few fields and the ends of the description tell advisories apart well enough; hashing
    // every byte of every description would cost more than the comparisons it saves. Equal keys
    // still hash equal (every field hashed here is compared in `same_advisory`), which is all a
    // map needs.
    fn hash<H: Hasher>(&self, h: &mut H) {
        let f = self.0;
        f.title.hash(h);
        f.primary_url.hash(h);
        f.published_date.hash(h);
        let d = f.description.as_bytes();
        d.len().hash(h);
        d[..d.len().min(64)].hash(h);
        d[d.len().saturating_sub(64)..].hash(h);
        f.references.len().hash(h);
        // Advisories that share a generic title (or none) and a description still differ in
        // their dates and scores: hashed too, so that thousands of them do not share one hash,
        // each compared with all the others.
        f.last_modified_date.hash(h);
        f.cvss.len().hash(h);
        f.severity_source.hash(h);
    }
}

/// Values stored once, in the order they are first met.
pub(crate) struct Interned<K> {
    pub(crate) items: Vec<K>,
    // Keys are the report's own data, not chosen to collide, so a fast hash will do.
    seen: rustc_hash::FxHashMap<K, u32>,
    /// The last value added and its index: findings come in runs that share a target or a
    /// package, and comparing with the last one is cheaper than hashing.
    last: Option<(K, u32)>,
}

impl<K: Hash + Eq + Copy> Interned<K> {
    pub(crate) fn new() -> Self {
        Interned {
            items: Vec::new(),
            seen: Default::default(),
            last: None,
        }
    }

    pub(crate) fn add(&mut self, k: K) -> u32 {
        if let Some((last, i)) = self.last {
            if last == k {
                return i;
            }
        }
        let next = self.items.len() as u32;
        let i = *self.seen.entry(k).or_insert_with(|| {
            self.items.push(k);
            next
        });
        self.last = Some((k, i));
        i
    }
}

/// The page data of a report, for any serde serializer.
pub struct Wire<'a> {
    report: Report,
    advisories: Vec<&'a Finding>,
    tables: WriteTables<'a>,
    findings: Vec<OccurrenceRef<'a>>,
}

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The length is an upper bound; serde_json takes 0 to mean an empty object.
        let mut st = s.serialize_struct("Wire", 3 + TABLES)?;
        st.serialize_field("report", &self.report)?;
        let advisories: Vec<AdvisoryRef> = self.advisories.iter().map(|f| AdvisoryRef(f)).collect();
        st.serialize_field("advisories", &advisories)?;
        self.tables.serialize_into(&mut st)?;
        st.serialize_field("findings", &self.findings)?;
        st.end()
    }
}

/// The page data of `report`: each distinct advisory and shared part once, every finding
/// pointing at them.
pub fn wire(report: &Report) -> Wire<'_> {
    let mut advisories = Interned::new();
    let mut tables = WriteTables::new();
    let findings = report
        .findings
        .iter()
        .map(|f| OccurrenceRef {
            f,
            advisory: advisories.add(AdvKey(f)),
            idx: tables.add(f),
        })
        .collect();
    Wire {
        report: report.without_findings(),
        advisories: advisories.items.into_iter().map(|k| k.0).collect(),
        tables,
        findings,
    }
}

/// Writes the page data of `report` as JSON.
pub fn write_json<W: std::io::Write>(report: &Report, w: W) -> serde_json::Result<()> {
    serde_json::to_writer(w, &wire(report))
}
