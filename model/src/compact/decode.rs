//! A small hand-written reader for the page data, so the viewer needs no serde deserializer
//! (the generic one is most of the wasm). It reads exactly what the writer (`write.rs`) writes;
//! unknown keys are skipped and missing ones take their default.
//!
//! 1. [`P`], the JSON reader: strings, numbers, objects, arrays.
//! 2. [`Dec`] for plain values and for the model's types, by their serde keys (the list below;
//!    a test holds it to `report.rs`'s serde derives).
//! 3. [`dataset`], the top level.

use super::schema::{ReadOccurrence, ReadTables};
use super::{Advisory, Dataset};
use crate::fix_first::*;
use crate::keymap::KeyMap;
use crate::report::*;
use std::borrow::Cow;
use std::sync::Arc;

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
                                0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
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
impl<T: Dec> Dec for KeyMap<T> {
    fn dec(p: &mut P<'_>) -> R<Self> {
        let mut v = Vec::new();
        p.obj(&mut |p, k| {
            v.push((k.to_string(), T::dec(p)?));
            Ok(())
        })?;
        // The writer writes keys in order; data that does not is not the writer's.
        KeyMap::from_sorted(v).map_err(|_| "a map's keys are out of order".to_string())
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
        let (mut reason, mut rule, mut statement) = (String::new(), String::new(), String::new());
        p.obj(&mut |p, k| {
            match k {
                "reason" => field(p, &mut reason)?,
                "rule" => field(p, &mut rule)?,
                "statement" => field(p, &mut statement)?,
                _ => p.skip()?,
            }
            Ok(())
        })?;
        Ok(match reason.as_str() {
            "unfixed" => Exclusion::Unfixed,
            "status" => Exclusion::Status,
            "pkg_type" => Exclusion::PkgType,
            "ignored" => Exclusion::Ignored { rule, statement },
            _ => return err(p, "unknown exclusion"),
        })
    }
}

/// Reads a field's value into `slot`. Not inlined: one copy per field type, not one per field
/// of every struct, keeps the wasm small.
#[inline(never)]
pub(super) fn field<T: Dec>(p: &mut P<'_>, slot: &mut T) -> R<()> {
    *slot = T::dec(p)?;
    Ok(())
}

macro_rules! structs {
    ($($t:ident { $($key:literal => $field:ident),* $(,)? })*) => {
        /// The keys read for each model type, for the test that holds them to serde's.
        #[cfg(test)]
        const KEYS: &[(&str, &[&str])] = &[$((stringify!($t), &[$($key),*])),*];
        $(
        impl Dec for $t {
            fn dec(p: &mut P<'_>) -> R<Self> {
                let mut v = <$t>::default();
                p.obj(&mut |p, k| {
                    match k {
                        $($key => field(p, &mut v.$field)?,)*
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
    Report { "version" => version, "generator" => generator, "commit" => commit,
        "summary" => summary, "stats" => stats, "artifacts" => artifacts,
        "targets" => targets, "gate" => gate, "remediation" => remediation, "feeds" => feeds,
        "fix_first" => fix_first }
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
        "repo_url" => repo_url, "branch" => branch, "commit" => commit, "layers" => layers }
    OsInfo { "family" => family, "name" => name, "eosl" => eosl }
    Target { "artifact" => artifact, "name" => name, "class" => class,
        "type" => target_type, "packages" => packages }
    GateResult { "failed" => failed, "fail_on" => fail_on, "severities" => severities,
        "failing" => failing,
        "excluded" => excluded, "fail_on_kev" => fail_on_kev, "failing_kev" => failing_kev,
        "fail_on_epss" => fail_on_epss, "failing_epss" => failing_epss,
        "fail_on_eol" => fail_on_eol, "eol" => eol }
    Package { "name" => name, "id" => id, "path" => path, "purl" => purl, "uid" => uid,
        "installed_version" => installed_version, "fixed_version" => fixed_version,
        "locations" => locations }
    LineRange { "start" => start, "end" => end }
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
    Kev { "date_added" => date_added, "due_date" => due_date, "ransomware" => ransomware,
        "name" => name, "required_action" => required_action }
    Epss { "score" => score, "percentile" => percentile, "date" => date }
    Feeds { "kev" => kev, "epss" => epss }
    Remediation { "target" => target, "package" => package, "installed" => installed,
        "type" => target_type, "upgrade_to" => upgrade_to, "fixes" => fixes, "counts" => counts,
        "unfixable" => unfixable, "note" => note }
    ImageLayer { "diff_id" => diff_id, "created_by" => created_by, "findings" => findings,
        "origin" => origin }
    FixFirst { "vulnerabilities" => vulnerabilities, "unfixed" => unfixed,
        "known_exploited" => known_exploited,
        "known_exploited_left_out" => known_exploited_left_out, "upgrades" => upgrades, "secrets" => secrets,
        "checks" => checks, "licenses" => licenses, "base_images" => base_images }
    Secrets { "findings" => findings, "counts" => counts, "remedy" => remedy, "files" => files }
    SecretFile { "artifact" => artifact, "path" => path, "severity" => severity,
        "secrets" => secrets }
    Named { "finding" => finding, "name" => name, "lines" => lines }
    Checks { "findings" => findings, "counts" => counts, "checks" => checks }
    Check { "id" => id, "title" => title, "severity" => severity, "resolution" => resolution,
        "failures" => failures, "files" => files, "artifact" => artifact, "path" => path,
        "lines" => lines, "finding" => finding }
    Licenses { "findings" => findings, "counts" => counts, "packages" => packages,
        "licenses" => licenses }
    License { "name" => name, "category" => category, "severity" => severity,
        "packages" => packages }
    Place { "artifact" => artifact, "name" => name }
    BaseImage { "artifact" => artifact, "base" => base, "own" => own }
}

impl<T: Dec> Dec for Cut<T> {
    fn dec(p: &mut P<'_>) -> R<Self> {
        let mut v = Cut::default();
        p.obj(&mut |p, k| {
            match k {
                "total" => field(p, &mut v.total)?,
                "shown" => field(p, &mut v.shown)?,
                _ => p.skip()?,
            }
            Ok(())
        })?;
        Ok(v)
    }
}

/// Reads the page data the writer wrote.
pub fn dataset(text: &str) -> R<Dataset> {
    let mut p = P::new(text);
    let mut report = Report::default();
    let mut advisories: Vec<Advisory> = Vec::new();
    let mut read: Vec<ReadOccurrence> = Vec::new();
    let mut tables = ReadTables::default();
    p.obj(&mut |p, k| {
        match k {
            "report" => field(p, &mut report)?,
            "advisories" => field(p, &mut advisories)?,
            "findings" => field(p, &mut read)?,
            _ => {
                if !tables.read(p, k)? {
                    p.skip()?;
                }
            }
        }
        Ok(())
    })?;
    p.end()?;
    let findings = read
        .into_iter()
        .enumerate()
        .map(|(n, r)| tables.resolve(n, r))
        .collect::<R<Vec<_>>>()?;
    let ds = Dataset {
        report,
        advisories,
        findings,
    };
    ds.validate()?;
    Ok(ds)
}

impl<T: Dec> Dec for Feed<T> {
    fn dec(p: &mut P<'_>) -> R<Self> {
        Ok(match Option::<T>::dec(p)? {
            Some(t) => Feed::Listed(t),
            None => Feed::Unlisted,
        })
    }
}

impl Dec for LayerOrigin {
    fn dec(p: &mut P<'_>) -> R<Self> {
        Ok(match &*p.str()? {
            "base" => LayerOrigin::Base,
            "own" => LayerOrigin::Own,
            _ => LayerOrigin::Unknown,
        })
    }
}

impl Dec for Arc<str> {
    fn dec(p: &mut P<'_>) -> R<Self> {
        p.str().map(|s| Arc::from(&*s))
    }
}

impl<T: Dec> Dec for Arc<[T]> {
    fn dec(p: &mut P<'_>) -> R<Self> {
        Vec::<T>::dec(p).map(Arc::from)
    }
}

impl<T: Dec> Dec for Arc<T> {
    fn dec(p: &mut P<'_>) -> R<Self> {
        T::dec(p).map(Arc::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The serde field names of `T`, as its derived `Deserialize` declares them.
    fn serde_keys<'de, T: serde::Deserialize<'de>>() -> Vec<&'static str> {
        struct Capture(Vec<&'static str>);
        impl<'de> serde::Deserializer<'de> for &mut Capture {
            type Error = serde::de::value::Error;
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0 = fields.to_vec();
                Err(serde::de::Error::custom("captured"))
            }
            fn deserialize_any<V: serde::de::Visitor<'de>>(
                self,
                _: V,
            ) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom("not a struct"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
                identifier ignored_any
            }
        }
        let mut c = Capture(Vec::new());
        let _ = T::deserialize(&mut c);
        let mut keys = c.0;
        keys.sort_unstable();
        keys
    }

    /// The keys the decoder reads for `T`: every key of [`KEYS`] under `name`.
    fn decoder_keys(name: &str) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = KEYS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| k.to_vec())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }

    /// A field added to a model type must be read by the viewer's decoder too.
    #[test]
    fn the_decoder_reads_every_serde_key_of_the_model() {
        macro_rules! check {
            ($($t:ident),*) => {$(
                let mut want = serde_keys::<$t>();
                // The page data carries the report's findings beside it, not in it.
                want.retain(|k| !(stringify!($t) == "Report" && *k == "findings"));
                assert_eq!(decoder_keys(stringify!($t)), want, "{}", stringify!($t));
            )*};
        }
        check!(
            Report,
            Summary,
            SeverityCounts,
            Stats,
            Artifact,
            OsInfo,
            Target,
            GateResult,
            Package,
            LineRange,
            Cvss,
            DataSource,
            Layer,
            CodeLine,
            MisconfDetail,
            SecretDetail,
            LicenseDetail,
            Suppression,
            FixFirst,
            Secrets,
            SecretFile,
            Named,
            Checks,
            Check,
            Licenses,
            License,
            Place,
            BaseImage
        );
    }
}
