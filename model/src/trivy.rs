//! Trivy's raw JSON, as Trivy writes it (`--format json`, schema 2, and the legacy schema-1 array).
//!
//! These types are deliberately tolerant: every field defaults, unknown fields are ignored, and
//! numbers that Trivy has emitted in more than one shape over the years are accepted in each.
//! Trivy adds fields often; a stricter parser would break on every Trivy release.

use serde::{Deserialize, Deserializer};

pub mod fold;

/// Reads a piece of Trivy's JSON into `T` as Trivy's Go reads it: keys matched to fields with
/// case folding ([`fold`]), then nothing but whitespace after it.
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> serde_json::Result<T> {
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(fold::Fold(&mut d))?;
    d.end()?;
    Ok(value)
}

/// [`from_slice`] for a value already read (a suppressed finding's `Finding`).
pub fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> serde_json::Result<T> {
    T::deserialize(fold::Fold(v))
}

/// The top level of any JSON Trivy writes with `--format json`: an image/fs/repo/config report
/// (schema 2), or the `trivy k8s` shape. Both are read in one typed pass; [`crate::parse`]
/// decides which one it was from the fields present.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TopLevel {
    #[serde(rename = "SchemaVersion")]
    pub schema_version: Option<i64>,
    #[serde(rename = "Trivy")]
    pub trivy: Option<TrivyInfo>,
    #[serde(rename = "ReportID")]
    pub report_id: Option<String>,
    #[serde(rename = "CreatedAt")]
    pub created_at: Option<String>,
    #[serde(rename = "ArtifactID")]
    pub artifact_id: Option<String>,
    #[serde(rename = "ArtifactName")]
    pub artifact_name: Option<String>,
    #[serde(rename = "ArtifactType")]
    pub artifact_type: Option<String>,
    #[serde(rename = "Metadata", deserialize_with = "null_as_default")]
    pub metadata: Metadata,
    #[serde(rename = "Results", deserialize_with = "null_as_default")]
    pub results: Option<Vec<TrivyResult>>,
    // `trivy k8s --format json` writes these instead.
    #[serde(rename = "ClusterName")]
    pub cluster_name: Option<String>,
    #[serde(rename = "Resources", deserialize_with = "null_as_default")]
    pub resources: Option<Vec<K8sResource>>,
    /// Older `trivy k8s` releases list resources twice, by what was found in them.
    #[serde(rename = "Vulnerabilities", deserialize_with = "null_as_default")]
    pub k8s_vulnerabilities: Option<Vec<K8sResource>>,
    #[serde(rename = "Misconfigurations", deserialize_with = "null_as_default")]
    pub k8s_misconfigurations: Option<Vec<K8sResource>>,
    /// `trivy k8s --report summary`: the resources, each with all its results.
    #[serde(rename = "Findings", deserialize_with = "null_as_default")]
    pub k8s_findings: Option<Vec<K8sResource>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TrivyInfo {
    #[serde(rename = "Version", deserialize_with = "null_as_default")]
    pub version: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct K8sResource {
    #[serde(rename = "Namespace", deserialize_with = "null_as_default")]
    pub namespace: String,
    #[serde(rename = "Kind", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(rename = "Name", deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "Results", deserialize_with = "null_as_default")]
    pub results: Vec<TrivyResult>,
    #[serde(rename = "Error", deserialize_with = "null_as_default")]
    pub error: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Metadata {
    #[serde(rename = "Size")]
    pub size: Option<u64>,
    #[serde(rename = "OS")]
    pub os: Option<Os>,
    #[serde(rename = "ImageID")]
    pub image_id: Option<String>,
    #[serde(rename = "DiffIDs", deserialize_with = "null_as_default")]
    pub diff_ids: Vec<String>,
    #[serde(rename = "RepoTags", deserialize_with = "null_as_default")]
    pub repo_tags: Vec<String>,
    #[serde(rename = "RepoDigests", deserialize_with = "null_as_default")]
    pub repo_digests: Vec<String>,
    #[serde(rename = "Reference")]
    pub reference: Option<String>,
    #[serde(rename = "ImageConfig", deserialize_with = "null_as_default")]
    pub image_config: ImageConfig,
    #[serde(rename = "RepoURL")]
    pub repo_url: Option<String>,
    #[serde(rename = "Branch")]
    pub branch: Option<String>,
    #[serde(rename = "Commit")]
    pub commit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Os {
    #[serde(rename = "Family", deserialize_with = "null_as_default")]
    pub family: String,
    #[serde(rename = "Name", deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "EOSL", deserialize_with = "null_as_default")]
    pub eosl: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImageConfig {
    pub architecture: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub history: Vec<History>,
    #[serde(deserialize_with = "null_as_default")]
    pub rootfs: RootFs,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct History {
    pub created_by: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub empty_layer: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RootFs {
    #[serde(deserialize_with = "null_as_default")]
    pub diff_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TrivyResult {
    #[serde(rename = "Target", deserialize_with = "null_as_default")]
    pub target: String,
    #[serde(rename = "Class", deserialize_with = "null_as_default")]
    pub class: String,
    #[serde(rename = "Type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(rename = "Packages", deserialize_with = "null_as_default")]
    pub packages: Vec<Package>,
    #[serde(rename = "Vulnerabilities", deserialize_with = "null_as_default")]
    pub vulnerabilities: Vec<Vulnerability>,
    #[serde(rename = "Misconfigurations", deserialize_with = "null_as_default")]
    pub misconfigurations: Vec<Misconfiguration>,
    #[serde(rename = "Secrets", deserialize_with = "null_as_default")]
    pub secrets: Vec<Secret>,
    #[serde(rename = "Licenses", deserialize_with = "null_as_default")]
    pub licenses: Vec<License>,
    #[serde(
        rename = "ExperimentalModifiedFindings",
        deserialize_with = "null_as_default"
    )]
    pub modified_findings: Vec<ModifiedFinding>,
}

impl TopLevel {
    /// Written by `trivy k8s` (either layout) rather than by an image/fs/config scan.
    pub fn is_k8s(&self) -> bool {
        self.cluster_name.is_some()
            || self.resources.is_some()
            || self.k8s_vulnerabilities.is_some()
            || self.k8s_misconfigurations.is_some()
    }

    /// Every resource of a `trivy k8s` report, each once: the older layout's two lists (and the
    /// summary's one) are merged by namespace, kind and name, in the order they first appear.
    pub fn take_k8s_resources(&mut self) -> Vec<K8sResource> {
        let mut out: Vec<K8sResource> = self.resources.take().unwrap_or_default();
        let older = [
            self.k8s_findings.take(),
            self.k8s_vulnerabilities.take(),
            self.k8s_misconfigurations.take(),
        ];
        let mut at: std::collections::HashMap<(String, String, String), usize> = out
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.namespace.clone(), r.kind.clone(), r.name.clone()), i))
            .collect();
        for res in older.into_iter().flatten().flatten() {
            let key = (res.namespace.clone(), res.kind.clone(), res.name.clone());
            match at.get(&key) {
                Some(&i) => {
                    let r = &mut out[i];
                    r.results.extend(res.results);
                    if r.error.is_empty() {
                        r.error = res.error;
                    }
                }
                None => {
                    at.insert(key, out.len());
                    out.push(res);
                }
            }
        }
        out
    }
}

impl TrivyResult {
    /// How many findings of any kind it lists.
    pub fn findings_len(&self) -> usize {
        self.vulnerabilities.len()
            + self.misconfigurations.len()
            + self.secrets.len()
            + self.licenses.len()
            + self.modified_findings.len()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Layer {
    #[serde(rename = "Digest")]
    pub digest: Option<String>,
    #[serde(rename = "DiffID")]
    pub diff_id: Option<String>,
    #[serde(rename = "CreatedBy")]
    pub created_by: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PkgIdentifier {
    #[serde(rename = "PURL")]
    pub purl: Option<String>,
    #[serde(rename = "UID")]
    pub uid: Option<String>,
    #[serde(rename = "BOMRef")]
    pub bom_ref: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DataSource {
    #[serde(rename = "ID", deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(rename = "Name", deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "URL", deserialize_with = "null_as_default")]
    pub url: String,
}

/// One CVSS entry, keyed by source (`nvd`, `redhat`, `ghsa`, ...) in [`Vulnerability::cvss`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Cvss {
    #[serde(rename = "V2Vector")]
    pub v2_vector: Option<String>,
    #[serde(rename = "V3Vector")]
    pub v3_vector: Option<String>,
    #[serde(rename = "V40Vector")]
    pub v40_vector: Option<String>,
    #[serde(rename = "V2Score", deserialize_with = "lenient_f64")]
    pub v2_score: Option<f64>,
    #[serde(rename = "V3Score", deserialize_with = "lenient_f64")]
    pub v3_score: Option<f64>,
    #[serde(rename = "V40Score", deserialize_with = "lenient_f64")]
    pub v40_score: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Vulnerability {
    #[serde(rename = "VulnerabilityID", deserialize_with = "null_as_default")]
    pub vulnerability_id: String,
    #[serde(rename = "VendorIDs", deserialize_with = "null_as_default")]
    pub vendor_ids: Vec<String>,
    #[serde(rename = "PkgID")]
    pub pkg_id: Option<String>,
    #[serde(rename = "PkgName", deserialize_with = "null_as_default")]
    pub pkg_name: String,
    #[serde(rename = "PkgPath")]
    pub pkg_path: Option<String>,
    #[serde(rename = "PkgIdentifier", deserialize_with = "null_as_default")]
    pub pkg_identifier: PkgIdentifier,
    #[serde(rename = "InstalledVersion", deserialize_with = "null_as_default")]
    pub installed_version: String,
    #[serde(rename = "FixedVersion", deserialize_with = "null_as_default")]
    pub fixed_version: String,
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "Layer")]
    pub layer: Option<Layer>,
    #[serde(rename = "SeveritySource")]
    pub severity_source: Option<String>,
    #[serde(rename = "PrimaryURL")]
    pub primary_url: Option<String>,
    #[serde(rename = "DataSource")]
    pub data_source: Option<DataSource>,
    #[serde(rename = "Fingerprint")]
    pub fingerprint: Option<String>,
    #[serde(rename = "Title", deserialize_with = "null_as_default")]
    pub title: String,
    #[serde(rename = "Description", deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(rename = "Severity", deserialize_with = "null_as_default")]
    pub severity: String,
    #[serde(rename = "CweIDs", deserialize_with = "null_as_default")]
    pub cwe_ids: Vec<String>,
    /// Integers 0-4 in Trivy's JSON; strings are accepted too.
    #[serde(rename = "VendorSeverity", deserialize_with = "map_as_pairs")]
    pub vendor_severity: Vec<(String, VendorSeverity)>,
    #[serde(rename = "CVSS", deserialize_with = "map_as_pairs")]
    pub cvss: Vec<(String, Cvss)>,
    #[serde(rename = "References", deserialize_with = "null_as_default")]
    pub references: Vec<String>,
    #[serde(rename = "PublishedDate")]
    pub published_date: Option<String>,
    #[serde(rename = "LastModifiedDate")]
    pub last_modified_date: Option<String>,
}

/// A vendor's severity: Trivy writes an integer (0 unknown .. 4 critical).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct VendorSeverity(pub crate::Severity);

impl<'de> Deserialize<'de> for VendorSeverity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = VendorSeverity;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a severity (0-4 or a name)")
            }
            fn visit_u64<E>(self, n: u64) -> Result<VendorSeverity, E> {
                Ok(VendorSeverity(match n {
                    4 => crate::Severity::Critical,
                    3 => crate::Severity::High,
                    2 => crate::Severity::Medium,
                    1 => crate::Severity::Low,
                    _ => crate::Severity::Unknown,
                }))
            }
            fn visit_i64<E>(self, _: i64) -> Result<VendorSeverity, E> {
                Ok(VendorSeverity(crate::Severity::Unknown))
            }
            fn visit_f64<E>(self, _: f64) -> Result<VendorSeverity, E> {
                Ok(VendorSeverity(crate::Severity::Unknown))
            }
            fn visit_str<E>(self, s: &str) -> Result<VendorSeverity, E> {
                Ok(VendorSeverity(crate::Severity::parse(s)))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Misconfiguration {
    #[serde(rename = "Type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(rename = "ID", deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(rename = "AVDID")]
    pub avd_id: Option<String>,
    #[serde(rename = "Title", deserialize_with = "null_as_default")]
    pub title: String,
    #[serde(rename = "Description", deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(rename = "Message", deserialize_with = "null_as_default")]
    pub message: String,
    #[serde(rename = "Namespace")]
    pub namespace: Option<String>,
    #[serde(rename = "Query")]
    pub query: Option<String>,
    #[serde(rename = "Resolution", deserialize_with = "null_as_default")]
    pub resolution: String,
    #[serde(rename = "Severity", deserialize_with = "null_as_default")]
    pub severity: String,
    #[serde(rename = "PrimaryURL")]
    pub primary_url: Option<String>,
    #[serde(rename = "References", deserialize_with = "null_as_default")]
    pub references: Vec<String>,
    #[serde(rename = "Status", deserialize_with = "null_as_default")]
    pub status: String,
    #[serde(rename = "Layer")]
    pub layer: Option<Layer>,
    #[serde(rename = "CauseMetadata", deserialize_with = "null_as_default")]
    pub cause_metadata: CauseMetadata,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CauseMetadata {
    #[serde(rename = "Resource")]
    pub resource: Option<String>,
    #[serde(rename = "Provider")]
    pub provider: Option<String>,
    #[serde(rename = "Service")]
    pub service: Option<String>,
    #[serde(rename = "StartLine")]
    pub start_line: Option<u64>,
    #[serde(rename = "EndLine")]
    pub end_line: Option<u64>,
    #[serde(rename = "Code", deserialize_with = "null_as_default")]
    pub code: Code,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Code {
    #[serde(rename = "Lines", deserialize_with = "null_as_default")]
    pub lines: Vec<Line>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Line {
    #[serde(rename = "Number", deserialize_with = "null_as_default")]
    pub number: u64,
    #[serde(rename = "Content", deserialize_with = "null_as_default")]
    pub content: String,
    #[serde(rename = "IsCause", deserialize_with = "null_as_default")]
    pub is_cause: bool,
    #[serde(rename = "Truncated", deserialize_with = "null_as_default")]
    pub truncated: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Secret {
    #[serde(rename = "RuleID", deserialize_with = "null_as_default")]
    pub rule_id: String,
    #[serde(rename = "Category", deserialize_with = "null_as_default")]
    pub category: String,
    #[serde(rename = "Severity", deserialize_with = "null_as_default")]
    pub severity: String,
    #[serde(rename = "Title", deserialize_with = "null_as_default")]
    pub title: String,
    #[serde(rename = "StartLine")]
    pub start_line: Option<u64>,
    #[serde(rename = "EndLine")]
    pub end_line: Option<u64>,
    #[serde(rename = "Code", deserialize_with = "null_as_default")]
    pub code: Code,
    #[serde(rename = "Match", deserialize_with = "null_as_default")]
    pub r#match: String,
    #[serde(rename = "Offset")]
    pub offset: Option<u64>,
    #[serde(rename = "Layer")]
    pub layer: Option<Layer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct License {
    #[serde(rename = "Severity", deserialize_with = "null_as_default")]
    pub severity: String,
    #[serde(rename = "Category", deserialize_with = "null_as_default")]
    pub category: String,
    #[serde(rename = "PkgName", deserialize_with = "null_as_default")]
    pub pkg_name: String,
    #[serde(rename = "FilePath", deserialize_with = "null_as_default")]
    pub file_path: String,
    #[serde(rename = "Name", deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(rename = "Text", deserialize_with = "null_as_default")]
    pub text: String,
    #[serde(rename = "Confidence", deserialize_with = "lenient_f64")]
    pub confidence: Option<f64>,
    #[serde(rename = "Link", deserialize_with = "null_as_default")]
    pub link: String,
}

/// `ExperimentalModifiedFindings`: findings that a VEX statement or an ignore rule suppressed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ModifiedFinding {
    #[serde(rename = "Type", deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(rename = "Status", deserialize_with = "null_as_default")]
    pub status: String,
    #[serde(rename = "Statement", deserialize_with = "null_as_default")]
    pub statement: String,
    #[serde(rename = "Source", deserialize_with = "null_as_default")]
    pub source: String,
    #[serde(rename = "Finding")]
    pub finding: serde_json::Value,
}

/// What Scanlens reads of a result's `Packages[]` element: where it is listed, and what `trivy
/// convert` copies from it onto a vulnerability written without a package identifier (an older
/// report). Read leniently: the list was only counted before, so an element of another shape
/// (hand-edited, another tool's) is an unlisted package, never a refused report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub locations: Vec<(u64, u64)>,
    /// `ID` and `FilePath`, which `trivy convert` matches against a vulnerability's `PkgID` and
    /// `PkgPath`.
    pub id: String,
    pub file_path: String,
    /// `Identifier.PURL`.
    pub purl: Option<String>,
    /// An object without a non-empty `Identifier.UID`: `trivy convert` copies its identifier
    /// onto the vulnerabilities of the same `PkgID` + `PkgPath` that have no UID either.
    pub unidentified: bool,
}

impl Package {
    /// The places kept per package. Every vulnerability of the package carries them into
    /// `report.json` and the SARIF (where GitHub shows at most 100 locations of a result), so an
    /// unbounded list would multiply: 5,000 places × 5,000 vulnerabilities took 10 GB.
    pub const MAX_PLACES: usize = 100;
}

/// The arms of a lenient visitor for everything but an object: read past, as `$empty`.
macro_rules! anything_else_is {
    ($de:lifetime, $ty:ty, $empty:expr) => {
        fn visit_seq<A: serde::de::SeqAccess<$de>>(self, mut s: A) -> Result<$ty, A::Error> {
            while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
            Ok($empty)
        }
        fn visit_bool<E>(self, _: bool) -> Result<$ty, E> {
            Ok($empty)
        }
        fn visit_i64<E>(self, _: i64) -> Result<$ty, E> {
            Ok($empty)
        }
        fn visit_u64<E>(self, _: u64) -> Result<$ty, E> {
            Ok($empty)
        }
        fn visit_f64<E>(self, _: f64) -> Result<$ty, E> {
            Ok($empty)
        }
        fn visit_str<E>(self, _: &str) -> Result<$ty, E> {
            Ok($empty)
        }
        fn visit_unit<E>(self) -> Result<$ty, E> {
            Ok($empty)
        }
        fn visit_none<E>(self) -> Result<$ty, E> {
            Ok($empty)
        }
    };
}

impl<'de> Deserialize<'de> for Package {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Package;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a package")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Package, A::Error> {
                #[derive(Clone, Copy)]
                enum Key {
                    Name,
                    Version,
                    Locations,
                    Id,
                    FilePath,
                    Identifier,
                    Other,
                }
                const KEYS: [(&str, Key); 6] = [
                    ("Name", Key::Name),
                    ("Version", Key::Version),
                    ("Locations", Key::Locations),
                    ("ID", Key::Id),
                    ("FilePath", Key::FilePath),
                    ("Identifier", Key::Identifier),
                ];
                /// Matched as Go matches keys: exactly, else folded (see [`fold`]).
                struct KeyName(Key);
                impl<'de> Deserialize<'de> for KeyName {
                    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        struct N;
                        impl Visitor<'_> for N {
                            type Value = KeyName;
                            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                                f.write_str("a key")
                            }
                            fn visit_str<E>(self, name: &str) -> Result<KeyName, E> {
                                let exact = KEYS.iter().find(|(n, _)| *n == name);
                                let folded = || KEYS.iter().find(|(n, _)| fold::folds_to(name, n));
                                Ok(KeyName(
                                    exact.or_else(folded).map_or(Key::Other, |&(_, k)| k),
                                ))
                            }
                        }
                        d.deserialize_str(N)
                    }
                }
                let mut p = Package {
                    unidentified: true,
                    ..Package::default()
                };
                while let Some(KeyName(key)) = m.next_key::<KeyName>()? {
                    match key {
                        Key::Other => {
                            m.next_value::<IgnoredAny>()?;
                            continue;
                        }
                        Key::Identifier => {
                            m.next_value_seed(IdentifierOf(&mut p))?;
                            continue;
                        }
                        _ => {}
                    }
                    match (key, m.next_value::<serde_json::Value>()?) {
                        (Key::Name, serde_json::Value::String(n)) => p.name = n,
                        (Key::Version, serde_json::Value::String(n)) => p.version = n,
                        (Key::Id, serde_json::Value::String(n)) => p.id = n,
                        (Key::FilePath, serde_json::Value::String(n)) => p.file_path = n,
                        (Key::Locations, serde_json::Value::Array(ls)) => {
                            #[derive(Deserialize)]
                            struct Place {
                                #[serde(rename = "StartLine")]
                                start: u64,
                                #[serde(rename = "EndLine")]
                                end: u64,
                            }
                            p.locations = ls
                                .into_iter()
                                .filter_map(|l| from_value::<Place>(l).ok())
                                .map(|l| (l.start, l.end))
                                .take(Package::MAX_PLACES)
                                .collect()
                        }
                        _ => {}
                    }
                }
                Ok(p)
            }
            anything_else_is!('de, Package, Package::default());
        }
        d.deserialize_any(V)
    }
}

/// A package's `Identifier`, read as Trivy's `PkgIdentifier.UnmarshalJSON` reads it: its keys in
/// order (folded, see [`fold`]), the last `PURL` and `UID` written counting, `null` none; then a
/// `PURL` replaces the package's only when it is not empty, a `UID` whenever written. A second
/// `Identifier` key is read into the same package. Lenient, as the rest of [`Package`].
struct IdentifierOf<'a>(&'a mut Package);

impl<'de> serde::de::DeserializeSeed<'de> for IdentifierOf<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for IdentifierOf<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a package identifier")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let (mut purl, mut uid) = (None, None);
        while let Some(key) = m.next_key::<std::borrow::Cow<str>>()? {
            let named = |field: &str| key == field || fold::folds_to(&key, field);
            let slot = if named("PURL") {
                &mut purl
            } else if named("UID") {
                &mut uid
            } else {
                m.next_value::<serde::de::IgnoredAny>()?;
                continue;
            };
            if let serde_json::Value::String(v) = m.next_value::<serde_json::Value>()? {
                *slot = Some(v);
            }
        }
        if let Some(purl) = purl.filter(|p| !p.is_empty()) {
            self.0.purl = Some(purl);
        }
        if let Some(uid) = uid {
            self.0.unidentified = uid.is_empty();
        }
        Ok(())
    }
    anything_else_is!('de, (), ());
}

/// Trivy writes `null` for empty lists in some versions; treat it like an absent field.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A JSON object read as key-value pairs. A `BTreeMap` would allocate a node of eleven slots
/// per map, and every vulnerability has two small maps: at 100,000 findings that was a third of
/// the peak memory.
fn map_as_pairs<'de, D, T>(d: D) -> Result<Vec<(String, T)>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = Vec<(String, T)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(m.size_hint().unwrap_or(0));
            while let Some(pair) = m.next_entry()? {
                out.push(pair);
            }
            Ok(out)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

/// Scores are numbers, but hand-edited and converted reports sometimes carry them as strings.
fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number")
        }
        fn visit_f64<E>(self, n: f64) -> Result<Option<f64>, E> {
            Ok(Some(n))
        }
        fn visit_u64<E>(self, n: u64) -> Result<Option<f64>, E> {
            Ok(Some(n as f64))
        }
        fn visit_i64<E>(self, n: i64) -> Result<Option<f64>, E> {
            Ok(Some(n as f64))
        }
        fn visit_str<E>(self, s: &str) -> Result<Option<f64>, E> {
            Ok(s.trim().parse().ok())
        }
        fn visit_none<E>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}
