//! The SARIF 2.1.0 document as serde writes it: the parts of the format Scanlens fills, in
//! the order GitHub documents them. Only `super` builds them.

use scanlens_model::{Epss, Feed, Kev};
use serde::Serialize;
use std::borrow::Cow;

#[derive(Serialize)]
pub(super) struct Log<'a> {
    pub(super) version: &'static str,
    #[serde(rename = "$schema")]
    pub(super) schema: &'static str,
    pub(super) runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Run<'a> {
    pub(super) tool: Tool<'a>,
    pub(super) results: Vec<SarifResult<'a>>,
    pub(super) automation_details: AutomationDetails,
    pub(super) column_kind: &'static str,
    pub(super) original_uri_base_ids: OriginalUriBaseIds,
    pub(super) properties: RunProperties<'a>,
}

#[derive(Serialize)]
pub(super) struct AutomationDetails {
    pub(super) id: String,
}

#[derive(Serialize)]
pub(super) struct OriginalUriBaseIds {
    #[serde(rename = "ROOTPATH")]
    pub(super) rootpath: UriBase,
}

#[derive(Serialize)]
pub(super) struct UriBase {
    pub(super) uri: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RunProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) image_name: Option<&'a str>,
    #[serde(rename = "imageID", skip_serializing_if = "Option::is_none")]
    pub(super) image_id: Option<&'a str>,
    pub(super) repo_tags: &'a [String],
    pub(super) repo_digests: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) trivy_version: Option<&'a str>,
    /// Counted findings not written because of GitHub's result limit.
    pub(super) results_dropped: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) results_limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) descriptions_trimmed_to: Option<usize>,
}

#[derive(Serialize)]
pub(super) struct Tool<'a> {
    pub(super) driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Driver<'a> {
    pub(super) name: &'static str,
    pub(super) full_name: &'static str,
    pub(super) version: &'static str,
    pub(super) information_uri: &'static str,
    pub(super) rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Rule<'a> {
    pub(super) id: Cow<'a, str>,
    pub(super) name: &'static str,
    pub(super) short_description: Text,
    pub(super) full_description: Text,
    pub(super) default_configuration: Config,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) help_uri: Option<&'a str>,
    pub(super) help: Text,
    pub(super) properties: RuleProperties<'a>,
}

#[derive(Serialize)]
pub(super) struct RuleProperties<'a> {
    pub(super) precision: &'static str,
    #[serde(rename = "security-severity")]
    pub(super) security_severity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) cvssv2_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) cvssv2_vector: Option<&'a str>,
    #[serde(rename = "cvssv3_baseScore", skip_serializing_if = "Option::is_none")]
    pub(super) cvssv3_base_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) cvssv3_vector: Option<&'a str>,
    #[serde(rename = "cvssv40_baseScore", skip_serializing_if = "Option::is_none")]
    pub(super) cvssv40_base_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) cvssv40_vector: Option<&'a str>,
    pub(super) tags: Vec<&'static str>,
}

#[derive(Serialize)]
pub(super) struct Config {
    pub(super) level: &'static str,
}

#[derive(Serialize)]
pub(super) struct Text {
    pub(super) text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SarifResult<'a> {
    pub(super) rule_id: Cow<'a, str>,
    pub(super) rule_index: usize,
    pub(super) level: &'static str,
    pub(super) message: Text,
    pub(super) locations: Vec<Location>,
    pub(super) partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) suppressions: Option<[Suppression; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) properties: Option<ResultProperties<'a>>,
}

/// What the feeds say of a result, as report.json says it: the KEV entry or EPSS score, `null`
/// when the feed was given and does not list it, nothing when no feed was given.
#[derive(Serialize)]
pub(super) struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Feed::not_given")]
    pub(super) kev: &'a Feed<Kev>,
    #[serde(skip_serializing_if = "Feed::not_given")]
    pub(super) epss: &'a Feed<Epss>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Location {
    pub(super) physical_location: PhysicalLocation,
    pub(super) message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PhysicalLocation {
    pub(super) artifact_location: ArtifactLocation,
    pub(super) region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ArtifactLocation {
    pub(super) uri: String,
    pub(super) uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Region {
    pub(super) start_line: u64,
    pub(super) start_column: u64,
    pub(super) end_line: u64,
    pub(super) end_column: u64,
}

#[derive(Serialize)]
pub(super) struct Fingerprints {
    #[serde(rename = "scanlens/v1")]
    pub(super) scanlens: String,
}

#[derive(Serialize)]
pub(super) struct Suppression {
    pub(super) kind: &'static str,
    pub(super) justification: String,
}
