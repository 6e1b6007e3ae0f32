//! Repeated values stored once: a CVE found in many packages or targets carries the same text in
//! each finding.

use crate::report::*;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, Mutex};

/// Stores each distinct description, reference list, layer, data source, package and
/// misconfiguration detail once. A CVE found in many packages or targets repeats the same text in every finding;
/// at 100,000 findings the copies were most of a report's memory, and every output read them
/// again. Safe to share between threads.
#[derive(Default)]
pub struct Interner {
    texts: Shards<str>,
    lists: Shards<[String]>,
    checks: Shards<MisconfDetail>,
    layers: Shards<Layer>,
    sources: Shards<DataSource>,
    packages: Shards<Package>,
}

/// Locks are per shard, so that threads reading one report rarely wait for each other.
const SHARDS: usize = 16;

/// Stored values by their hash, computed once per lookup and used both to pick the shard and as
/// the key (equal hashes are then told apart by comparing values).
type Shards<T> = [Mutex<HashMap<u64, Vec<Arc<T>>, BuildHasherDefault<Prehashed>>>; SHARDS];

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Interner {
    /// The stored copy of `v`, stored now if it is the first.
    fn get<T, B>(shards: &Shards<T>, v: B) -> Arc<T>
    where
        T: std::hash::Hash + Eq + ?Sized,
        B: std::borrow::Borrow<T> + Into<Arc<T>>,
    {
        use std::hash::BuildHasher;
        let hash = BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(v.borrow());
        let mut shard = lock(&shards[(hash >> 60) as usize % SHARDS]);
        let same = shard.entry(hash).or_default();
        if let Some(t) = same.iter().find(|t| ***t == *v.borrow()) {
            return t.clone();
        }
        let t: Arc<T> = v.into();
        same.push(t.clone());
        t
    }

    pub fn text(&self, s: String) -> Arc<str> {
        Self::get(&self.texts, s)
    }

    pub fn list(&self, v: Vec<String>) -> Arc<[String]> {
        Self::get(&self.lists, v)
    }

    pub fn check(&self, m: MisconfDetail) -> Arc<MisconfDetail> {
        Self::get(&self.checks, m)
    }

    pub fn layer(&self, l: Layer) -> Arc<Layer> {
        Self::get(&self.layers, l)
    }

    pub fn source(&self, d: DataSource) -> Arc<DataSource> {
        Self::get(&self.sources, d)
    }

    pub fn package(&self, p: Package) -> Arc<Package> {
        Self::get(&self.packages, p)
    }
}

/// A poisoned lock only means another thread panicked while interning; the set is still whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_are_stored_once() {
        let i = Interner::default();
        let a = i.text("same text".to_string());
        let b = i.text("same text".to_string());
        let c = i.text("other text".to_string());
        assert!(Arc::ptr_eq(&a, &b) && !Arc::ptr_eq(&a, &c));
        assert_eq!((&*a, &*c), ("same text", "other text"));
        let l1 = i.list(vec!["https://a".into(), "https://b".into()]);
        let l2 = i.list(vec!["https://a".into(), "https://b".into()]);
        let l3 = i.list(vec!["https://b".into(), "https://a".into()]);
        assert!(Arc::ptr_eq(&l1, &l2) && !Arc::ptr_eq(&l1, &l3));
        let empty = (i.text(String::new()), i.text(String::new()));
        assert!(Arc::ptr_eq(&empty.0, &empty.1) && empty.0.is_empty());
    }
}
