//! What to fix first, as the report holds it: exploitability from CISA's Known Exploited
//! Vulnerabilities catalog and FIRST's EPSS, the fix plan, and which image layers findings come
//! from. The types only; `remediation.rs` makes the plan and `feeds.rs` reads the feeds.

use crate::report::SeverityCounts;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// What an optional feed says of a finding: nothing when the feed was not given (the field is
/// left out, so a report made without feeds is unchanged), `null` when it was given and does not
/// list the finding, or its entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Feed<T> {
    #[default]
    NotGiven,
    Unlisted,
    Listed(T),
}

impl<T> Feed<T> {
    pub fn not_given(&self) -> bool {
        matches!(self, Feed::NotGiven)
    }

    pub fn listed(&self) -> Option<&T> {
        match self {
            Feed::Listed(t) => Some(t),
            _ => None,
        }
    }
}

impl<T: Serialize> Serialize for Feed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Feed::Listed(t) => t.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Feed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A present key: `null` or an entry. (An absent key is `#[serde(default)]`.)
        Ok(match Option::<T>::deserialize(d)? {
            Some(t) => Feed::Listed(t),
            None => Feed::Unlisted,
        })
    }
}

#[cfg(feature = "schema")]
impl<T: JsonSchema> JsonSchema for Feed<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Feed_{}", T::schema_name()).into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Option<T>>::json_schema(g)
    }
}

/// A CVE's entry in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Kev {
    /// When CISA added it (`YYYY-MM-DD`).
    pub date_added: String,
    /// When US federal agencies must have acted (`YYYY-MM-DD`).
    pub due_date: String,
    /// Known to be used in ransomware campaigns.
    pub ransomware: bool,
    /// CISA's name for the vulnerability.
    pub name: String,
    /// What CISA says to do.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub required_action: String,
}

/// A CVE's EPSS score: the probability of exploitation activity in the next 30 days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Epss {
    /// 0 to 1.
    pub score: f64,
    /// 0 to 1: the share of scored CVEs with a lower score.
    pub percentile: f64,
    /// The day the score is for (`YYYY-MM-DD`).
    pub date: String,
}

/// Which feeds the report was enriched with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Feeds {
    /// The KEV catalog's version (`2025.08.25`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<String>,
    /// The EPSS file's model version and score date (`v2025.03.14 2026-11-30`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<String>,
}

/// One step of the fix plan: upgrade one package in one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Remediation {
    pub target: String,
    pub package: String,
    /// The installed version.
    pub installed: String,
    /// Trivy's result type (`debian`, `npm`, `jar`, …), which decides the version order.
    #[serde(rename = "type")]
    pub target_type: String,
    /// The version to upgrade to; `null` when the ecosystem's version order is not known (see
    /// `note`).
    pub upgrade_to: Option<String>,
    /// The vulnerabilities the upgrade fixes.
    pub fixes: Vec<String>,
    /// `fixes` by severity.
    pub counts: SeverityCounts,
    /// The package's vulnerabilities no listed version fixes yet.
    pub unfixable: Vec<String>,
    pub note: Option<String>,
}

/// Where an image layer came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum LayerOrigin {
    /// The base image (`FROM`): fixed by a newer base image.
    Base,
    /// The image's own Dockerfile: fixed in the Dockerfile.
    Own,
    /// Not known (no base image was given).
    #[default]
    Unknown,
}

/// One layer of an image, with how many counted findings it brings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct ImageLayer {
    pub diff_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    pub findings: u64,
    pub origin: LayerOrigin,
}
