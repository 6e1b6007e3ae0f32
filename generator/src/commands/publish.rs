//! `scanlens publish --s3 s3://bucket/prefix DIR... [--site SITE]`: uploads report folders (and a
//! site) to S3, each file with the Content-Type a browser or Athena expects. Which files go up is
//! decided in [`crate::publishable`]; how long S3 may take, in [`crate::s3::timeouts`].

use crate::cli::PublishArgs;
use crate::publishable::{self, Kind};
use crate::s3::{self, Client, S3Url, Timeouts};
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
    let plan = plan(&dest, &args.dirs, args.site.as_deref())?;
    let env = |k: &str| std::env::var(k).ok();
    let timeouts = Timeouts {
        connect: args.connect_timeout,
        request: args.timeout,
        total: args.total_timeout,
    };
    let client = Client::new(s3::settings(&env)?, timeouts);
    let started = Instant::now();
    let files = plan.uploads;
    let bytes = upload(&client, &dest, &files)?;
    // Said after the upload, so that a failure stays the one line it is.
    if let Some(first) = plan.skipped.first() {
        eprintln!(
            "scanlens: left out {} hidden, temporary or unknown entries that scanlens does not write, such as {}",
            plan.skipped.len(),
            first.display()
        );
    }
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

#[derive(Debug, Default)]
pub struct Plan {
    pub uploads: Vec<Upload>,
    /// What the folders hold but scanlens did not write (see [`crate::publishable`]).
    pub skipped: Vec<PathBuf>,
}

/// Report folder `D` goes to `prefix/<name of D>/...`; the site to `prefix/site/...`.
pub fn plan(dest: &S3Url, dirs: &[PathBuf], site: Option<&Path>) -> anyhow::Result<Plan> {
    let mut out = Plan::default();
    let mut names = std::collections::BTreeSet::new();
    let mut add = |dir: &Path, name: String, kind: Kind| -> anyhow::Result<()> {
        if !names.insert(name.clone()) {
            bail!(
                "two folders would upload to the same place ({}/{name}); publish them under different prefixes",
                dest.prefix
            );
        }
        let listing = publishable::list(dir, kind)
            .with_context(|| format!("cannot publish {}", dir.display()))?;
        for f in listing.files {
            out.uploads.push(Upload {
                key: dest.key(&format!("{name}/{}", f.rel)),
                path: f.path,
            });
        }
        out.skipped.extend(listing.skipped);
        Ok(())
    };
    for dir in dirs {
        // `is_dir` follows a link: a folder named on the command line is the user's choice.
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
        if let Err(why) = s3::check_segment(&name) {
            bail!(
                "the name of {} {why}, and it would be part of the key; rename the folder",
                dir.display()
            );
        }
        add(dir, name, Kind::Report)?;
    }
    if let Some(site) = site {
        if !site.is_dir() {
            bail!(
                "--site {} is not a folder; build it first with `scanlens site --out {}`",
                site.display(),
                site.display()
            );
        }
        add(site, "site".into(), Kind::Site)?;
    }
    Ok(out)
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
                let result = publishable::read_regular(&f.path)
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
        std::fs::write(site.join("data/site.json"), "").unwrap();
        let dest = S3Url::parse("s3://bucket/scans/abc").unwrap();
        let keys: Vec<String> = plan(&dest, &[a.join(".")], Some(&site))
            .unwrap()
            .uploads
            .into_iter()
            .map(|u| u.key)
            .collect();
        assert_eq!(
            keys,
            [
                "scans/abc/app-latest/index.html",
                "scans/abc/app-latest/report.json",
                "scans/abc/site/data/site.json",
                "scans/abc/site/index.html",
            ]
        );
        let e = plan(&dest, &[a.clone(), a.clone()], None).unwrap_err();
        assert!(e.to_string().contains("same place"), "{e}");
        let e = plan(&dest, &[tmp.path().join("missing")], None).unwrap_err();
        assert!(e.to_string().contains("not a folder"), "{e}");
    }

    /// The unit tests of [`Timeouts`] check its defaults; the command line must use those.
    #[test]
    fn command_line_defaults_are_the_checked_ones() {
        use clap::{CommandFactory, Parser};
        let vars = [
            "SCANLENS_S3_CONNECT_TIMEOUT",
            "SCANLENS_S3_TIMEOUT",
            "SCANLENS_S3_TOTAL_TIMEOUT",
        ];
        if vars.iter().any(|v| std::env::var_os(v).is_some()) {
            eprintln!("SKIPPED: one of {vars:?} is set here");
            return;
        }
        let cli =
            crate::cli::Cli::try_parse_from(["scanlens", "publish", "--s3", "s3://b-1/x"]).unwrap();
        let crate::cli::Command::Publish(a) = cli.command else {
            panic!("not publish")
        };
        let got = Timeouts {
            connect: a.connect_timeout,
            request: a.timeout,
            total: a.total_timeout,
        };
        assert_eq!(got, Timeouts::default());
        let help = crate::cli::Cli::command()
            .find_subcommand_mut("publish")
            .unwrap()
            .render_long_help()
            .to_string();
        let attempts = format!("tried {} times", s3::timeouts::ATTEMPTS);
        assert!(help.contains(&attempts), "{help}");
    }
}
