//! `scanlens site --out SITE [--from s3://bucket/prefix | --from https://deployed.site/]
//! REPORT_DIR...`: add reports to the static dashboard, and with `--from`, the scans `publish` put
//! in a bucket or those of the deployed dashboard (its history, without a cache).

use crate::cli::SiteArgs;
use crate::s3::{self, site_from, Client, S3Url};
use anyhow::Context;

pub fn run(args: SiteArgs) -> anyhow::Result<u8> {
    let mut reports = args.reports.clone();
    // Removed when done, and on a signal; kept beside the site, hidden.
    let mut _scratch = None;
    if let Some(url) = &args.from {
        let have = crate::site::load_index(&args.out)?;
        let scratch = scratch_beside(&args.out)?;
        if crate::site::restore::is_web(url) {
            reports.extend(crate::site::restore::download(
                url,
                &have,
                scratch.path(),
                args.timeouts.get(),
            )?);
        } else {
            let dest = S3Url::parse(url)?;
            let env = |k: &str| std::env::var(k).ok();
            let client = Client::new(s3::settings(&env)?, args.timeouts.get());
            let got = site_from::download(&client, &dest, &have, scratch.path())?;
            if let Some(notice) = s3::site_index::ignored_notice(&dest, &got.ignored) {
                eprintln!("{notice}");
            }
            if let Some(first) = got.missing.first() {
                eprintln!(
                    "scanlens: {} scans listed in s3://{}/{} have no report.json in the bucket, such as {first}; publish them again",
                    got.missing.len(),
                    dest.bucket,
                    dest.prefix
                );
            }
            reports.extend(got.folders);
        }
        _scratch = Some(scratch);
    }
    let added = crate::site::add_reports(&args.out, &reports, &args.title)?;
    eprintln!(
        "scanlens: added {added} scan(s) to {}; open {}",
        args.out.display(),
        args.out.join("index.html").display()
    );
    Ok(crate::exit::OK)
}

/// A hidden folder beside the site for what is downloaded, removed when done and on a signal.
fn scratch_beside(out: &std::path::Path) -> anyhow::Result<crate::cleanup::TempDir> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}; check permissions", parent.display()))?;
    let name = out
        .file_name()
        .map_or("site".into(), |n| n.to_string_lossy().into_owned());
    let scratch = crate::cleanup::TempDir::register(
        parent.join(format!(".{name}.scanlens-new-{}-from", std::process::id())),
    );
    let _ = std::fs::remove_dir_all(scratch.path());
    std::fs::create_dir(scratch.path())
        .with_context(|| format!("cannot create {}", scratch.path().display()))?;
    Ok(scratch)
}
