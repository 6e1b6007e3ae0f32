//! The page data's wire form, declared once.
//!
//! A finding is split three ways in the page data: the advisory part (the same wherever one
//! advisory is found, written once in `advisories`), the plain per-finding fields, and the
//! per-finding parts that many findings share (written once each in a table: `targets`,
//! `packages`, …, the finding holding an index). The [`schema!`] invocation at the end of this
//! file names every field once, with its JSON key; from it come
//!
//! 1. the dataset types [`Advisory`] and [`Occurrence`], whose fields have the types of the same
//!    fields of [`Finding`], so a finding converts to and from them field by field;
//! 2. the writer: borrowed views that serialize straight from a [`Finding`] (see `write.rs`);
//! 3. the reader: the viewer's hand-written decoder of those keys (see `decode.rs`);
//! 4. [`same_advisory`], which tells two findings' advisory parts apart for writing them once.
//!
//! Adding a field to a finding is its field in `report.rs`, one line here, and its display in the
//! viewer. (The keys of the model's own types, which the page data embeds, are the serde keys
//! of `report.rs`; `decode.rs` lists them for the decoder, and a test holds the two lists equal.)

use super::decode::{field, Dec, P, R};
use crate::keymap::KeyMap;
use crate::report::*;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::sync::Arc;

/// Whether a value is left out of the JSON (an empty list, string, map or `None`).
pub trait IsEmpty {
    fn is_empty(&self) -> bool;
}

impl IsEmpty for String {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}
impl IsEmpty for Arc<str> {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}
impl<T> IsEmpty for Vec<T> {
    fn is_empty(&self) -> bool {
        <[T]>::is_empty(self)
    }
}
impl<T> IsEmpty for Arc<[T]> {
    fn is_empty(&self) -> bool {
        <[T]>::is_empty(self)
    }
}
impl<T> IsEmpty for Option<T> {
    fn is_empty(&self) -> bool {
        self.is_none()
    }
}
impl<T> IsEmpty for Feed<T> {
    fn is_empty(&self) -> bool {
        self.not_given()
    }
}
impl<V> IsEmpty for KeyMap<V> {
    fn is_empty(&self) -> bool {
        KeyMap::is_empty(self)
    }
}

/// Equal as their JSON would be: CVSS scores compare bitwise (`-0.0` and `0.0` are written
/// differently), shared text by pointer first.
pub trait Same {
    fn same(&self, other: &Self) -> bool;
}

macro_rules! same_by_eq {
    ($($t:ty),*) => {$(
        impl Same for $t {
            fn same(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}
same_by_eq!(
    String,
    Vec<String>,
    Option<String>,
    KeyMap<Severity>,
    Option<Arc<DataSource>>
);

impl Same for Arc<str> {
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other) || self == other
    }
}
impl Same for Arc<[String]> {
    fn same(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other) || self == other
    }
}
impl Same for KeyMap<Cvss> {
    fn same(&self, other: &Self) -> bool {
        let bits = |s: Option<f64>| s.map(f64::to_bits);
        self.len() == other.len()
            && self.iter().zip(other).all(|((ka, a), (kb, b))| {
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

/// A finding field stored once per distinct value in a table of the page data, the finding
/// holding its index.
pub trait Shared: Sized {
    /// What the table lists, borrowed from a finding by the writer.
    type Item: ?Sized + Serialize + std::hash::Hash + Eq;
    /// What the reader keeps of a table entry: shared by every finding that points at it.
    type Stored: Dec + Clone;
    fn item(&self) -> Option<&Self::Item>;
    fn from_stored(stored: Option<&Self::Stored>) -> Self;
}

impl Shared for String {
    type Item = str;
    type Stored = String;
    fn item(&self) -> Option<&str> {
        Some(self)
    }
    fn from_stored(stored: Option<&String>) -> Self {
        stored.cloned().unwrap_or_default()
    }
}

impl Shared for Option<String> {
    type Item = str;
    type Stored = String;
    fn item(&self) -> Option<&str> {
        self.as_deref()
    }
    fn from_stored(stored: Option<&String>) -> Self {
        stored.cloned()
    }
}

impl<T: Serialize + std::hash::Hash + Eq + Dec> Shared for Option<Arc<T>> {
    type Item = T;
    type Stored = Arc<T>;
    fn item(&self) -> Option<&T> {
        self.as_deref()
    }
    fn from_stored(stored: Option<&Arc<T>>) -> Self {
        stored.cloned()
    }
}

/// Whether a plain per-finding field is written when empty.
macro_rules! keep {
    (always, $v:expr) => {
        true
    };
    (plain, $v:expr) => {
        !IsEmpty::is_empty($v)
    };
}

/// Generates the dataset types, the borrowed writers and the decoders from one field list.
macro_rules! schema {
    (
        advisory { $($afield:ident: $aty:ty,)* }
        occurrence { $($mode:ident $okey:literal $ofield:ident: $oty:ty,)* }
        shared { $($skey:literal $sfield:ident: $sty:ty => $table:ident,)* }
    ) => {
        /// The part of a finding that is the same wherever the same advisory is found.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Advisory {
            $(pub $afield: $aty,)*
        }

        impl Advisory {
            pub fn of(f: &Finding) -> Advisory {
                Advisory { $($afield: f.$afield.clone(),)* }
            }

            /// Sets the advisory fields of `f`.
            pub fn fill(&self, f: &mut Finding) {
                $(f.$afield = self.$afield.clone();)*
            }
        }

        /// Whether two findings' advisory parts would be written alike.
        pub fn same_advisory(a: &Finding, b: &Finding) -> bool {
            $(Same::same(&a.$afield, &b.$afield))&&*
        }

        /// The part of a finding that belongs to this one occurrence; `advisory` indexes
        /// [`Dataset::advisories`](super::Dataset::advisories). Shared parts are shared (`Arc`)
        /// between the findings that carry equal ones.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Occurrence {
            pub advisory: u32,
            $(pub $ofield: $oty,)*
            $(pub $sfield: $sty,)*
        }

        impl Occurrence {
            pub fn of(f: &Finding, advisory: u32) -> Occurrence {
                Occurrence {
                    advisory,
                    $($ofield: f.$ofield.clone(),)*
                    $($sfield: f.$sfield.clone(),)*
                }
            }

            /// Sets the per-finding fields of `f`.
            pub fn fill(&self, f: &mut Finding) {
                $(f.$ofield = self.$ofield.clone();)*
                $(f.$sfield = self.$sfield.clone();)*
            }
        }

        /// The advisory part of a finding, serialized from the finding itself.
        pub(super) struct AdvisoryRef<'a>(pub(super) &'a Finding);

        impl Serialize for AdvisoryRef<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let f = self.0;
                let mut st = s.serialize_struct("Advisory", [$(stringify!($afield)),*].len())?;
                $(
                    if !IsEmpty::is_empty(&f.$afield) {
                        st.serialize_field(stringify!($afield), &f.$afield)?;
                    }
                )*
                st.end()
            }
        }

        /// One finding's indexes into the shared tables.
        #[derive(Debug, Clone, Copy, Default)]
        pub(super) struct SharedIdx {
            $(pub(super) $sfield: Option<u32>,)*
        }

        /// One finding as the page data holds it, serialized from the finding itself.
        pub(super) struct OccurrenceRef<'a> {
            pub(super) f: &'a Finding,
            pub(super) advisory: u32,
            pub(super) idx: SharedIdx,
        }

        impl Serialize for OccurrenceRef<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let f = self.f;
                let fields = 1 + [$($okey),*].len() + [$($skey),*].len();
                let mut st = s.serialize_struct("Occurrence", fields)?;
                st.serialize_field("a", &self.advisory)?;
                $(
                    if keep!($mode, &f.$ofield) {
                        st.serialize_field($okey, &f.$ofield)?;
                    }
                )*
                $(
                    if let Some(i) = self.idx.$sfield {
                        st.serialize_field($skey, &i)?;
                    }
                )*
                st.end()
            }
        }

        /// How many shared tables there are.
        pub(super) const TABLES: usize = [$(stringify!($table)),*].len();

        /// The shared tables as the writer builds them: references into the report.
        pub(super) struct WriteTables<'a> {
            $(pub(super) $table: super::write::Interned<&'a <$sty as Shared>::Item>,)*
        }

        impl<'a> WriteTables<'a> {
            pub(super) fn new() -> Self {
                WriteTables { $($table: super::write::Interned::new(),)* }
            }

            /// Adds `f`'s shared parts, returning their indexes.
            pub(super) fn add(&mut self, f: &'a Finding) -> SharedIdx {
                SharedIdx { $($sfield: Shared::item(&f.$sfield).map(|v| self.$table.add(v)),)* }
            }

            /// Serializes the tables as fields of the enclosing struct, empty ones left out.
            pub(super) fn serialize_into<S: SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
                $(
                    if !self.$table.items.is_empty() {
                        st.serialize_field(stringify!($table), &self.$table.items)?;
                    }
                )*
                Ok(())
            }
        }

        impl Dec for Advisory {
            fn dec(p: &mut P<'_>) -> R<Self> {
                let mut v = Advisory::default();
                p.obj(&mut |p, k| {
                    match k {
                        $(stringify!($afield) => field(p, &mut v.$afield)?,)*
                        _ => p.skip()?,
                    }
                    Ok(())
                })?;
                Ok(v)
            }
        }

        /// One finding as read: plain fields, and the shared parts as indexes.
        #[derive(Default)]
        pub(super) struct ReadOccurrence {
            pub(super) advisory: u32,
            $(pub(super) $ofield: $oty,)*
            pub(super) idx: SharedIdx,
        }

        impl Dec for ReadOccurrence {
            fn dec(p: &mut P<'_>) -> R<Self> {
                let mut v = ReadOccurrence::default();
                p.obj(&mut |p, k| {
                    match k {
                        "a" => field(p, &mut v.advisory)?,
                        $($okey => field(p, &mut v.$ofield)?,)*
                        $($skey => field(p, &mut v.idx.$sfield)?,)*
                        _ => p.skip()?,
                    }
                    Ok(())
                })?;
                Ok(v)
            }
        }

        /// The shared tables as read.
        #[derive(Default)]
        pub(super) struct ReadTables {
            $(pub(super) $table: Vec<<$sty as Shared>::Stored>,)*
        }

        impl ReadTables {
            /// Reads the table under `key`; false when `key` is not a table.
            pub(super) fn read(&mut self, p: &mut P<'_>, key: &str) -> R<bool> {
                match key {
                    $(stringify!($table) => field(p, &mut self.$table)?,)*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            /// Finding `n` with its shared parts looked up; an index out of range is an error
            /// naming it.
            pub(super) fn resolve(&self, n: usize, r: ReadOccurrence) -> R<Occurrence> {
                Ok(Occurrence {
                    advisory: r.advisory,
                    $($ofield: r.$ofield,)*
                    $($sfield: {
                        let stored = match r.idx.$sfield {
                            None => None,
                            Some(i) => Some(self.$table.get(i as usize).ok_or_else(|| {
                                format!(
                                    "finding {n} refers to {} {i} of {}",
                                    stringify!($table),
                                    self.$table.len()
                                )
                            })?),
                        };
                        <$sty as Shared>::from_stored(stored)
                    },)*
                })
            }
        }
    };
}

schema! {
    advisory {
        aliases: Vec<String>,
        title: String,
        description: Arc<str>,
        severity_source: Option<String>,
        vendor_severity: KeyMap<Severity>,
        cvss: KeyMap<Cvss>,
        cwe_ids: Vec<String>,
        primary_url: Option<String>,
        references: Arc<[String]>,
        published_date: Option<String>,
        last_modified_date: Option<String>,
        data_source: Option<Arc<DataSource>>,
    }
    occurrence {
        always "k" kind: Kind,
        always "id" id: String,
        always "s" severity: Severity,
        always "r" artifact: u32,
        plain "class" class: String,
        plain "type" target_type: String,
        plain "status" status: Option<String>,
        plain "license" license: Option<LicenseDetail>,
        plain "suppressed" suppressed: Option<Suppression>,
        plain "excluded" excluded: Option<Exclusion>,
        // The feeds are keyed by the finding's ID, which is the occurrence's: in the advisory,
        // where IDs sharing one text are stored once, a score per CVE would store that text once
        // per CVE (100,000 findings with EPSS: a 16.7 MB page instead of 2.1 MB).
        plain "kev" kev: Feed<Kev>,
        plain "epss" epss: Feed<Epss>,
    }
    shared {
        "t" target: String => targets,
        "p" package: Option<Arc<Package>> => packages,
        "l" layer: Option<Arc<Layer>> => layers,
        "f" fingerprint: Option<String> => fingerprints,
        "m" misconfiguration: Option<Arc<MisconfDetail>> => misconfigurations,
        "x" secret: Option<Arc<SecretDetail>> => secrets,
    }
}
