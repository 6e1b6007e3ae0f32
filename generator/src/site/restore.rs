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
use crate::s3::timeouts::{self, Timeouts};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// One download after another from the deployed site: each must connect within
/// `--connect-timeout` and never stall for `--timeout`, and all of them end within
/// `--total-timeout`. A file's size is not known before, so no per-file limit would fit a large
/// report.json on a slow link; a site that drips its answers a byte at a time is stopped by the
/// total.
struct Fetcher {
    agent: ureq::Agent,
    timeouts: Timeouts,
    deadline: Instant,
}

impl Fetcher {
    fn new(timeouts: Timeouts) -> Fetcher {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(timeouts.connect))
            .timeout_per_read(Some(timeouts.request))
            .build()
            .into();
        Fetcher {
            agent,
            timeouts,
            deadline: Instant::now() + timeouts.total,
        }
    }

    /// `Some(body)`, or `None` for 404.
    fn get(&self, url: &str, limit: u64) -> anyhow::Result<Option<Vec<u8>>> {
        let total = || {
            anyhow::anyhow!(
                "downloading from the deployed site did not finish within {}; raise --total-timeout (SCANLENS_S3_TOTAL_TIMEOUT)",
                timeouts::human(self.timeouts.total)
            )
        };
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(total());
        }
        let timed_out = |e: &ureq::Error| matches!(e, ureq::Error::Timeout(_));
        let explain = |e: ureq::Error| {
            match e {
            _ if !timed_out(&e) => anyhow::Error::new(e)
                .context(format!("cannot fetch {url}; check the URL and the network")),
            _ if Instant::now() >= self.deadline => total(),
            ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => anyhow::anyhow!(
                "could not connect to {url} within {}; check the URL and the network, or raise --connect-timeout (SCANLENS_S3_CONNECT_TIMEOUT)",
                timeouts::human(self.timeouts.connect)
            ),
            _ => anyhow::anyhow!(
                "{url} did not answer within {}; check the URL and the network, or raise --timeout (SCANLENS_S3_TIMEOUT)",
                timeouts::human(self.timeouts.request)
            ),
        }
        };
        let mut resp = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(left))
            .build()
            .call()
            .map_err(explain)?;
        match resp.status().as_u16() {
            200 => Ok(Some(
                resp.body_mut()
                    .with_config()
                    .limit(limit)
                    .read_to_vec()
                    .map_err(|e| match timed_out(&e) {
                        true => explain(e),
                        false => anyhow::Error::new(e)
                            .context(format!("cannot read {url} (at most {limit} bytes)")),
                    })?,
            )),
            404 => Ok(None),
            s => bail!("{url} answered HTTP {s}; check that --from is the deployed site's address"),
        }
    }
}

/// Downloads into `into` the report folders of the scans the deployed site lists and `have`
/// lacks; returns them. A site not deployed yet (no data/site.json) gives none.
pub fn download(
    from: &str,
    have: &SiteIndex,
    into: &Path,
    timeouts: Timeouts,
) -> anyhow::Result<Vec<PathBuf>> {
    let base = base(from)?;
    let fetch = Fetcher::new(timeouts);
    let index_url = format!("{base}/{}", index::INDEX_PATH.join("/"));
    let Some(bytes) = fetch.get(&index_url, INDEX_LIMIT)? else {
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
                if let Some(body) = fetch.get(&url, FILE_LIMIT)? {
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
