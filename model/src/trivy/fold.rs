//! Object keys matched to struct fields as Go's `encoding/json` matches them, which is how Trivy
//! (and `trivy convert`) reads a report: the exact name first, else the first field whose name is
//! equal under case folding (`severity`, `SEVERITY` and `ſeverity` are all `Severity`). Matched
//! exactly, a report with `"severity"` keys read every finding as UNKNOWN, and one with
//! `"results"` as empty, where Trivy counts and gates them.
//!
//! [`Fold`] wraps any serde deserializer: every `deserialize_struct` below it (serde derive's,
//! which names its fields) sees its keys folded to its own field names; maps that are not structs
//! (`CVSS`, `VendorSeverity`, Go maps too) keep their keys. Readers with their own key visitor
//! (`Package`, its `Identifier`) call [`folds_to`]. The top level's `trivy k8s` fields stay
//! exact (`K8S_TOP`).

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Whether `key` names `field` (an ASCII name) under Go's folding: ASCII letters without case,
/// and the two non-ASCII letters whose fold orbit holds an ASCII one, `ſ` (s) and `K` (k).
pub fn folds_to(key: &str, field: &str) -> bool {
    let mut chars = key.chars();
    for f in field.bytes() {
        let c = match chars.next() {
            Some('\u{17F}') => b'S',
            Some('\u{212A}') => b'K',
            Some(c) if c.is_ascii() => (c as u8).to_ascii_uppercase(),
            _ => return false,
        };
        if c != f.to_ascii_uppercase() {
            return false;
        }
    }
    chars.next().is_none()
}

/// The top level's fields of `trivy k8s` JSON, matched only as written. No Trivy command reads
/// that JSON back (`trivy convert` refuses it), so there is no Go reading to follow; folded, the
/// `vulnerabilities` of another tool's document (CycloneDX, CISA's KEV catalog) would make it a
/// cluster report with nothing in it instead of a document refused by name.
const K8S_TOP: &[&str] = &[
    "ClusterName",
    "Resources",
    "Vulnerabilities",
    "Misconfigurations",
    "Findings",
];

/// The fields of struct `name` that fold.
fn folding(name: &str, fields: &'static [&'static str]) -> Fields {
    Fields {
        all: fields,
        exact: if name == "TopLevel" { K8S_TOP } else { &[] },
    }
}

/// A struct's fields, and those of them matched only as written.
#[derive(Clone, Copy)]
struct Fields {
    all: &'static [&'static str],
    exact: &'static [&'static str],
}

const NO_FIELDS: Fields = Fields {
    all: &[],
    exact: &[],
};

/// The field `key` names among `fields`: itself if one is written so, else the first that it
/// folds to, else `key` as it is (an unknown key).
fn field_of(key: &str, fields: Fields) -> Result<&str, &'static str> {
    if fields.all.is_empty() || fields.all.contains(&key) {
        return Ok(key);
    }
    let folds = |f: &&&str| !fields.exact.contains(*f) && folds_to(key, f);
    match fields.all.iter().find(folds) {
        Some(f) => Err(f),
        None => Ok(key),
    }
}

/// A deserializer whose structs match their keys as Go does.
pub struct Fold<D>(pub D);

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* Folding { inner: visitor, fields: NO_FIELDS })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Fold<D> {
    type Error = D::Error;

    forward!(
        deserialize_any(),
        deserialize_bool(),
        deserialize_i8(),
        deserialize_i16(),
        deserialize_i32(),
        deserialize_i64(),
        deserialize_i128(),
        deserialize_u8(),
        deserialize_u16(),
        deserialize_u32(),
        deserialize_u64(),
        deserialize_u128(),
        deserialize_f32(),
        deserialize_f64(),
        deserialize_char(),
        deserialize_str(),
        deserialize_string(),
        deserialize_bytes(),
        deserialize_byte_buf(),
        deserialize_option(),
        deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map(),
        deserialize_identifier(),
    );

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(
            name,
            fields,
            Folding {
                inner: visitor,
                fields: folding(name, fields),
            },
        )
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        // Trivy's reports hold no enums; their values are left as they are.
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// The visitor of a value below [`Fold`]: hands the inner visitor folded maps (when `fields`
/// names a struct's) and folding sequences and options.
struct Folding<V> {
    inner: V,
    fields: Fields,
}

macro_rules! pass {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Folding<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    pass!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Fold(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Fold(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_seq(FoldSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(FoldMap {
            map,
            fields: self.fields,
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

struct FoldSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for FoldSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(FoldSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct FoldMap<A> {
    map: A,
    fields: Fields,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FoldMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if self.fields.all.is_empty() {
            return self.map.next_key_seed(seed);
        }
        self.map.next_key_seed(KeySeed {
            seed,
            fields: self.fields,
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map.next_value_seed(FoldSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

struct FoldSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for FoldSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Fold(d))
    }
}

/// A struct's key: read as text, then handed to the struct's own key reader as the field it names.
struct KeySeed<S> {
    seed: S,
    fields: Fields,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for KeySeed<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<S::Value, E> {
        match field_of(key, self.fields) {
            Ok(key) => self.seed.deserialize(BorrowedStrDeserializer::new(key)),
            Err(field) => self.seed.deserialize(BorrowedStrDeserializer::new(field)),
        }
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<S::Value, E> {
        match field_of(key, self.fields) {
            Ok(key) => self.seed.deserialize(StrDeserializer::new(key)),
            Err(field) => self.seed.deserialize(BorrowedStrDeserializer::new(field)),
        }
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<S::Value, E> {
        match field_of(&key, self.fields) {
            Ok(_) => self.seed.deserialize(StringDeserializer::new(key)),
            Err(field) => self.seed.deserialize(BorrowedStrDeserializer::new(field)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Inner {
        #[serde(rename = "Severity")]
        severity: String,
        #[serde(rename = "VendorSeverity")]
        vendor: std::collections::BTreeMap<String, u8>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Outer {
        #[serde(rename = "Results")]
        results: Option<Vec<Inner>>,
        #[serde(rename = "ID")]
        id: String,
    }

    fn read(doc: &str) -> Result<Outer, serde_json::Error> {
        let mut d = serde_json::Deserializer::from_str(doc);
        let v = Outer::deserialize(Fold(&mut d))?;
        d.end()?;
        Ok(v)
    }

    #[test]
    fn keys_fold_as_go_matches_them() {
        for key in ["Severity", "severity", "SEVERITY", "ſeverity", "SeVeRiTy"] {
            let doc = format!(
                r#"{{"results":[{{"{key}":"HIGH","vendorseverity":{{"NVD":3}}}}],"id":"x"}}"#
            );
            let o = read(&doc).unwrap();
            let inner = &o.results.as_ref().unwrap()[0];
            assert_eq!(inner.severity, "HIGH", "{key}");
            // A map's keys are data: kept as written.
            assert_eq!(inner.vendor.keys().collect::<Vec<_>>(), ["NVD"]);
            assert_eq!(o.id, "x");
        }
        assert!(folds_to("\u{212A}ey", "Key"));
        // Nothing else folds to ASCII: `İ` is not `I`, nor a longer or shorter name a field.
        for key in ["\u{130}D", "Severit", "Severityy", "Sevérity"] {
            assert!(
                !folds_to(key, if key.ends_with('D') { "ID" } else { "Severity" }),
                "{key}"
            );
        }
        // An escaped key folds too, and a key written twice (in two cases) is refused as a
        // duplicate, never read as one or the other.
        assert_eq!(read(r#"{"\u0069d":"y"}"#).unwrap().id, "y");
        assert!(read(r#"{"ID":"a","id":"b"}"#).is_err());
        // Null and absent as before.
        assert_eq!(read(r#"{"results":null}"#).unwrap(), Outer::default());
    }
}
