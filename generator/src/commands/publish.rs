//! `scanlens publish --s3 s3://bucket/prefix DIR... [--site SITE]`: uploads report folders (and a
//! site) to S3, each file with the Content-Type a browser or Athena expects.

use crate::cli::PublishArgs;
use crate::s3::{self, Client, S3Url};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Parallel uploads: S3 latency, not bandwidth, bounds a site of thousands of small files.
const JOBS: usize = 8;

pub fn run(args: PublishArgs) -> anyhow::Result<u8> {
    let dest = S3Url::parse(&args.s3)?;
    if args.dirs.is_empty() && args.site.is_none() {
        bail!("nothing to publish; name report folders (scanlens publish --s3 URL out/app-latest) or --site SITE");
    }
    // Everything is listed before anything is uploaded, so a typo fails without a partial upload.
    let files = plan(&dest, &args.dirs, args.site.as_deref())?;
    let env = |k: &str| std::env::var(k).ok();
    let client = Client::new(s3::settings(&env)?);
    let started = Instant::now();
    let bytes = upload(&client, &dest, &files)?;
    eprintln!(
        "scanlens: published {} files ({:.1} MB) to s3://{}/{} in {:.1}s",
        files.len(),
        bytes as f64 / 1e6,
        dest.bucket,
        dest.prefix,
        started.elapsed().as_secs_f64()
    );
    Ok(crate::exit::OK)
}

/// One file to upload: where it is and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub path: PathBuf,
    pub key: String,
}

/// Report folder `D` goes to `prefix/<name of D>/...`; the site to `prefix/site/...`.
pub fn plan(dest: &S3Url, dirs: &[PathBuf], site: Option<&Path>) -> anyhow::Result<Vec<Upload>> {
    let mut out = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    let mut add = |dir: &Path, name: String| -> anyhow::Result<()> {
        if !names.insert(name.clone()) {
            bail!(
                "two folders would upload to the same place ({}/{name}); publish them under different prefixes",
                dest.prefix
            );
        }
        let mut files = Vec::new();
        walk(dir, &mut files)
            .with_context(|| format!("cannot read {}; check the path", dir.display()))?;
        files.sort();
        for f in files {
            let rel = f.strip_prefix(dir).expect("walk stays inside dir");
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(Upload {
                key: dest.key(&format!("{name}/{}", rel.join("/"))),
                path: f,
            });
        }
        Ok(())
    };
    for dir in dirs {
        if !dir.is_dir() {
            bail!(
                "{} is not a folder; pass the report folders that `scanlens scan --out` or `render --out` wrote",
                dir.display()
            );
        }
        let name = std::fs::canonicalize(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .with_context(|| format!("{} has no folder name to use as its key", dir.display()))?;
        add(dir, name)?;
    }
    if let Some(site) = site {
        if !site.is_dir() {
            bail!(
                "--site {} is not a folder; build it first with `scanlens site --out {}`",
                site.display(),
                site.display()
            );
        }
        add(site, "site".into())?;
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = std::fs::metadata(&path)?.file_type();
        if ty.is_dir() {
            walk(&path, out)?;
        } else if ty.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Uploads on [`JOBS`] threads; the first error stops the others from starting new files.
fn upload(client: &Client, dest: &S3Url, files: &[Upload]) -> anyhow::Result<u64> {
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let bytes = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..JOBS.min(files.len()) {
            s.spawn(|| loop {
                if failed.lock().expect("not poisoned").is_some() {
                    return;
                }
                let Some(f) = files.get(next.fetch_add(1, Ordering::SeqCst)) else {
                    return;
                };
                let result = std::fs::read(&f.path)
                    .with_context(|| format!("cannot read {}", f.path.display()))
                    .and_then(|body| {
                        let name = f.key.rsplit('/').next().unwrap_or(&f.key);
                        client.put(&dest.bucket, &f.key, &body, s3::content_type(name))?;
                        bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                        Ok(())
                    });
                if let Err(e) = result {
                    failed.lock().expect("not poisoned").get_or_insert(e);
                    return;
                }
            });
        }
    });
    match failed.into_inner().expect("not poisoned") {
        Some(e) => Err(e),
        None => Ok(bytes.into_inner()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_folder_names() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("app-latest");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::write(a.join("report.json"), "{}").unwrap();
        std::fs::write(a.join("index.html"), "<p>").unwrap();
        let site = tmp.path().join("public");
        std::fs::create_dir_all(site.join("data")).unwrap();
        std::fs::write(site.join("index.html"), "").unwrap();
        std::fs::write(site.join("data/index.json"), "").unwrap();
        let dest = S3Url::parse("s3://bucket/scans/abc").unwrap();
        let keys: Vec<String> = plan(&dest, &[a.join(".")], Some(&site))
            .unwrap()
            .into_iter()
            .map(|u| u.key)
            .collect();
        assert_eq!(
            keys,
            [
                "scans/abc/app-latest/index.html",
                "scans/abc/app-latest/report.json",
                "scans/abc/site/data/index.json",
                "scans/abc/site/index.html",
            ]
        );
        let e = plan(&dest, &[a.clone(), a.clone()], None).unwrap_err();
        assert!(e.to_string().contains("same place"), "{e}");
        let e = plan(&dest, &[tmp.path().join("missing")], None).unwrap_err();
        assert!(e.to_string().contains("not a folder"), "{e}");
    }
}
