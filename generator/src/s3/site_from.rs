//! `scanlens site --from s3://BUCKET/PREFIX`: the report folders of the scans a bucket's index
//! lists (with the records it does not list yet), downloaded so that `site` can add them like
//! local ones.
//!
//! Only scans the local site lacks are downloaded, so rebuilding a site kept between runs costs
//! the new scans only. Listings come from the bucket: a file is taken only if its name is one
//! `render` or `scan` writes ([`publishable::REPORT_FILES`]) directly in the scan's folder, so a
//! key can never name a path outside the folder it is downloaded into.

use super::{layout, site_index, Client, S3Url};
use crate::publishable;
use crate::site::{self, SiteIndex};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The most one report file may hold (report.json of a very large image).
const FILE_LIMIT: u64 = 2 << 30;

/// What was downloaded.
pub struct Downloaded {
    /// One report folder per scan, under the folder given.
    pub folders: Vec<PathBuf>,
    /// Scans the index lists whose report.json is not in the bucket.
    pub missing: Vec<String>,
    /// Listed keys that are not records scanlens writes, or records it refused.
    pub ignored: Vec<String>,
}

/// Downloads into `into` the report folders of the scans the bucket lists and `have` lacks.
pub fn download(
    client: &Client,
    dest: &S3Url,
    have: &SiteIndex,
    into: &Path,
) -> anyhow::Result<Downloaded> {
    let merged = site_index::merged(client, dest, &mut site_index::Fetched::new())?;
    let mut out = Downloaded {
        folders: Vec::new(),
        missing: Vec::new(),
        ignored: merged.ignored,
    };
    for image in &merged.index.images {
        let slug = site::slug(&image.name);
        for scan in &image.scans {
            if site::records::lists(have, &image.name, scan.id.as_str()) {
                continue;
            }
            let prefix = layout::report_prefix(dest, &slug, &scan.id);
            let folder = into.join(slug.as_str()).join(scan.id.as_str());
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            let mut has_report = false;
            for key in client.list(&dest.bucket, &prefix)? {
                let Some(name) = layout::report_file_of(&prefix, &key, 1) else {
                    continue;
                };
                if !publishable::REPORT_FILES.contains(&name) {
                    continue;
                }
                let Some(object) = client.get(&dest.bucket, &key, FILE_LIMIT)? else {
                    continue; // Listed, then deleted.
                };
                let path = folder.join(name);
                std::fs::write(&path, &object.body)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                has_report |= name == "report.json";
            }
            if has_report {
                out.folders.push(folder);
            } else {
                out.missing
                    .push(format!("{} {}", image.name, scan.id.as_str()));
            }
        }
    }
    Ok(out)
}
