//! `data/site.json`: every image and every scan added so far.

use anyhow::{bail, Context};
use scanlens_model::SeverityCounts;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const SITE_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SiteIndex {
    pub version: u32,
    pub images: Vec<ImageEntry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ImageEntry {
    /// The image's repository, without tag or digest: scans of every tag share a history.
    pub name: String,
    /// The folder under `images/`.
    pub slug: String,
    /// Oldest first.
    pub scans: Vec<ScanEntry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ScanEntry {
    /// The folder under `images/<slug>/`: scan time and a digest of the report.
    pub id: String,
    pub reference: String,
    pub scanned_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Counted findings of every kind, per severity.
    pub counts: SeverityCounts,
    pub fixable: u64,
    /// IDs and package names of the findings, for the index page's search.
    #[serde(default)]
    pub terms: Vec<String>,
}

pub fn load_index(site: &Path) -> anyhow::Result<SiteIndex> {
    let path = site.join("data/site.json");
    if !path.exists() {
        return Ok(SiteIndex {
            version: SITE_VERSION,
            images: Vec::new(),
        });
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let index: SiteIndex = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is damaged; restore it from the previous deployment or start a new site folder",
            path.display()
        )
    })?;
    if index.version > SITE_VERSION {
        bail!(
            "{} was written by a newer scanlens (site version {}); upgrade scanlens",
            path.display(),
            index.version
        );
    }
    Ok(index)
}
