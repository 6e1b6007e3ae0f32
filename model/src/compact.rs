//! The compact form of a report that `index.html` embeds for the viewer.
//!
//! A CVE found in many packages, images or targets carries the same advisory text each time; in
//! large reports the advisory text (description, CVSS, references) is most of the bytes. The
//! compact form stores each distinct advisory once and lets every finding point at it, so the
//! embedded data stays small and the viewer parses it fast. Packages, layers, misconfiguration
//! and secret details (with their code lines), fingerprints and target names repeat the same way
//! and are written once too ([`Wire`]). It holds exactly the information of the [`Report`]:
//! [`Dataset::to_report`] gives back the original. The viewer reads it with [`decode`], a small
//! hand-written reader, rather than serde's generic deserializer.

use crate::report::*;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

mod embed;
pub use embed::{wire, write_json};

/// The part of a finding that is the same wherever the same advisory is found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vendor_severity: BTreeMap<String, Severity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cvss: BTreeMap<String, Cvss>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<DataSource>,
}

impl Advisory {
    /// The highest CVSS score any source gave.
    pub fn max_cvss(&self) -> Option<f64> {
        self.cvss
            .values()
            .filter_map(Cvss::best_score)
            .fold(None, |acc, s| Some(acc.map_or(s, |a: f64| a.max(s))))
    }
}

/// The part of a finding that belongs to this one occurrence; `advisory` indexes
/// [`Dataset::advisories`]. Packages, layers and misconfiguration and secret details are shared
/// between the findings that carry equal ones, and written once in the embedded data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Occurrence {
    pub advisory: u32,
    pub kind: Kind,
    pub id: String,
    pub severity: Severity,
    pub artifact: u32,
    pub target: String,
    pub class: String,
    pub target_type: String,
    pub status: Option<String>,
    pub package: Option<Arc<Package>>,
    pub layer: Option<Arc<Layer>>,
    pub fingerprint: Option<String>,
    pub misconfiguration: Option<Arc<MisconfDetail>>,
    pub secret: Option<Arc<SecretDetail>>,
    pub license: Option<LicenseDetail>,
    pub suppressed: Option<Suppression>,
    pub excluded: Option<Exclusion>,
}

/// One finding as written: shared parts are indexes into the tables of [`Wire`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WireOccurrence {
    #[serde(rename = "a")]
    pub advisory: u32,
    #[serde(rename = "k")]
    pub kind: Kind,
    pub id: String,
    #[serde(rename = "s")]
    pub severity: Severity,
    #[serde(rename = "r")]
    pub artifact: u32,
    #[serde(rename = "t")]
    pub target: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(default, skip_serializing_if = "String::is_empty", rename = "type")]
    pub target_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "p")]
    pub package: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "l")]
    pub layer: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "f")]
    pub fingerprint: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "m")]
    pub misconfiguration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "x")]
    pub secret: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
}

/// The embedded form of a [`Dataset`]: every distinct advisory, package, layer, misconfiguration
/// or secret detail, fingerprint and target name once, and the findings pointing at them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Wire {
    pub report: Report,
    pub advisories: Vec<Advisory>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<Package>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Layer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misconfigurations: Vec<MisconfDetail>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretDetail>,
    pub findings: Vec<WireOccurrence>,
}

fn pick<T: Clone>(table: &[T], i: Option<u32>, what: &str, n: usize) -> Result<Option<T>, String> {
    match i {
        None => Ok(None),
        Some(i) => table
            .get(i as usize)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("finding {n} refers to {what} {i} of {}", table.len())),
    }
}

impl Wire {
    /// Resolves the tables; an index out of range is an error naming it.
    pub fn into_dataset(self) -> Result<Dataset, String> {
        let packages: Vec<Arc<Package>> = self.packages.into_iter().map(Arc::new).collect();
        let layers: Vec<Arc<Layer>> = self.layers.into_iter().map(Arc::new).collect();
        let misconfs: Vec<Arc<MisconfDetail>> =
            self.misconfigurations.into_iter().map(Arc::new).collect();
        let secrets: Vec<Arc<SecretDetail>> = self.secrets.into_iter().map(Arc::new).collect();
        let mut findings = Vec::with_capacity(self.findings.len());
        for (n, w) in self.findings.into_iter().enumerate() {
            let target = pick(&self.targets, Some(w.target), "target", n)?.unwrap_or_default();
            findings.push(Occurrence {
                advisory: w.advisory,
                kind: w.kind,
                id: w.id,
                severity: w.severity,
                artifact: w.artifact,
                target,
                class: w.class,
                target_type: w.target_type,
                status: w.status,
                package: pick(&packages, w.package, "package", n)?,
                layer: pick(&layers, w.layer, "layer", n)?,
                fingerprint: pick(&self.fingerprints, w.fingerprint, "fingerprint", n)?,
                misconfiguration: pick(&misconfs, w.misconfiguration, "misconfiguration", n)?,
                secret: pick(&secrets, w.secret, "secret", n)?,
                license: w.license,
                suppressed: w.suppressed,
                excluded: w.excluded,
            });
        }
        let ds = Dataset {
            report: self.report,
            advisories: self.advisories,
            findings,
        };
        ds.validate()?;
        Ok(ds)
    }
}

impl Serialize for Dataset {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Dataset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dataset, D::Error> {
        Wire::deserialize(d)?
            .into_dataset()
            .map_err(serde::de::Error::custom)
    }
}

impl Occurrence {
    /// Same meaning as [`Finding::is_fixable`].
    pub fn is_fixable(&self) -> bool {
        fix_available(self.kind, self.status.as_deref(), self.package.as_deref())
    }

    /// Same meaning as [`Finding::is_unfixed`] (Trivy's `--ignore-unfixed`).
    pub fn is_unfixed(&self) -> bool {
        self.kind == Kind::Vulnerability && !self.is_fixable()
    }

    /// Same meaning as [`Finding::is_counted`].
    pub fn is_counted(&self) -> bool {
        if self.suppressed.is_some() {
            return false;
        }
        match self.kind {
            Kind::Misconfiguration => self.status.as_deref() == Some("FAIL"),
            _ => true,
        }
    }

    pub fn package_name(&self) -> &str {
        self.package.as_ref().map_or("", |p| p.name.as_str())
    }
}

/// A report with its advisories stored once. `report.findings` is empty; `findings` holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub report: Report,
    pub advisories: Vec<Advisory>,
    pub findings: Vec<Occurrence>,
}

impl Dataset {
    pub fn from_report(report: &Report) -> Dataset {
        let mut advisories: Vec<Advisory> = Vec::new();
        let mut seen = embed::Interned::new();
        let mut findings = Vec::with_capacity(report.findings.len());
        let (mut packages, mut layers) = (HashMap::new(), HashMap::new());
        let (mut misconfs, mut secrets) = (HashMap::new(), HashMap::new());
        for f in &report.findings {
            let idx = seen.add(embed::AdvKey(f));
            if idx as usize == advisories.len() {
                advisories.push(Advisory {
                    aliases: f.aliases.clone(),
                    title: f.title.clone(),
                    description: f.description.to_string(),
                    severity_source: f.severity_source.clone(),
                    vendor_severity: f.vendor_severity.clone(),
                    cvss: f.cvss.clone(),
                    cwe_ids: f.cwe_ids.clone(),
                    primary_url: f.primary_url.clone(),
                    references: f.references.to_vec(),
                    published_date: f.published_date.clone(),
                    last_modified_date: f.last_modified_date.clone(),
                    data_source: f.data_source.as_deref().cloned(),
                });
            }
            findings.push(Occurrence {
                advisory: idx,
                kind: f.kind,
                id: f.id.clone(),
                severity: f.severity,
                artifact: f.artifact,
                target: f.target.clone(),
                class: f.class.clone(),
                target_type: f.target_type.clone(),
                status: f.status.clone(),
                package: f.package.as_ref().map(|v| share(&mut packages, v)),
                layer: f.layer.as_deref().map(|v| share(&mut layers, v)),
                fingerprint: f.fingerprint.clone(),
                misconfiguration: f
                    .misconfiguration
                    .as_deref()
                    .map(|v| share(&mut misconfs, v)),
                secret: f.secret.as_ref().map(|v| share(&mut secrets, v)),
                license: f.license.clone(),
                suppressed: f.suppressed.clone(),
                excluded: f.excluded.clone(),
            });
        }
        let mut head = report.clone();
        head.findings = Vec::new();
        Dataset {
            report: head,
            advisories,
            findings,
        }
    }

    /// The advisory of finding `i`; a default one if the index is out of range (corrupt data
    /// degrades to empty fields rather than a panic).
    pub fn advisory(&self, i: usize) -> &Advisory {
        static EMPTY: std::sync::OnceLock<Advisory> = std::sync::OnceLock::new();
        self.findings
            .get(i)
            .and_then(|o| self.advisories.get(o.advisory as usize))
            .unwrap_or_else(|| EMPTY.get_or_init(Advisory::default))
    }

    /// Finding `i` as a full [`Finding`].
    pub fn finding(&self, i: usize) -> Finding {
        let o = &self.findings[i];
        let a = self.advisory(i).clone();
        Finding {
            kind: o.kind,
            id: o.id.clone(),
            severity: o.severity,
            artifact: o.artifact,
            target: o.target.clone(),
            class: o.class.clone(),
            target_type: o.target_type.clone(),
            aliases: a.aliases,
            title: a.title,
            description: a.description.into(),
            status: o.status.clone(),
            package: o.package.as_deref().cloned(),
            severity_source: a.severity_source,
            vendor_severity: a.vendor_severity,
            cvss: a.cvss,
            cwe_ids: a.cwe_ids,
            primary_url: a.primary_url,
            references: a.references.into(),
            published_date: a.published_date,
            last_modified_date: a.last_modified_date,
            data_source: a.data_source.map(Arc::new),
            layer: o.layer.clone(),
            fingerprint: o.fingerprint.clone(),
            misconfiguration: o.misconfiguration.clone(),
            secret: o.secret.as_deref().cloned(),
            license: o.license.clone(),
            suppressed: o.suppressed.clone(),
            excluded: o.excluded.clone(),
        }
    }

    /// The embedded form, with every shared part written once.
    pub fn to_wire(&self) -> Wire {
        use embed::Interned;
        let (mut targets, mut packages) = (Interned::new(), Interned::new());
        let (mut layers, mut fps) = (Interned::new(), Interned::new());
        let (mut misconfs, mut secrets) = (Interned::new(), Interned::new());
        let findings = self
            .findings
            .iter()
            .map(|o| WireOccurrence {
                advisory: o.advisory,
                kind: o.kind,
                id: o.id.clone(),
                severity: o.severity,
                artifact: o.artifact,
                target: targets.add(o.target.as_str()),
                class: o.class.clone(),
                target_type: o.target_type.clone(),
                status: o.status.clone(),
                package: o.package.as_deref().map(|v| packages.add(v)),
                layer: o.layer.as_deref().map(|v| layers.add(v)),
                fingerprint: o.fingerprint.as_deref().map(|v| fps.add(v)),
                misconfiguration: o.misconfiguration.as_deref().map(|v| misconfs.add(v)),
                secret: o.secret.as_deref().map(|v| secrets.add(v)),
                license: o.license.clone(),
                suppressed: o.suppressed.clone(),
                excluded: o.excluded.clone(),
            })
            .collect();
        Wire {
            report: self.report.clone(),
            advisories: self.advisories.clone(),
            targets: owned(targets.items),
            packages: owned(packages.items),
            layers: owned(layers.items),
            fingerprints: owned(fps.items),
            misconfigurations: owned(misconfs.items),
            secrets: owned(secrets.items),
            findings,
        }
    }

    pub fn to_report(&self) -> Report {
        let mut r = self.report.clone();
        r.findings = (0..self.findings.len()).map(|i| self.finding(i)).collect();
        r
    }

    /// Checks that every advisory index is in range, so the viewer can trust the data.
    pub fn validate(&self) -> Result<(), String> {
        match self
            .findings
            .iter()
            .position(|o| o.advisory as usize >= self.advisories.len())
        {
            Some(i) => Err(format!(
                "finding {i} refers to advisory {} of {}",
                self.findings[i].advisory,
                self.advisories.len()
            )),
            None => Ok(()),
        }
    }
}

/// A small hand-written reader for the embedded JSON, so the viewer needs no serde deserializer
/// (the generic one is most of the wasm). It reads exactly what `serde_json` writes for a
/// [`Wire`]; unknown keys are skipped and missing ones take their default.
pub mod decode {
    use super::*;
    use std::borrow::Cow;

    pub type R<T> = Result<T, String>;

    pub struct P<'a> {
        s: &'a str,
        i: usize,
    }

    fn err<T>(p: &P<'_>, what: &str) -> R<T> {
        Err(format!("{what} at byte {}", p.i))
    }

    impl<'a> P<'a> {
        pub fn new(s: &'a str) -> Self {
            P { s, i: 0 }
        }

        fn b(&self) -> &'a [u8] {
            self.s.as_bytes()
        }

        /// The next byte that is not white space, not consumed (0 at the end).
        fn peek(&mut self) -> u8 {
            let b = self.b();
            while self.i < b.len() && matches!(b[self.i], b' ' | b'\n' | b'\r' | b'\t') {
                self.i += 1;
            }
            b.get(self.i).copied().unwrap_or(0)
        }

        fn eat(&mut self, c: u8) -> R<()> {
            if self.peek() == c {
                self.i += 1;
                Ok(())
            } else {
                err(self, "unexpected character")
            }
        }

        /// Consumes `null` if it comes next.
        fn null(&mut self) -> bool {
            if self.peek() == b'n' && self.b()[self.i..].starts_with(b"null") {
                self.i += 4;
                true
            } else {
                false
            }
        }

        pub fn end(&mut self) -> R<()> {
            if self.peek() == 0 && self.i == self.s.len() {
                Ok(())
            } else {
                err(self, "trailing characters")
            }
        }

        pub fn str(&mut self) -> R<Cow<'a, str>> {
            self.eat(b'"')?;
            let b = self.b();
            let start = self.i;
            let mut out: Option<String> = None;
            let mut run = start;
            loop {
                let Some(&c) = b.get(self.i) else {
                    return err(self, "unterminated string");
                };
                match c {
                    b'"' => {
                        let tail = &self.s[run..self.i];
                        self.i += 1;
                        return Ok(match out {
                            None => Cow::Borrowed(tail),
                            Some(mut o) => {
                                o.push_str(tail);
                                Cow::Owned(o)
                            }
                        });
                    }
                    b'\\' => {
                        let o = out.get_or_insert_with(String::new);
                        o.push_str(&self.s[run..self.i]);
                        let e = b.get(self.i + 1).copied().unwrap_or(0);
                        self.i += 2;
                        match e {
                            b'"' => o.push('"'),
                            b'\\' => o.push('\\'),
                            b'/' => o.push('/'),
                            b'b' => o.push('\u{8}'),
                            b'f' => o.push('\u{c}'),
                            b'n' => o.push('\n'),
                            b'r' => o.push('\r'),
                            b't' => o.push('\t'),
                            b'u' => {
                                let hi = self.hex4()?;
                                let c = if (0xD800..0xDC00).contains(&hi)
                                    && b.get(self.i) == Some(&b'\\')
                                    && b.get(self.i + 1) == Some(&b'u')
                                {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF)
                                } else {
                                    hi
                                };
                                o.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            }
                            _ => return err(self, "bad escape"),
                        }
                        run = self.i;
                    }
                    _ => self.i += 1,
                }
            }
        }

        fn hex4(&mut self) -> R<u32> {
            let h = self.s.get(self.i..self.i + 4).unwrap_or("");
            match u32::from_str_radix(h, 16) {
                Ok(v) if h.len() == 4 => {
                    self.i += 4;
                    Ok(v)
                }
                _ => err(self, "bad \\u escape"),
            }
        }

        /// A number: exact for integers and for decimals of up to 15 significant digits (the
        /// division of two exactly representable values is correctly rounded).
        fn num(&mut self) -> R<f64> {
            self.peek();
            let b = self.b();
            let neg = b.get(self.i) == Some(&b'-');
            if neg {
                self.i += 1;
            }
            let (mut m, mut digits, mut scale) = (0u64, 0u32, 0i32);
            let mut any = false;
            let mut frac = false;
            while let Some(&c) = b.get(self.i) {
                match c {
                    b'0'..=b'9' => {
                        any = true;
                        if digits < 19 {
                            m = m * 10 + u64::from(c - b'0');
                            if m > 0 {
                                digits += 1;
                            }
                            if frac {
                                scale -= 1;
                            }
                        } else if !frac {
                            scale += 1;
                        }
                    }
                    b'.' if !frac => frac = true,
                    _ => break,
                }
                self.i += 1;
            }
            if matches!(b.get(self.i), Some(b'e' | b'E')) {
                self.i += 1;
                let eneg = b.get(self.i) == Some(&b'-');
                if matches!(b.get(self.i), Some(b'-' | b'+')) {
                    self.i += 1;
                }
                let mut e = 0i32;
                while let Some(&c @ b'0'..=b'9') = b.get(self.i) {
                    e = (e * 10 + i32::from(c - b'0')).min(9999);
                    self.i += 1;
                }
                scale += if eneg { -e } else { e };
            }
            if !any {
                return err(self, "expected a number");
            }
            let mut v = m as f64;
            let p = 10f64.powi(scale.abs());
            if scale < 0 {
                v /= p;
            } else {
                v *= p;
            }
            Ok(if neg { -v } else { v })
        }

        fn int(&mut self) -> R<u64> {
            let v = self.num()?;
            if v >= 0.0 && v.fract() == 0.0 {
                Ok(v as u64)
            } else {
                err(self, "expected an unsigned integer")
            }
        }

        /// Calls `f` with each key of an object, positioned at its value.
        /// (A `dyn` callback: one copy of the loop rather than one per struct keeps the wasm small.)
        pub fn obj(&mut self, f: &mut dyn FnMut(&mut Self, &str) -> R<()>) -> R<()> {
            self.eat(b'{')?;
            if self.peek() == b'}' {
                self.i += 1;
                return Ok(());
            }
            loop {
                let k = self.str()?;
                self.eat(b':')?;
                f(self, &k)?;
                match self.peek() {
                    b',' => self.i += 1,
                    b'}' => {
                        self.i += 1;
                        return Ok(());
                    }
                    _ => return err(self, "expected , or }"),
                }
            }
        }

        pub fn arr(&mut self, f: &mut dyn FnMut(&mut Self) -> R<()>) -> R<()> {
            self.eat(b'[')?;
            if self.peek() == b']' {
                self.i += 1;
                return Ok(());
            }
            loop {
                f(self)?;
                match self.peek() {
                    b',' => self.i += 1,
                    b']' => {
                        self.i += 1;
                        return Ok(());
                    }
                    _ => return err(self, "expected , or ]"),
                }
            }
        }

        /// Skips one value of any type.
        pub fn skip(&mut self) -> R<()> {
            match self.peek() {
                b'{' => self.obj(&mut |p, _| p.skip()),
                b'[' => self.arr(&mut |p| p.skip()),
                b'"' => self.str().map(drop),
                b't' | b'f' => bool::dec(self).map(drop),
                _ if self.null() => Ok(()),
                _ => self.num().map(drop),
            }
        }
    }

    /// A value read from the JSON.
    pub trait Dec: Sized {
        fn dec(p: &mut P<'_>) -> R<Self>;
    }

    impl Dec for String {
        fn dec(p: &mut P<'_>) -> R<Self> {
            p.str().map(Cow::into_owned)
        }
    }
    impl Dec for bool {
        fn dec(p: &mut P<'_>) -> R<Self> {
            p.peek();
            if p.b()[p.i..].starts_with(b"true") {
                p.i += 4;
                Ok(true)
            } else if p.b()[p.i..].starts_with(b"false") {
                p.i += 5;
                Ok(false)
            } else {
                err(p, "expected a boolean")
            }
        }
    }
    impl Dec for f64 {
        fn dec(p: &mut P<'_>) -> R<Self> {
            p.num()
        }
    }
    impl Dec for u64 {
        fn dec(p: &mut P<'_>) -> R<Self> {
            p.int()
        }
    }
    impl Dec for u32 {
        fn dec(p: &mut P<'_>) -> R<Self> {
            u32::try_from(p.int()?).or_else(|_| err(p, "number out of range"))
        }
    }
    impl Dec for i64 {
        fn dec(p: &mut P<'_>) -> R<Self> {
            let v = p.num()?;
            if v.fract() == 0.0 {
                Ok(v as i64)
            } else {
                err(p, "expected an integer")
            }
        }
    }
    impl<T: Dec> Dec for Option<T> {
        fn dec(p: &mut P<'_>) -> R<Self> {
            if p.null() {
                Ok(None)
            } else {
                T::dec(p).map(Some)
            }
        }
    }
    impl<T: Dec> Dec for Vec<T> {
        fn dec(p: &mut P<'_>) -> R<Self> {
            let mut v = Vec::new();
            p.arr(&mut |p| {
                v.push(T::dec(p)?);
                Ok(())
            })?;
            Ok(v)
        }
    }
    impl<T: Dec> Dec for BTreeMap<String, T> {
        fn dec(p: &mut P<'_>) -> R<Self> {
            let mut v = BTreeMap::new();
            p.obj(&mut |p, k| {
                v.insert(k.to_string(), T::dec(p)?);
                Ok(())
            })?;
            Ok(v)
        }
    }
    impl Dec for Severity {
        fn dec(p: &mut P<'_>) -> R<Self> {
            Ok(match &*p.str()? {
                "CRITICAL" => Severity::Critical,
                "HIGH" => Severity::High,
                "MEDIUM" => Severity::Medium,
                "LOW" => Severity::Low,
                "UNKNOWN" => Severity::Unknown,
                _ => return err(p, "unknown severity"),
            })
        }
    }
    impl Dec for Kind {
        fn dec(p: &mut P<'_>) -> R<Self> {
            Ok(match &*p.str()? {
                "vulnerability" => Kind::Vulnerability,
                "misconfiguration" => Kind::Misconfiguration,
                "secret" => Kind::Secret,
                "license" => Kind::License,
                _ => return err(p, "unknown kind"),
            })
        }
    }
    impl Dec for Exclusion {
        fn dec(p: &mut P<'_>) -> R<Self> {
            let (mut reason, mut rule, mut statement) =
                (String::new(), String::new(), String::new());
            p.obj(&mut |p, k| {
                match k {
                    "reason" => reason = String::dec(p)?,
                    "rule" => rule = String::dec(p)?,
                    "statement" => statement = String::dec(p)?,
                    _ => p.skip()?,
                }
                Ok(())
            })?;
            Ok(match reason.as_str() {
                "unfixed" => Exclusion::Unfixed,
                "pkg_type" => Exclusion::PkgType,
                "ignored" => Exclusion::Ignored { rule, statement },
                _ => return err(p, "unknown exclusion"),
            })
        }
    }

    macro_rules! structs {
        ($($t:ty { $($key:literal => $field:ident),* $(,)? })*) => {$(
            impl Dec for $t {
                fn dec(p: &mut P<'_>) -> R<Self> {
                    let mut v = <$t>::default();
                    p.obj(&mut |p, k| {
                        match k {
                            $($key => v.$field = Dec::dec(p)?,)*
                            _ => p.skip()?,
                        }
                        Ok(())
                    })?;
                    Ok(v)
                }
            }
        )*};
    }

    structs! {
        Wire { "report" => report, "advisories" => advisories, "targets" => targets,
            "packages" => packages, "layers" => layers, "fingerprints" => fingerprints,
            "misconfigurations" => misconfigurations, "secrets" => secrets, "findings" => findings }
        WireOccurrence { "a" => advisory, "k" => kind, "id" => id, "s" => severity,
            "r" => artifact, "t" => target, "class" => class, "type" => target_type,
            "status" => status, "p" => package, "l" => layer, "f" => fingerprint,
            "m" => misconfiguration, "x" => secret, "license" => license,
            "suppressed" => suppressed, "excluded" => excluded }
        Advisory { "aliases" => aliases, "title" => title, "description" => description,
            "severity_source" => severity_source, "vendor_severity" => vendor_severity,
            "cvss" => cvss, "cwe_ids" => cwe_ids, "primary_url" => primary_url,
            "references" => references, "published_date" => published_date,
            "last_modified_date" => last_modified_date, "data_source" => data_source }
        Report { "version" => version, "generator" => generator, "commit" => commit,
            "summary" => summary, "stats" => stats, "artifacts" => artifacts,
            "targets" => targets, "gate" => gate }
        Summary { "vulnerabilities" => vulnerabilities, "misconfigurations" => misconfigurations,
            "secrets" => secrets, "licenses" => licenses }
        SeverityCounts { "CRITICAL" => critical, "HIGH" => high, "MEDIUM" => medium,
            "LOW" => low, "UNKNOWN" => unknown }
        Stats { "fixable" => fixable, "suppressed" => suppressed,
            "passed_checks" => passed_checks, "packages" => packages }
        Artifact { "name" => name, "type" => artifact_type, "source" => source, "os" => os,
            "image_id" => image_id, "artifact_id" => artifact_id, "repo_tags" => repo_tags,
            "repo_digests" => repo_digests, "architecture" => architecture, "size" => size,
            "scanned_at" => scanned_at, "trivy_version" => trivy_version,
            "report_id" => report_id, "schema_version" => schema_version,
            "repo_url" => repo_url, "branch" => branch, "commit" => commit }
        OsInfo { "family" => family, "name" => name, "eosl" => eosl }
        Target { "artifact" => artifact, "name" => name, "class" => class,
            "type" => target_type, "packages" => packages }
        GateResult { "failed" => failed, "fail_on" => fail_on, "failing" => failing,
            "excluded" => excluded }
        Package { "name" => name, "id" => id, "path" => path, "purl" => purl, "uid" => uid,
            "installed_version" => installed_version, "fixed_version" => fixed_version }
        Cvss { "v2_vector" => v2_vector, "v2_score" => v2_score, "v3_vector" => v3_vector,
            "v3_score" => v3_score, "v40_vector" => v40_vector, "v40_score" => v40_score }
        DataSource { "id" => id, "name" => name, "url" => url }
        Layer { "digest" => digest, "diff_id" => diff_id, "created_by" => created_by }
        CodeLine { "number" => number, "content" => content, "is_cause" => is_cause,
            "truncated" => truncated }
        MisconfDetail { "type" => check_type, "message" => message,
            "resolution" => resolution, "namespace" => namespace, "query" => query,
            "resource" => resource, "provider" => provider, "service" => service,
            "start_line" => start_line, "end_line" => end_line, "code" => code }
        SecretDetail { "category" => category, "match" => matched, "start_line" => start_line,
            "end_line" => end_line, "offset" => offset, "code" => code }
        LicenseDetail { "category" => category, "file_path" => file_path,
            "confidence" => confidence, "link" => link, "text" => text }
        Suppression { "status" => status, "statement" => statement, "source" => source }
    }

    /// Reads the embedded data written by `serde_json::to_string(&Dataset)`.
    pub fn dataset(text: &str) -> R<Dataset> {
        let mut p = P::new(text);
        let w = Wire::dec(&mut p)?;
        p.end()?;
        w.into_dataset()
    }
}

/// One shared copy per distinct value.
fn share<'a, T: std::hash::Hash + Eq + Clone>(
    seen: &mut HashMap<&'a T, Arc<T>>,
    v: &'a T,
) -> Arc<T> {
    seen.entry(v).or_insert_with(|| Arc::new(v.clone())).clone()
}

fn owned<T: ToOwned + ?Sized>(items: Vec<&T>) -> Vec<T::Owned> {
    items.into_iter().map(ToOwned::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, pkg: &str, desc: &str) -> Finding {
        Finding {
            id: id.into(),
            target: "img (debian 12)".into(),
            description: desc.into(),
            title: "t".into(),
            package: Some(Package {
                name: pkg.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn round_trips_and_shares_advisories() {
        let report = Report {
            findings: vec![
                finding("CVE-1", "openssl", "same text"),
                finding("CVE-1", "libssl3", "same text"),
                finding("CVE-2", "zlib", "other text"),
            ],
            ..Default::default()
        };
        let ds = Dataset::from_report(&report);
        assert_eq!(ds.advisories.len(), 2);
        assert_eq!(ds.to_report(), report);
        let wire = ds.to_wire();
        assert_eq!(wire.targets.len(), 1);
        assert_eq!(wire.packages.len(), 3);
        assert_eq!(wire.clone().into_dataset().unwrap(), ds);
        let json = serde_json::to_string(&ds).unwrap();
        let back: Dataset = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_report(), report);
        assert!(back.validate().is_ok());
    }

    #[test]
    fn equal_details_are_written_once() {
        let mut a = finding("CVE-1", "openssl", "x");
        a.layer = Some(Arc::new(Layer {
            digest: Some("sha256:1".into()),
            ..Default::default()
        }));
        a.fingerprint = Some("fp".into());
        let mut b = a.clone();
        b.id = "CVE-2".into();
        let mut c = a.clone();
        c.id = "CVE-3".into();
        c.package.as_mut().unwrap().installed_version = "2".into();
        let report = Report {
            findings: vec![a, b, c],
            ..Default::default()
        };
        let ds = Dataset::from_report(&report);
        let wire = ds.to_wire();
        assert_eq!((wire.packages.len(), wire.layers.len()), (2, 1));
        assert_eq!(wire.fingerprints.len(), 1);
        let json = serde_json::to_string(&ds).unwrap();
        let back: Dataset = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_report(), report);
        let bad = json.replace("\"p\":1", "\"p\":9");
        assert!(serde_json::from_str::<Dataset>(&bad).is_err());
    }

    fn rich() -> Report {
        let mut f = finding(
            "CVE-1",
            "openssl",
            "a \"quoted\" <b>text</b>\n\ttab \u{1F600} é \\ /",
        );
        f.cvss.insert(
            "nvd".into(),
            Cvss {
                v3_score: Some(7.5),
                v3_vector: Some("CVSS:3.1/AV:N".into()),
                v2_score: Some(10.0),
                v40_score: Some(0.1),
                ..Default::default()
            },
        );
        f.vendor_severity.insert("redhat".into(), Severity::Low);
        f.aliases = vec!["GHSA-x".into()];
        f.references = vec!["https://e.x/a?b=1&c=<".into()].into();
        f.status = Some("fixed".into());
        f.layer = Some(Arc::new(Layer {
            digest: Some("sha256:1".into()),
            diff_id: None,
            created_by: Some("RUN apt-get \u{0}".into()),
        }));
        f.fingerprint = Some("fp".into());
        f.excluded = Some(Exclusion::Ignored {
            rule: "CVE-1".into(),
            statement: "why".into(),
        });
        f.suppressed = Some(Suppression {
            status: "not_affected".into(),
            ..Default::default()
        });
        f.data_source = Some(Arc::new(DataSource {
            id: "d".into(),
            name: "n".into(),
            url: "u".into(),
        }));
        let mut m = finding("DS001", "", "");
        m.kind = Kind::Misconfiguration;
        m.package = None;
        m.misconfiguration = Some(Arc::new(MisconfDetail {
            check_type: "dockerfile".into(),
            start_line: Some(3),
            code: vec![CodeLine {
                number: 3,
                content: "USER root".into(),
                is_cause: true,
                truncated: false,
            }],
            ..Default::default()
        }));
        m.excluded = Some(Exclusion::Unfixed);
        let mut s = finding("aws-key", "", "");
        s.kind = Kind::Secret;
        s.package = None;
        s.secret = Some(SecretDetail {
            category: "AWS".into(),
            matched: "KEY=****".into(),
            offset: Some(12),
            ..Default::default()
        });
        s.excluded = Some(Exclusion::PkgType);
        let mut l = finding("GPL-3.0", "bash", "");
        l.kind = Kind::License;
        l.severity = Severity::High;
        l.license = Some(LicenseDetail {
            category: "restricted".into(),
            confidence: Some(0.85),
            ..Default::default()
        });
        Report {
            version: 1,
            generator: "scanlens".into(),
            commit: Some("abc".into()),
            artifacts: vec![Artifact {
                name: "img".into(),
                os: Some(OsInfo {
                    family: "debian".into(),
                    name: "12".into(),
                    eosl: true,
                }),
                size: Some(123456789),
                schema_version: 2,
                repo_tags: vec!["img:1".into()],
                ..Default::default()
            }],
            targets: vec![Target {
                artifact: 0,
                name: "img".into(),
                class: "os-pkgs".into(),
                target_type: "debian".into(),
                packages: 99,
            }],
            gate: Some(GateResult {
                failed: true,
                fail_on: vec![Severity::Critical, Severity::High],
                failing: 1,
                excluded: 2,
            }),
            findings: vec![f, m, s, l],
            ..Default::default()
        }
    }

    #[test]
    fn hand_decoder_reads_what_serde_writes() {
        let report = rich();
        let ds = Dataset::from_report(&report);
        let json = serde_json::to_string(&ds).unwrap().replace('<', "\\u003c");
        let back = decode::dataset(&json).unwrap();
        assert_eq!(back, ds);
        assert_eq!(back.to_report(), report);
        let pretty = serde_json::to_string_pretty(&ds).unwrap();
        assert_eq!(decode::dataset(&pretty).unwrap(), ds);
        for bad in [
            "",
            "{",
            "{\"report\":1}",
            "[]",
            "{\"findings\":[{\"a\":3}]}",
            "{} x",
        ] {
            assert!(decode::dataset(bad).is_err(), "{bad}");
        }
        let cut = &json[..json.len() / 2];
        assert!(decode::dataset(cut).is_err());
    }

    #[test]
    fn write_json_matches_the_dataset() {
        let mut report = rich();
        let mut twin = report.findings[0].clone();
        twin.id = "CVE-1b".into();
        twin.target = "other".into();
        report.findings.push(twin.clone());
        // Same text with a different score: another advisory.
        twin.cvss.get_mut("nvd").unwrap().v2_score = Some(-0.0);
        report.findings.push(twin);
        for r in [report, Report::default()] {
            let mut out = Vec::new();
            write_json(&r, &mut out).unwrap();
            let expected = serde_json::to_vec(&Dataset::from_report(&r)).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }

    #[test]
    fn bad_advisory_index_is_reported() {
        let mut ds = Dataset::from_report(&Report {
            findings: vec![finding("CVE-1", "a", "x")],
            ..Default::default()
        });
        ds.findings[0].advisory = 7;
        assert!(ds.validate().is_err());
        assert_eq!(ds.advisory(0), &Advisory::default());
    }
}
