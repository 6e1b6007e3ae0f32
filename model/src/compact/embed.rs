//! Writing the compact form straight from a [`Report`].
//!
//! Serializing [`Dataset::from_report`] copies every finding twice (into the dataset, then into
//! its [`Wire`]); at 100,000 findings that was most of the time `scanlens render` spent on
//! `index.html`. Here the tables are built from references into the report and the JSON is
//! written from those, byte for byte the same (a test holds the two together). [`AdvKey`] and
//! [`Interned`] are also how the dataset itself finds equal advisories and details.

use super::*;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The advisory part of a finding, compared by value without copying it.
#[derive(Clone, Copy)]
pub(super) struct AdvKey<'a>(pub(super) &'a Finding);

impl AdvKey<'_> {
    fn same_cvss(a: &BTreeMap<String, Cvss>, b: &BTreeMap<String, Cvss>) -> bool {
        // Bitwise, as their JSON would differ: -0.0 and 0.0 are two advisories.
        let bits = |s: Option<f64>| s.map(f64::to_bits);
        a.len() == b.len()
            && a.iter().zip(b).all(|((ka, a), (kb, b))| {
                ka == kb
                    && a.v2_vector == b.v2_vector
                    && a.v3_vector == b.v3_vector
                    && a.v40_vector == b.v40_vector
                    && bits(a.v2_score) == bits(b.v2_score)
                    && bits(a.v3_score) == bits(b.v3_score)
                    && bits(a.v40_score) == bits(b.v40_score)
            })
    }
}

impl PartialEq for AdvKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        a.title == b.title
            && (Arc::ptr_eq(&a.description, &b.description) || a.description == b.description)
            && a.primary_url == b.primary_url
            && a.aliases == b.aliases
            && a.severity_source == b.severity_source
            && a.vendor_severity == b.vendor_severity
            && a.cwe_ids == b.cwe_ids
            && (Arc::ptr_eq(&a.references, &b.references) || a.references == b.references)
            && a.published_date == b.published_date
            && a.last_modified_date == b.last_modified_date
            && a.data_source == b.data_source
            && Self::same_cvss(&a.cvss, &b.cvss)
    }
}

impl Eq for AdvKey<'_> {}

impl Hash for AdvKey<'_> {
    // A few fields and the ends of the description tell advisories apart well enough; hashing
    // every byte of every description would cost more than the comparisons it saves. Equal keys
    // still hash equal, which is all a map needs.
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
    }
}

#[derive(Serialize)]
struct AdvisoryRef<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity_source: &'a Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    vendor_severity: &'a BTreeMap<String, Severity>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    cvss: &'a BTreeMap<String, Cvss>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    cwe_ids: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_url: &'a Option<String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    references: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    published_date: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified_date: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_source: &'a Option<Arc<DataSource>>,
}

impl<'a> AdvisoryRef<'a> {
    fn of(f: &'a Finding) -> Self {
        AdvisoryRef {
            aliases: &f.aliases,
            title: &f.title,
            description: &f.description,
            severity_source: &f.severity_source,
            vendor_severity: &f.vendor_severity,
            cvss: &f.cvss,
            cwe_ids: &f.cwe_ids,
            primary_url: &f.primary_url,
            references: &f.references,
            published_date: &f.published_date,
            last_modified_date: &f.last_modified_date,
            data_source: &f.data_source,
        }
    }
}

#[derive(Serialize)]
struct OccurrenceRef<'a> {
    #[serde(rename = "a")]
    advisory: u32,
    #[serde(rename = "k")]
    kind: Kind,
    id: &'a str,
    #[serde(rename = "s")]
    severity: Severity,
    #[serde(rename = "r")]
    artifact: u32,
    #[serde(rename = "t")]
    target: u32,
    #[serde(skip_serializing_if = "str::is_empty")]
    class: &'a str,
    #[serde(skip_serializing_if = "str::is_empty", rename = "type")]
    target_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "p")]
    package: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "l")]
    layer: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "f")]
    fingerprint: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "m")]
    misconfiguration: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "x")]
    secret: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: &'a Option<LicenseDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: &'a Option<Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    excluded: &'a Option<Exclusion>,
}

/// Values stored once, in the order they are first met.
pub(super) struct Interned<K> {
    pub(super) items: Vec<K>,
    // Keys are the report's own data, not chosen to collide, so a fast hash will do.
    seen: rustc_hash::FxHashMap<K, u32>,
    /// The last value added and its index: findings come in runs that share a target or a
    /// package, and comparing with the last one is cheaper than hashing.
    last: Option<(K, u32)>,
}

impl<K: Hash + Eq + Copy> Interned<K> {
    pub(super) fn new() -> Self {
        Interned {
            items: Vec::new(),
            seen: Default::default(),
            last: None,
        }
    }

    pub(super) fn add(&mut self, k: K) -> u32 {
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

#[derive(Serialize)]
struct WireRef<'a> {
    report: Report,
    advisories: Vec<AdvisoryRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    targets: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    packages: Vec<&'a Package>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    layers: Vec<&'a Layer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fingerprints: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    misconfigurations: Vec<&'a MisconfDetail>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<&'a SecretDetail>,
    findings: Vec<OccurrenceRef<'a>>,
}

/// Writes the compact form of `report` as JSON: the same bytes as serializing
/// [`Dataset::from_report`], without copying the report.
pub fn write_json<W: std::io::Write>(report: &Report, w: W) -> serde_json::Result<()> {
    serde_json::to_writer(w, &wire(report))
}

/// The compact form of `report`, for any serde serializer: it serializes exactly as
/// [`Dataset::from_report`] does.
pub fn wire(report: &Report) -> impl Serialize + '_ {
    let mut advisories = Interned::new();
    let (mut targets, mut fingerprints) = (Interned::new(), Interned::new());
    let (mut packages, mut layers) = (Interned::new(), Interned::new());
    let (mut misconfs, mut secrets) = (Interned::new(), Interned::new());
    let findings = report
        .findings
        .iter()
        .map(|f| OccurrenceRef {
            advisory: advisories.add(AdvKey(f)),
            kind: f.kind,
            id: &f.id,
            severity: f.severity,
            artifact: f.artifact,
            target: targets.add(f.target.as_str()),
            class: &f.class,
            target_type: &f.target_type,
            status: &f.status,
            package: f.package.as_ref().map(|v| packages.add(v)),
            layer: f.layer.as_deref().map(|v| layers.add(v)),
            fingerprint: f.fingerprint.as_deref().map(|v| fingerprints.add(v)),
            misconfiguration: f.misconfiguration.as_deref().map(|v| misconfs.add(v)),
            secret: f.secret.as_ref().map(|v| secrets.add(v)),
            license: &f.license,
            suppressed: &f.suppressed,
            excluded: &f.excluded,
        })
        .collect();
    WireRef {
        report: report.without_findings(),
        advisories: advisories
            .items
            .iter()
            .map(|k| AdvisoryRef::of(k.0))
            .collect(),
        targets: targets.items,
        packages: packages.items,
        layers: layers.items,
        fingerprints: fingerprints.items,
        misconfigurations: misconfs.items,
        secrets: secrets.items,
        findings,
    }
}
