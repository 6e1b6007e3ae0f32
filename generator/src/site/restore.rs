//! `scanlens site --from https://…`: a dashboard's history restored from where it is deployed
//! (GitHub Pages or any static host), so a CI run needs no cache to keep it: it reads the
//! deployed `data/site.json` and downloads the report folders of the scans the local site lacks.
//!
//! The deployed site is read as untrusted, as a bucket is: its index is checked like a local one
//! (every slug and scan id is one scanlens makes, so URLs and folders built from them stay
//! inside), only the files `render` writes are fetched, each is bounded in size and time, and
//! redirects are not followed. Plain `http://` is taken only for a loopback address.

use super::{index, SiteIndex};
use crate::publishable::REPORT_FILES;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The most one file may hold (a large image's report.json).
const FILE_LIMIT: u64 = 2 << 30;
const INDEX_LIMIT: u64 = 256 << 20;

/// Whether `from` is a deployed site's URL (rather than a bucket).
pub fn is_web(from: &str) -> bool {
    from.starts_with("https://") || from.starts_with("http://")
}

/// The base URL without a trailing slash, refused unless https (or http to a loopback host).
fn base(from: &str) -> anyhow::Result<String> {
    let url = from.trim_end_matches('/');
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("--from {from:?} holds a space or control character; write the deployed site's URL");
    }
    if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', ':']).next().unwrap_or("");
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            bail!("--from {url} is plain http; use the site's https:// URL (anyone on the network path could change plain http)");
        }
    }
    Ok(url.to_string())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_per_read(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// `Some(body)`, or `None` for 404.
fn get(agent: &ureq::Agent, url: &str, limit: u64) -> anyhow::Result<Option<Vec<u8>>> {
    let mut resp = agent
        .get(url)
        .call()
        .with_context(|| format!("cannot fetch {url}; check the URL and the network"))?;
    match resp.status().as_u16() {
        200 => Ok(Some(
            resp.body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .with_context(|| format!("cannot read {url} (at most {limit} bytes)"))?,
        )),
        404 => Ok(None),
        s => bail!("{url} answered HTTP {s}; check that --from is the deployed site's address"),
    }
}

/// Downloads into `into` the report folders of the scans the deployed site lists and `have`
/// lacks; returns them. A site not deployed yet (no data/site.json) gives none.
pub fn download(from: &str, have: &SiteIndex, into: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let base = base(from)?;
    let agent = agent();
    let index_url = format!("{base}/{}", index::INDEX_PATH.join("/"));
    let Some(bytes) = get(&agent, &index_url, INDEX_LIMIT)? else {
        return Ok(Vec::new());
    };
    let deployed = index::parse(index_url.clone().into(), &bytes)?;
    let mut folders = Vec::new();
    for image in &deployed.images {
        for scan in &image.scans {
            if super::records::lists(have, &image.name, scan.id.as_str()) {
                continue;
            }
            let folder = into.join(image.slug.as_str()).join(scan.id.as_str());
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
            let mut has_report = false;
            for name in REPORT_FILES {
                let url = format!(
                    "{base}/images/{}/{}/{name}",
                    image.slug.as_str(),
                    scan.id.as_str()
                );
                if let Some(body) = get(&agent, &url, FILE_LIMIT)? {
                    let path = folder.join(name);
                    std::fs::write(&path, body)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    has_report |= *name == "report.json";
                }
            }
            if has_report {
                folders.push(folder);
            }
        }
    }
    Ok(folders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        assert_eq!(
            base("https://org.github.io/repo/").unwrap(),
            "https://org.github.io/repo"
        );
        assert!(base("http://127.0.0.1:8000/").is_ok());
        assert!(base("http://localhost:8000").is_ok());
        let e = base("http://org.github.io/repo").unwrap_err().to_string();
        assert!(e.contains("use the site's https:// URL"), "{e}");
        assert!(base("https://a b").is_err());
        assert!(is_web("https://x") && !is_web("s3://b/p"));
    }
}
