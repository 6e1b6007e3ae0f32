//! [`KeyMap`]: a map from text keys kept as one vector sorted by key.
//!
//! A finding's `vendor_severity` and `cvss` hold a few entries each. As `BTreeMap`s they
//! brought the B-tree's insertion, balancing and drop code into the viewer's wasm for these two
//! value types alone; a sorted vector does the same job in a few lines (#13: the wasm
//! 366,402 → 357,680 B, 149,260 → 145,630 B gzipped). Its JSON, its order and its JSON Schema are the `BTreeMap`'s: keys
//! in ascending order, a repeated key read as its last value.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Borrow;
use std::marker::PhantomData;

#[derive(Debug, Clone, PartialEq)]
pub struct KeyMap<V>(Vec<(String, V)>);

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap(Vec::new())
    }
}

impl<V> KeyMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        String: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        String: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    /// Sets `key` to `value`; returns the value it replaces, as `BTreeMap::insert` does.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
    /// The map of `pairs` in any order, a repeated key keeping its last value. Pairs out of
    /// order go through a `BTreeMap` (n log n) rather than `insert` one by one: the maps come
    /// from untrusted reports, and a million keys in descending order would move n²/2 entries.
    pub fn from_pairs(pairs: Vec<(String, V)>) -> Self {
        match KeyMap::from_sorted(pairs) {
            Ok(map) => map,
            Err(pairs) => KeyMap(
                pairs
                    .into_iter()
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into_iter()
                    .collect(),
            ),
        }
    }

    /// The map of `pairs` if their keys are ascending and distinct, as every map this crate
    /// writes is; else the pairs back. The viewer's decoder reads page data only through this,
    /// so the wasm carries no B-tree or sort for it.
    pub fn from_sorted(pairs: Vec<(String, V)>) -> Result<Self, Vec<(String, V)>> {
        if pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            Ok(KeyMap(pairs))
        } else {
            Err(pairs)
        }
    }
}

impl<V> FromIterator<(String, V)> for KeyMap<V> {
    /// A repeated key keeps its last value, as collecting into a `BTreeMap` does.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        KeyMap::from_pairs(iter.into_iter().collect())
    }
}

impl<V, const N: usize> From<[(String, V); N]> for KeyMap<V> {
    fn from(pairs: [(String, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<'a, V> IntoIterator for &'a KeyMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&(String, V)) -> (&String, &V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V: Serialize> Serialize for KeyMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for KeyMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Map<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Map<V> {
            type Value = KeyMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(m.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = m.next_entry()? {
                    pairs.push(pair);
                }
                Ok(KeyMap::from_pairs(pairs))
            }
        }
        d.deserialize_map(Map(PhantomData))
    }
}

#[cfg(feature = "schema")]
impl<V: schemars::JsonSchema> schemars::JsonSchema for KeyMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <std::collections::BTreeMap<String, V>>::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        <std::collections::BTreeMap<String, V>>::schema_id()
    }
    fn inline_schema() -> bool {
        <std::collections::BTreeMap<String, V>>::inline_schema()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <std::collections::BTreeMap<String, V>>::json_schema(g)
    }
}

#[cfg(test)]
mod tests {
    use super::KeyMap;
    use std::collections::BTreeMap;

    #[test]
    fn reads_and_writes_as_a_btreemap_does() {
        for json in [
            r#"{}"#,
            r#"{"b":1,"a":2}"#,
            r#"{"nvd":3,"redhat":1,"ghsa":2,"nvd":4}"#,
        ] {
            let ours: KeyMap<u32> = serde_json::from_str(json).unwrap();
            let theirs: BTreeMap<String, u32> = serde_json::from_str(json).unwrap();
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&theirs).unwrap()
            );
            assert!(ours.iter().eq(theirs.iter()));
            for k in theirs.keys() {
                assert_eq!(ours.get(k.as_str()), theirs.get(k));
            }
        }
        // Untrusted input: many keys in descending order, some repeated, read in n log n.
        let n = 200_000u32;
        let json = format!(
            "{{{}}}",
            (0..n)
                .rev()
                .map(|i| format!("\"k{:06}\":{i}", i / 2 * 2))
                .collect::<Vec<_>>()
                .join(",")
        );
        let ours: KeyMap<u32> = serde_json::from_str(&json).unwrap();
        let theirs: BTreeMap<String, u32> = serde_json::from_str(&json).unwrap();
        assert_eq!(ours.len(), theirs.len());
        assert!(ours.iter().eq(theirs.iter()));
        assert!(KeyMap::from_sorted(vec![("b".to_string(), 1), ("a".to_string(), 2)]).is_err());
        assert!(KeyMap::from_sorted(vec![("a".to_string(), 1), ("a".to_string(), 2)]).is_err());
        let mut m = KeyMap::new();
        assert_eq!(m.insert("b".into(), 1), None);
        assert_eq!(m.insert("a".into(), 2), None);
        assert_eq!(m.insert("b".into(), 3), Some(1));
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":2,"b":3}"#);
    }
}
