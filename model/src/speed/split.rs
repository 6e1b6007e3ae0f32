//! Reading one large Trivy report on several threads.
//!
//! A report of 100,000 findings is one JSON document, and `serde_json` reads a document on one
//! thread. [`split`] walks the document's structure once, fast (it only looks for quotes,
//! backslashes and brackets), and notes where each finding of each result starts and ends. The
//! findings can then be parsed and normalized one by one on as many threads as the caller has
//! ([`Split::finding`]), and the list handed back ([`Split::finish`]).
//!
//! Everything outside the findings (the top level and each result without its finding arrays) is
//! still read by `serde_json`, and every finding is read by it too, so nothing is accepted that
//! [`crate::parse`] would refuse. Any doubt (a shape this walk does not expect, a piece that
//! does not parse) gives `None`, and the caller reads the document with [`crate::parse`], which
//! also words the error.

use crate::normalize::{self, Parsed};
use crate::report::{Finding, Kind};
use crate::speed::Interner;
use crate::trivy;
use std::collections::HashMap;
use std::ops::Range;

/// `serde_json` refuses documents nested deeper than 128. Pieces are parsed on their own, a few
/// levels less deep than in the document, so the walk gives up well before that.
const MAX_DEPTH: usize = 120;

/// The finding arrays of a result, in the order the report lists their findings.
const KINDS: [(&[u8], Kind); 4] = [
    (b"Vulnerabilities", Kind::Vulnerability),
    (b"Misconfigurations", Kind::Misconfiguration),
    (b"Secrets", Kind::Secret),
    (b"Licenses", Kind::License),
];

/// One finding in the document.
#[derive(Debug, Clone, Copy)]
struct Item {
    result: u32,
    kind: Kind,
    start: usize,
    end: usize,
}

/// A schema-2 report whose findings can be read in parts.
pub struct Split<'a> {
    bytes: &'a [u8],
    /// The top level; `results` holds each result without its findings.
    top: trivy::TopLevel,
    created_by: HashMap<String, String>,
    /// Per result, the fields each of its findings repeats.
    bases: Vec<Finding>,
    /// Per result, where its packages are listed.
    lines: Vec<normalize::PackageIndex>,
    /// Per result, how many of `items` are its.
    counts: Vec<usize>,
    intern: Interner,
    items: Vec<Item>,
}

/// Maps a schema-2 Trivy report for reading in parts; `None` when it is anything else or when
/// anything about it is unexpected.
pub fn split(bytes: &[u8]) -> Option<Split<'_>> {
    let mut w = Walk { b: bytes, i: 0 };
    w.ws();
    if w.peek()? != b'{' {
        return None;
    }
    // The top level with `Results` emptied, and each result with its finding arrays emptied.
    let mut top_shell = Vec::new();
    let mut shells: Vec<(Vec<u8>, Vec<Range<usize>>)> = Vec::new();
    let mut found: Vec<[Vec<Range<usize>>; 4]> = Vec::new();
    let mut seen_results = false;
    let mut copied = 0;
    w.object(1, |w, key| {
        if key != b"Results" || seen_results || w.peek() != Some(b'[') {
            return w.value(1);
        }
        seen_results = true;
        let start = w.i;
        w.array(2, |w| {
            let (shell, packages, kinds) = w.result()?;
            shells.push((shell, packages));
            found.push(kinds);
            Some(())
        })?;
        top_shell.extend_from_slice(&bytes[copied..start]);
        top_shell.extend_from_slice(b"[]");
        copied = w.i;
        Some(())
    })?;
    if !seen_results {
        return None;
    }
    top_shell.extend_from_slice(&bytes[copied..]);

    let mut top: trivy::TopLevel = trivy::from_slice(&top_shell).ok()?;
    if top.results.as_ref().is_some_and(|r| !r.is_empty()) {
        return None;
    }
    if top.is_k8s() {
        return None;
    }
    let mut results = Vec::with_capacity(shells.len());
    for (shell, packages) in shells {
        let mut r: trivy::TrivyResult = trivy::from_slice(&shell).ok()?;
        // A list the walk did not take out (its key in another case, which Trivy's Go reads
        // as the same field): read the whole document instead, never lose it.
        let left = r.vulnerabilities.len()
            + r.misconfigurations.len()
            + r.secrets.len()
            + r.licenses.len()
            + r.packages.len();
        if left > 0 {
            return None;
        }
        // Only where a result lists its packages' places (lock files), or lists a package
        // without a UID (older reports, for Trivy's `compat` step), are its packages read; an
        // image's thousands of packages are only counted. An escape could spell a key
        // otherwise, so an element with one is read too: both readers must agree.
        let needed = |p: &Range<usize>| {
            let element = &bytes[p.clone()];
            element.contains(&b'\\') || mentions_locations(element) || !identified(element)
        };
        r.packages = if packages.iter().any(needed) {
            packages
                .iter()
                .map(|p| trivy::from_slice(&bytes[p.clone()]).ok())
                .collect::<Option<_>>()?
        } else {
            vec![trivy::Package::default(); packages.len()]
        };
        results.push(r);
    }
    let created_by = normalize::layer_history(&top.metadata);
    let bases = results.iter().map(normalize::result_base).collect();
    let lines = results
        .iter()
        .map(|r| normalize::PackageIndex::of(&r.packages))
        .collect();
    let mut items = Vec::new();
    let counts = found.iter().map(|k| k.iter().map(Vec::len).sum()).collect();
    for (result, kinds) in found.into_iter().enumerate() {
        for (ranges, (_, kind)) in kinds.into_iter().zip(KINDS) {
            items.extend(ranges.into_iter().map(|r| Item {
                result: result as u32,
                kind,
                start: r.start,
                end: r.end,
            }));
        }
    }
    top.results = Some(results);
    Some(Split {
        bytes,
        top,
        created_by,
        bases,
        lines,
        counts,
        intern: Interner::default(),
        items,
    })
}

impl Split<'_> {
    /// How many findings the document lists in its results' finding arrays.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Parses and normalizes finding `i` (of [`Split::len`]); `None` if it does not parse.
    pub fn finding(&self, i: usize) -> Option<Finding> {
        let item = self.items.get(i)?;
        let base = &self.bases[item.result as usize];
        let bytes = &self.bytes[item.start..item.end];
        let layer = normalize::layer_fn(&self.created_by, &self.intern);
        Some(match item.kind {
            Kind::Vulnerability => {
                let lines = &self.lines[item.result as usize];
                let mut v = from(bytes)?;
                lines.compat(&mut v);
                normalize::vulnerability(base, v, &layer, &self.intern, lines)
            }
            Kind::Misconfiguration => {
                normalize::misconfiguration(base, from(bytes)?, &layer, &self.intern)
            }
            Kind::Secret => normalize::secret(base, from(bytes)?, &layer),
            Kind::License => normalize::license(base, from(bytes)?),
        })
    }

    /// How much room the report's list of findings needs: these and the suppressed ones.
    pub fn capacity(&self) -> usize {
        self.items.len() + self.modified()
    }

    /// Findings Trivy suppressed, which stay in the results and are read by [`Split::finish`].
    fn modified(&self) -> usize {
        let results = self.top.results.as_deref().unwrap_or_default();
        results.iter().map(|r| r.modified_findings.len()).sum()
    }

    /// The parsed document, as [`crate::parse`] gives it, from `all`: [`Split::finding`] of
    /// every finding, in order.
    pub fn finish(mut self, mut all: Vec<Finding>) -> Parsed {
        if self.modified() > 0 {
            // Each result's suppressed findings go after its own: rebuild the list in order.
            let layer = normalize::layer_fn(&self.created_by, &self.intern);
            let results = self.top.results.as_mut().expect("split sets results");
            let mut listed = all.into_iter();
            let mut ordered = Vec::with_capacity(self.items.len() + results.len());
            for (i, r) in results.iter_mut().enumerate() {
                ordered.extend(listed.by_ref().take(self.counts[i]));
                for mf in std::mem::take(&mut r.modified_findings) {
                    ordered.push(normalize::modified(
                        &self.bases[i],
                        mf,
                        &layer,
                        &self.intern,
                        &self.lines[i],
                    ));
                }
            }
            all = ordered;
        }
        Parsed::InParts(Box::new(self.top), all)
    }
}

/// Where the first `"` or `\` is. Most strings in a report are a few words long, so eight bytes
/// at a time in place beats a call into a vectorized search for each.
fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let mut i = 0;
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        let hit = zero(w ^ (LO * b'"' as u64)) | zero(w ^ (LO * b'\\' as u64));
        if hit != 0 {
            // The lowest flagged byte is always a real match (borrows only run upward).
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
        if i >= 64 {
            // A long string: the vectorized search wins from here.
            return memchr::memchr2(b'"', b'\\', &b[i..]).map(|j| i + j);
        }
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|j| i + j)
}

fn from<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Option<T> {
    trivy::from_slice(bytes).ok()
}

/// Whether a `Packages` element (with no escapes) is an object with one `Identifier`, itself
/// with one `UID`, a non-empty string: then `trivy convert` copies nothing from it, and it need
/// not be read. Anything else, or any doubt, is `false`, and the element is read.
fn identified(element: &[u8]) -> bool {
    let mut w = Walk { b: element, i: 0 };
    let (mut identifiers, mut uids, mut uid, mut folded) = (0, 0, false, false);
    let walked = w.peek() == Some(b'{')
        && w.object(1, |w, key| {
            match names(key, "Identifier") {
                Some(true) => identifiers += 1,
                Some(false) => folded = true,
                None => {}
            }
            if key != b"Identifier" || w.peek()? != b'{' {
                return w.value(1);
            }
            w.object(2, |w, key| {
                match names(key, "UID") {
                    Some(true) => uids += 1,
                    Some(false) => folded = true,
                    None => {}
                }
                if key != b"UID" {
                    return w.value(2);
                }
                uid = w.peek()? == b'"' && !w.string()?.is_empty();
                Some(())
            })
        })
        .is_some();
    walked && !folded && identifiers == 1 && uids == 1 && uid
}

/// Whether a raw key names `field`: `Some(true)` written exactly, `Some(false)` in another case
/// (which Trivy's Go reads as the same field, see [`trivy::fold`]), `None` not at all.
fn names(key: &[u8], field: &str) -> Option<bool> {
    let key = std::str::from_utf8(key).ok()?;
    if key == field {
        Some(true)
    } else {
        trivy::fold::folds_to(key, field).then_some(false)
    }
}

/// Whether a `Packages` element may hold a `Locations` key in any case (`ſ`, U+017F, folds to s
/// too): then it is read.
fn mentions_locations(element: &[u8]) -> bool {
    element
        .windows(b"\"Locations\"".len())
        .any(|w| w.eq_ignore_ascii_case(b"\"Locations\""))
        || element.windows(2).any(|w| w == "\u{17F}".as_bytes())
}

/// A cursor over the document that finds where values start and end without reading them.
struct Walk<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Walk<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// At a `"`: moves past the string and returns its raw bytes (escapes left as written).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.i += 1;
        let start = self.i;
        loop {
            let j = self.i + quote_or_backslash(&self.b[self.i..])?;
            if self.b[j] == b'"' {
                self.i = j + 1;
                return Some(&self.b[start..j]);
            }
            self.i = j + 2;
            if self.i > self.b.len() {
                return None;
            }
        }
    }

    /// Moves past one value of any kind, at nesting `depth`.
    fn value(&mut self, depth: usize) -> Option<()> {
        self.ws();
        let mut d = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'{' | b'[' => {
                    d += 1;
                    if depth + d > MAX_DEPTH {
                        return None;
                    }
                    self.i += 1;
                }
                b'}' | b']' => {
                    d = d.checked_sub(1)?;
                    self.i += 1;
                }
                _ if d > 0 => self.i += 1,
                // A number, `true`, `false` or `null`: up to the next delimiter.
                _ => {
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                    ) {
                        self.i += 1;
                    }
                }
            }
            if d == 0 {
                return Some(());
            }
        }
    }

    /// At a `{`: calls `each` with every key, positioned at its value, which `each` must pass.
    fn object(
        &mut self,
        depth: usize,
        mut each: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
        self.list(depth, b'{', b'}', |w| {
            if w.peek()? != b'"' {
                return None;
            }
            let key = w.string()?;
            w.eat(b':')?;
            w.ws();
            each(w, key)
        })
    }

    /// At a `[`: calls `each` positioned at every element, which `each` must pass.
    fn array(&mut self, depth: usize, each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.list(depth, b'[', b']', each)
    }

    /// `open`, then items separated by commas (each passed by `each`), then `close`.
    fn list(
        &mut self,
        depth: usize,
        open: u8,
        close: u8,
        mut each: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(open)?;
        self.ws();
        if self.peek()? == close {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            each(self)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                c if c == close => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// At one element of `Results`: the result with its finding arrays emptied, where each of
    /// the packages it lists is, and where each finding of each kind is.
    #[allow(clippy::type_complexity)]
    fn result(&mut self) -> Option<(Vec<u8>, Vec<Range<usize>>, [Vec<Range<usize>>; 4])> {
        if self.peek()? != b'{' {
            return None;
        }
        let start = self.i;
        let b = self.b;
        let mut shell = Vec::new();
        let mut copied = start;
        let mut packages = Vec::new();
        let mut kinds: [Vec<Range<usize>>; 4] = Default::default();
        self.object(3, |w, key| {
            let slot = KINDS.iter().position(|(k, _)| *k == key);
            let counted = key == b"Packages";
            if (slot.is_none() && !counted) || w.peek() != Some(b'[') {
                return w.value(3);
            }
            let array_start = w.i;
            let mut ranges = Vec::new();
            w.array(4, |w| {
                let s = w.i;
                w.value(4)?;
                ranges.push(s..w.i);
                Some(())
            })?;
            match slot {
                // A key written twice: keep it in the shell, where serde_json refuses it.
                Some(k) if !kinds[k].is_empty() => return None,
                Some(k) => kinds[k] = ranges,
                None => packages = ranges,
            }
            shell.extend_from_slice(&b[copied..array_start]);
            shell.extend_from_slice(b"[]");
            copied = w.i;
            Some(())
        })?;
        shell.extend_from_slice(&b[copied..self.i]);
        Some((shell, packages, kinds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReportBuilder;

    fn both(
        doc: &str,
    ) -> (
        Option<crate::Report>,
        Result<crate::Report, crate::ParseError>,
    ) {
        let fast = split(doc.as_bytes()).and_then(|s| {
            let all: Option<Vec<Finding>> = (0..s.len()).map(|i| s.finding(i)).collect();
            let mut b = ReportBuilder::new("t");
            b.add("x", s.finish(all?));
            Some(b.finish())
        });
        let slow = crate::parse(doc.as_bytes()).map(|p| {
            let mut b = ReportBuilder::new("t");
            b.add("x", p);
            b.finish()
        });
        (fast, slow)
    }

    const DOC: &str = r#"{"SchemaVersion":2,"ArtifactName":"img","Metadata":{"OS":{"Family":"debian","Name":"12"}},
      "Results":[
        {"Target":"a","Class":"os-pkgs","Type":"debian","Packages":[{"Name":"x"},{"Name":"y"}],
         "Secrets":[{"RuleID":"s1","Severity":"HIGH","Match":"k=\"***\" [x]"}],
         "ExperimentalModifiedFindings":[{"Type":"vulnerability","Status":"not_affected","Source":"vex.json",
                                          "Finding":{"VulnerabilityID":"CVE-9","PkgName":"z","Severity":"HIGH"}}],
         "Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"x","Severity":"LOW","Description":"a \\\" ] } [ {"},
                            {"VulnerabilityID":"CVE-2","PkgName":"y","Severity":"CRITICAL","CVSS":{"nvd":{"V3Score":9.8}}}]},
        {"Target":"b","Class":"config","Type":"dockerfile","Misconfigurations":[{"ID":"DS001","Status":"FAIL","Severity":"MEDIUM"}],
         "Licenses":[], "Vulnerabilities": null},
        {"Target":"c","Licenses":[{"Name":"GPL-3.0","Severity":"HIGH","PkgName":"bash"}]}
      ]}"#;

    /// A lock file's packages with their places: the first package listed under a name and
    /// version answers, in either reading; an element of another shape is an unplaced package.
    #[test]
    fn package_places_read_as_the_whole() {
        let doc = r#"{"SchemaVersion":2,"ArtifactName":"app","Results":[
          {"Target":"package-lock.json","Class":"lang-pkgs","Type":"npm","Packages":[
             {"Name":"a","Version":"1","Locations":[{"StartLine":5,"EndLine":9},{"StartLine":20,"EndLine":24}]},
             {"Name":"a","Version":"1","Locations":[{"StartLine":40,"EndLine":44}]},
             {"Name":"b","Version":"2"}, "odd", {"Name":7,"Locations":"x"}],
           "Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"a","InstalledVersion":"1","Severity":"HIGH"},
                              {"VulnerabilityID":"CVE-2","PkgName":"b","InstalledVersion":"2","Severity":"LOW"},
                              {"VulnerabilityID":"CVE-3","PkgName":"c","InstalledVersion":"3","Severity":"LOW"}]},
          {"Target":"os","Class":"os-pkgs","Packages":[{"Name":"a","Version":"1"}],
           "Vulnerabilities":[{"VulnerabilityID":"CVE-4","PkgName":"a","InstalledVersion":"1","Severity":"LOW"}]}]}"#;
        let (fast, slow) = both(doc);
        let fast = fast.expect("splits");
        assert_eq!(fast, slow.unwrap());
        assert_eq!(fast.stats.packages, 6);
        let lines = |i: usize| {
            let p = fast.findings[i].package.as_ref().unwrap();
            p.locations
                .iter()
                .map(|l| (l.start, l.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(0), [(5, 9), (20, 24)]);
        assert_eq!(lines(1), []);
        assert_eq!(lines(2), []);
        assert_eq!(lines(3), [], "another result's packages are not this one's");
    }

    /// A key spelled with an escape is the same key to both readers.
    #[test]
    fn package_places_under_an_escaped_key_read_as_the_whole() {
        let doc = r#"{"SchemaVersion":2,"ArtifactName":"app","Results":[{"Target":"package-lock.json","Class":"lang-pkgs",
          "Packages":[{"Name":"a","Version":"1","Loc\u0061tions":[{"StartLine":5,"EndLine":9}]}],
          "Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"a","InstalledVersion":"1","Severity":"HIGH"}]}]}"#;
        let (fast, slow) = both(doc);
        let fast = fast.expect("splits");
        assert_eq!(fast, slow.unwrap());
        assert_eq!(
            fast.findings[0].package.as_ref().unwrap().locations.len(),
            1
        );
    }

    /// `trivy convert`'s compat step in both readers: a vulnerability without a UID takes the
    /// purl of the package of the same `PkgID` + `PkgPath` without a UID (the last listed); one
    /// with a UID, a package with one, and a suppressed finding are left as written.
    #[test]
    fn a_vulnerability_without_a_uid_takes_its_packages_purl_in_both_readers() {
        let doc = r#"{"SchemaVersion":2,"ArtifactName":"app","Results":[{"Target":"package-lock.json","Class":"lang-pkgs",
          "Packages":[{"ID":"lodash@4","FilePath":"a/package.json","Identifier":{"PURL":"pkg:npm/old@1"}},
                      {"ID":"lodash@4","FilePath":"a/package.json","Identifier":{"PURL":"pkg:npm/lodash@4"}},
                      {"ID":"left@1","Identifier":{"PURL":"pkg:npm/left@1","UID":"u1"}},
                      {"ID":"bare@1"},
                      {"ID":"twice@1","Identifier":{"UID":"u2"},"Identifier":{"PURL":"pkg:npm/twice@1"}}],
          "Vulnerabilities":[
            {"VulnerabilityID":"CVE-1","PkgID":"lodash@4","PkgPath":"a/package.json","PkgName":"lodash","Severity":"HIGH"},
            {"VulnerabilityID":"CVE-2","PkgID":"lodash@4","PkgPath":"a/package.json","PkgName":"lodash","Severity":"HIGH","PkgIdentifier":{"PURL":"pkg:npm/own@4","UID":"x"}},
            {"VulnerabilityID":"CVE-3","PkgID":"left@1","PkgName":"left","Severity":"HIGH"},
            {"VulnerabilityID":"CVE-4","PkgID":"bare@1","PkgName":"bare","Severity":"HIGH","PkgIdentifier":{"PURL":"pkg:npm/bare@1"}},
            {"VulnerabilityID":"CVE-5","PkgID":"twice@1","PkgName":"twice","Severity":"HIGH"}],
          "ExperimentalModifiedFindings":[{"Type":"vulnerability","Status":"not_affected","Source":"vex.json",
            "Finding":{"VulnerabilityID":"CVE-9","PkgID":"lodash@4","PkgPath":"a/package.json","PkgName":"lodash","Severity":"HIGH"}}]}]}"#;
        let (fast, slow) = both(doc);
        let fast = fast.expect("splits");
        assert_eq!(fast, slow.unwrap());
        let purl = |id: &str| {
            let f = fast.findings.iter().find(|f| f.id == id).unwrap();
            f.package.as_ref().unwrap().purl.clone()
        };
        assert_eq!(purl("CVE-1").as_deref(), Some("pkg:npm/lodash@4"));
        assert_eq!(purl("CVE-2").as_deref(), Some("pkg:npm/own@4"));
        assert_eq!(purl("CVE-3"), None, "a package with a UID gives nothing");
        assert_eq!(
            purl("CVE-4"),
            None,
            "the package's (no) purl replaces the vulnerability's"
        );
        // Go decodes both `Identifier`s into one: the UID of the first stays.
        assert_eq!(purl("CVE-5"), None);
        assert_eq!(
            purl("CVE-9"),
            None,
            "suppressed findings are left as written"
        );
        // Packages that all have UIDs are only counted, and nothing changes.
        let modern = doc.replace(
            r#""Identifier":{"PURL":"pkg:npm/old@1"}"#,
            r#""Identifier":{"PURL":"pkg:npm/old@1","UID":"a"}"#,
        );
        let (fast, slow) = both(&modern);
        assert_eq!(fast.expect("splits"), slow.unwrap());
        assert!(identified(
            br#"{"ID":"a","Identifier":{"PURL":"p","UID":"u"},"Name":"a"}"#
        ));
        for odd in [
            &br#"{"ID":"a","Identifier":{"PURL":"p","UID":""}}"#[..],
            br#"{"ID":"a","Identifier":{"UID":null}}"#,
            br#"{"ID":"a","Identifier":{"UID":"u","UID":"v"}}"#,
            br#"{"ID":"a","Identifier":{"UID":"u"},"Identifier":{}}"#,
            br#"{"ID":"a","Identifier":null}"#,
            br#"{"ID":"a"}"#,
            br#""odd""#,
        ] {
            assert!(!identified(odd), "{}", String::from_utf8_lossy(odd));
        }
    }

    /// Keys in another case are Trivy's fields to its Go reader, and to both of ours: the lists
    /// the walk takes out by exact name are found, or the whole document is read.
    #[test]
    fn keys_in_another_case_read_as_the_whole() {
        let doc = r#"{"SchemaVersion":2,"ArtifactName":"app","Results":[
          {"Target":"package-lock.json","class":"lang-pkgs",
           "packages":[{"Name":"a","Version":"1","locations":[{"startline":5,"EndLine":9}],"ID":"a@1","identifier":{"purl":"pkg:npm/a@1"}}],
           "VULNERABILITIES":[{"vulnerabilityid":"CVE-1","PkgID":"a@1","pkgname":"a","InstalledVersion":"1","\u017Feverity":"HIGH"}]},
          {"Target":"s","Secrets":[{"RuleID":"k","severity":"CRITICAL","StartLine":3}]}]}"#;
        let (fast, slow) = both(doc);
        let slow = slow.unwrap();
        // Lists under keys the walk does not know: left to the whole reading.
        assert!(fast.is_none());
        // Keys inside the lists in another case: read in parts as the whole.
        let inner = doc
            .replace(r#""packages""#, r#""Packages""#)
            .replace("VULNERABILITIES", "Vulnerabilities");
        let (fast, whole) = both(&inner);
        assert_eq!(fast.expect("splits"), whole.unwrap());
        let v = &slow.findings[0];
        assert_eq!(
            (v.id.as_str(), v.severity),
            ("CVE-1", crate::Severity::High)
        );
        let p = v.package.as_ref().unwrap();
        assert_eq!(p.purl.as_deref(), Some("pkg:npm/a@1"));
        assert_eq!(p.locations.len(), 1);
        assert_eq!(slow.findings[1].severity, crate::Severity::Critical);
        assert!(!identified(
            br#"{"Identifier":{"UID":"u"},"identifier":{"UID":""}}"#
        ));
        assert!(mentions_locations(br#"{"LOCATIONS":[]}"#));
        assert!(mentions_locations("{\"Location\u{17F}\":[]}".as_bytes()));
    }

    /// A package listed in thousands of places keeps the first [`trivy::Package::MAX_PLACES`].
    #[test]
    fn a_package_keeps_a_bounded_number_of_places() {
        let places: Vec<String> = (1..=5000)
            .map(|i| format!(r#"{{"StartLine":{i},"EndLine":{i}}}"#))
            .collect();
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"app","Results":[{{"Target":"package-lock.json","Class":"lang-pkgs",
              "Packages":[{{"Name":"a","Version":"1","Locations":[{}]}}],
              "Vulnerabilities":[{{"VulnerabilityID":"CVE-1","PkgName":"a","InstalledVersion":"1","Severity":"HIGH"}}]}}]}}"#,
            places.join(",")
        );
        let (fast, slow) = both(&doc);
        let fast = fast.expect("splits");
        assert_eq!(fast, slow.unwrap());
        let kept = &fast.findings[0].package.as_ref().unwrap().locations;
        assert_eq!(kept.len(), trivy::Package::MAX_PLACES);
        assert_eq!((kept[0].start, kept[99].start), (1, 100));
    }

    #[test]
    fn parts_read_as_the_whole() {
        let (fast, slow) = both(DOC);
        let fast = fast.expect("splits");
        assert_eq!(fast, slow.unwrap());
        assert_eq!(fast.findings.len(), 6);
        assert_eq!(fast.stats.packages, 2);
        // Secrets are listed before vulnerabilities in the document, after them in the report,
        // and the suppressed finding after the result's own.
        assert_eq!(fast.findings[2].id, "s1");
        assert_eq!(fast.findings[3].id, "CVE-9");
        assert!(fast.findings[3].suppressed.is_some());
    }

    #[test]
    fn finds_the_first_quote_or_backslash() {
        for len in 0..80 {
            for at in 0..=len {
                for c in [b'"', b'\\'] {
                    let mut v = vec![b'a'; len];
                    v.extend_from_slice(b"xyz");
                    if at < len {
                        v[at] = c;
                        v[len.min(at + 3)..].iter_mut().for_each(|b| *b = c);
                    }
                    let want = v.iter().position(|&b| b == b'"' || b == b'\\');
                    assert_eq!(quote_or_backslash(&v), want, "{len} {at}");
                }
            }
        }
        // Bytes either side of the two, including 0x80 and up, never match.
        let bytes: Vec<u8> = (0..=255u8).filter(|&b| b != b'"' && b != b'\\').collect();
        assert_eq!(quote_or_backslash(&bytes), None);
        assert_eq!(quote_or_backslash("é\"\"".as_bytes()), Some(2));
    }

    #[test]
    fn findings_are_numbered_in_report_order() {
        let s = split(DOC.as_bytes()).unwrap();
        assert_eq!((s.len(), s.capacity()), (5, 6));
        let ids: Vec<String> = (0..s.len()).map(|i| s.finding(i).unwrap().id).collect();
        assert_eq!(ids, ["CVE-1", "CVE-2", "s1", "DS001", "GPL-3.0"]);
        assert!(s.finding(5).is_none());
    }

    #[test]
    fn anything_unexpected_is_left_to_the_whole_parse() {
        for doc in [
            "",
            "null",
            "[]",
            "{}",
            r#"{"Results":null}"#,
            r#"{"Results":[1]}"#,
            r#"{"ClusterName":"c","Results":[]}"#,
            r#"{"Results":[{"Vulnerabilities":[{"VulnerabilityID":1}]}]}"#,
            r#"{"Results":[{"Vulnerabilities":[{}],"Vulnerabilities":[{}]}]}"#,
            r#"{"Results":[{"Vulnerabilities":[{},]}]}"#,
            r#"{"Results":[{"Vulnerabilities":[{} {}]}]}"#,
            r#"{"Results":[],"Results":[]}"#,
            r#"{"Results":[{"Vulnerabilities":[{"x":"}]}]}"#,
            r#"{"Results":[]} x"#,
        ] {
            let (fast, slow) = both(doc);
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), slow, "{doc}");
            }
        }
        let deep = format!(
            r#"{{"Results":[{{"Vulnerabilities":[{{"x":{}1{}}}]}}]}}"#,
            "[".repeat(125),
            "]".repeat(125)
        );
        // Too deep to be sure the pieces parse as the whole would: left to the whole parse.
        assert!(split(deep.as_bytes()).is_none());
    }
}
