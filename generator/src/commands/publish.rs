//! `scanlens publish --s3 s3://bucket/prefix DIR... [--site SITE]`: uploads each scan in the
//! report folders as the layout of [`crate::s3::layout`] says (its findings as a partition of the
//! findings table, gzipped NDJSON or Parquet, its report folder, its dashboard record), then merges the
//! records into the dashboard's index ([`crate::s3::site_index`]), and uploads a site if asked.
//! Which files go up is decided in [`crate::publishable`]; how long S3 may take, in
//! [`crate::s3::timeouts`].

use crate::cli::PublishArgs;
use crate::publishable::{self, Kind};
use crate::s3::layout::TableFormat;
use crate::s3::{self, layout, Client, Condition, S3Error, S3Url};
use crate::site::{self, records::ScanRecord, ScanId};
use anyhow::{bail, Context};
use std::collections::BTreeSet;
use std::io::Write;
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
    // Everything is read before anything is uploaded, so a typo fails without a partial upload.
    let plan = plan(&dest, &args.dirs, args.site.as_deref(), args.table_format)?;
    let env = |k: &str| std::env::var(k).ok();
    let client = Client::new(s3::settings(&env)?, args.timeouts.get());
    let started = Instant::now();
    // Reports and findings first, records after: a record never names a report not yet there.
    let (files, records): (Vec<Upload>, Vec<Upload>) =
        plan.uploads.into_iter().partition(|u| !u.once);
    let mut bytes = upload(&client, &dest, &files)?;
    bytes += upload(&client, &dest, &records)?;
    let index = if records.is_empty() {
        None
    } else {
        Some(s3::site_index::update(&client, &dest)?)
    };
    let rebuilt = if args.update_site {
        Some(update_site(&client, &dest)?)
    } else {
        None
    };
    // Said after the upload, so that a failure stays the one line it is.
    if let Some(first) = plan.skipped.first() {
        eprintln!(
            "scanlens: left out {} hidden, temporary or unknown entries that scanlens does not write, such as {}",
            plan.skipped.len(),
            first.display()
        );
    }
    let mut what = format!(
        "{} files ({:.1} MB)",
        files.len() + records.len(),
        bytes as f64 / 1e6
    );
    if let Some(index) = &index {
        if let Some(notice) = s3::site_index::ignored_notice(&dest, &index.ignored) {
            eprintln!("{notice}");
        }
        what += &format!(
            ", {} scans; the index lists {} scans",
            plan.scans, index.scans
        );
        if index.conflicts > 0 {
            what += &format!(
                " (rebuilt {} times: other publishers wrote it meanwhile)",
                index.conflicts + 1
            );
        }
    }
    if let Some((files, scans)) = rebuilt {
        what += &format!("; the dashboard at site/ ({files} files) shows {scans} scans");
    }
    eprintln!(
        "scanlens: published {what} to s3://{}/{} in {:.1}s",
        dest.bucket,
        dest.prefix,
        started.elapsed().as_secs_f64()
    );
    Ok(crate::exit::OK)
}

/// How many times the dashboard is rebuilt when the index keeps changing under it.
const SITE_ROUNDS: usize = 5;

/// Builds the dashboard from every scan in the bucket and uploads it to `site/`; builds and
/// uploads again if the index changed meanwhile (another publisher), so the last publisher to
/// finish leaves a dashboard of the last index. Returns the files uploaded and the scans shown.
fn update_site(client: &Client, dest: &S3Url) -> anyhow::Result<(usize, usize)> {
    let etag = || -> anyhow::Result<s3::Condition> {
        Ok(s3::site_index::merged(client, dest, &mut Default::default())?.condition)
    };
    for _ in 0..SITE_ROUNDS {
        let before = etag()?;
        let scratch = crate::cleanup::TempDir::register(
            std::env::temp_dir().join(format!("scanlens-{}-site", std::process::id())),
        );
        let _ = std::fs::remove_dir_all(scratch.path());
        let reports = scratch.path().join("reports");
        let site_dir = scratch.path().join("site");
        std::fs::create_dir_all(&reports)
            .with_context(|| format!("cannot create {}", reports.display()))?;
        let got = s3::site_from::download(client, dest, &Default::default(), &reports)?;
        crate::site::add_reports(&site_dir, &got.folders, crate::cli::DEFAULT_SITE_TITLE)?;
        let p = plan(dest, &[], Some(&site_dir), TableFormat::default())?;
        upload(client, dest, &p.uploads)?;
        if etag()? == before {
            return Ok((p.uploads.len(), got.folders.len()));
        }
    }
    bail!(
        "the index at s3://{}/{} kept changing while the dashboard was rebuilt {SITE_ROUNDS} times; run `scanlens publish --update-site` again when the other publishers are done",
        dest.bucket,
        layout::index_key(dest)
    )
}

/// What one object is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A file, read when it is uploaded.
    File(PathBuf),
    /// Made while planning (gzipped findings, a record).
    Bytes(Vec<u8>),
}

/// One object to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub key: String,
    pub body: Body,
    /// Written only if absent (`If-None-Match: *`): an immutable record. One already there is
    /// the same scan published again.
    pub once: bool,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub uploads: Vec<Upload>,
    /// How many scans the report folders hold.
    pub scans: usize,
    /// What the folders hold but scanlens did not write (see [`crate::publishable`]).
    pub skipped: Vec<PathBuf>,
}

/// Each report folder (a folder holding report.json, at any depth under the folders named) is a
/// scan: its files go to `reports/<slug>/<scan id>/`, its findings to the findings table, its
/// record to `site-data/records/`. The site goes to `site/`.
pub fn plan(
    dest: &S3Url,
    dirs: &[PathBuf],
    site: Option<&Path>,
    format: TableFormat,
) -> anyhow::Result<Plan> {
    let mut out = Plan::default();
    let mut seen: BTreeSet<(String, ScanId)> = BTreeSet::new();
    for dir in dirs {
        // `is_dir` follows a link: a folder named on the command line is the user's choice.
        if !dir.is_dir() {
            bail!(
                "{} is not a folder; pass the report folders that `scanlens scan --out` or `render --out` wrote",
                dir.display()
            );
        }
        let listing = publishable::list(dir, Kind::Report)
            .with_context(|| format!("cannot publish {}", dir.display()))?;
        out.skipped.extend(listing.skipped);
        // Report folders, as paths under `dir` ("" for `dir` itself), deepest first.
        let mut folders: Vec<String> = listing
            .files
            .iter()
            .filter_map(|f| match f.rel.rsplit_once('/') {
                Some((parent, "report.json")) => Some(parent.to_string()),
                None if f.rel == "report.json" => Some(String::new()),
                _ => None,
            })
            .collect();
        if folders.is_empty() {
            bail!(
                "{} holds no report.json; pass the report folders that `scanlens scan --out` or `render --out` wrote",
                dir.display()
            );
        }
        folders.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut files: Vec<Vec<&publishable::Found>> = vec![Vec::new(); folders.len()];
        for f in &listing.files {
            let owner = folders
                .iter()
                .position(|d| d.is_empty() || f.rel.starts_with(&format!("{d}/")));
            match owner {
                Some(i) => files[i].push(f),
                None => out.skipped.push(f.path.clone()),
            }
        }
        for (folder, files) in folders.iter().zip(files) {
            let path = if folder.is_empty() {
                dir.clone()
            } else {
                dir.join(folder)
            };
            let (scan, _) = site::read_scan(&path)?;
            if !seen.insert((scan.name.clone(), scan.id.clone())) {
                continue; // The same report twice: one scan.
            }
            let slug = site::slug(&scan.name);
            let strip = if folder.is_empty() {
                0
            } else {
                folder.len() + 1
            };
            let mut ndjson = None;
            for f in files {
                let rel = &f.rel[strip..];
                if rel == "findings.ndjson" {
                    ndjson = Some(f.path.clone());
                }
                out.uploads.push(Upload {
                    key: layout::report_key(dest, &slug, &scan.id, rel),
                    body: Body::File(f.path.clone()),
                    once: false,
                });
            }
            let day = layout::Day::of(&scan.entry.scanned_at).unwrap_or_else(layout::Day::today);
            out.uploads.push(Upload {
                key: layout::findings_key(dest, &day, &slug, &scan.id, format),
                body: Body::Bytes(findings_object(&path, ndjson.as_deref(), format)?),
                once: false,
            });
            out.uploads.push(Upload {
                key: layout::record_key(dest, &slug, &scan.id),
                body: Body::Bytes(serde_json::to_vec(&ScanRecord::new(scan.name, scan.entry))?),
                once: true,
            });
            out.scans += 1;
        }
    }
    if let Some(site) = site {
        if !site.is_dir() {
            bail!(
                "--site {} is not a folder; build it first with `scanlens site --out {}`",
                site.display(),
                site.display()
            );
        }
        let listing = publishable::list(site, Kind::Site)
            .with_context(|| format!("cannot publish {}", site.display()))?;
        for f in listing.files {
            out.uploads.push(Upload {
                key: layout::site_key(dest, &f.rel),
                body: Body::File(f.path),
                once: false,
            });
        }
        out.skipped.extend(listing.skipped);
    }
    Ok(out)
}

/// The scan's object in the findings table: the folder's findings.ndjson (or its report's rows
/// when an older render did not write one) as `format` says.
fn findings_object(
    folder: &Path,
    ndjson: Option<&Path>,
    format: TableFormat,
) -> anyhow::Result<Vec<u8>> {
    match format {
        TableFormat::Ndjson => findings_gz(folder, ndjson),
        TableFormat::Parquet => {
            // The very rows of findings.ndjson, so that both formats hold the same table.
            let rows = match ndjson {
                Some(p) => {
                    let bytes = publishable::read_regular(p)
                        .with_context(|| format!("cannot read {}", p.display()))?;
                    let text = std::str::from_utf8(&bytes).with_context(|| {
                        format!("{} is not UTF-8; render the report again", p.display())
                    })?;
                    crate::query::load::ndjson_rows(text, p)?
                }
                None => {
                    scanlens_model::flat::flatten(&crate::input::load_report(folder)?).collect()
                }
            };
            crate::findings_parquet::write(&rows).with_context(|| {
                format!(
                    "cannot write the findings of {} as Parquet",
                    folder.display()
                )
            })
        }
    }
}

/// The scan's findings, one row a line, gzipped: the folder's findings.ndjson, or its report's
/// rows when an older render did not write one.
fn findings_gz(folder: &Path, ndjson: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let rows = match ndjson {
        Some(p) => {
            publishable::read_regular(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => {
            let report = crate::input::load_report(folder)?;
            let mut rows = Vec::new();
            for row in scanlens_model::flat::flatten(&report) {
                crate::json::write(&mut rows, &row)?;
                rows.push(b'\n');
            }
            rows
        }
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&rows)?;
    Ok(gz.finish()?)
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
                let result = upload_one(client, dest, f).map(|n| {
                    bytes.fetch_add(n, Ordering::Relaxed);
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

fn upload_one(client: &Client, dest: &S3Url, f: &Upload) -> anyhow::Result<u64> {
    let owned;
    let body: &[u8] = match &f.body {
        Body::File(path) => {
            owned = publishable::read_regular(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            &owned
        }
        Body::Bytes(b) => b,
    };
    let name = f.key.rsplit('/').next().unwrap_or(&f.key);
    let condition = if f.once {
        Condition::Absent
    } else {
        Condition::Always
    };
    match client.put_if(
        &dest.bucket,
        &f.key,
        body,
        s3::content_type(name),
        &condition,
    ) {
        Ok(_) => Ok(body.len() as u64),
        // A record already there: its key holds the report's digest, so it is this scan's.
        Err(S3Error::PreconditionFailed { .. }) if f.once => Ok(0),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    const SMALL: &str = r#"{"SchemaVersion":2,"ArtifactName":"ghcr.io/org/app:1","ArtifactType":"container_image","CreatedAt":"2024-01-31T23:59:59Z","Results":[{"Target":"t","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2020-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}]}]}"#;

    fn render(input: &str, out: &Path) {
        let dir = out.parent().unwrap();
        std::fs::create_dir_all(dir).unwrap();
        let json = dir.join("in.json");
        std::fs::write(&json, input).unwrap();
        let cli = crate::cli::Cli::try_parse_from([
            "scanlens",
            "render",
            json.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .unwrap();
        crate::commands::run(cli).unwrap();
    }

    #[test]
    fn each_scan_goes_to_the_findings_table_its_report_folder_and_a_record() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        render(SMALL, &out.join("app"));
        std::fs::write(out.join("app/notes.txt"), "private").unwrap();
        let site = tmp.path().join("public");
        std::fs::create_dir_all(site.join("data")).unwrap();
        std::fs::write(site.join("index.html"), "").unwrap();
        std::fs::write(site.join("data/site.json"), "").unwrap();
        let dest = S3Url::parse("s3://bucket/scans").unwrap();
        // The folder itself, and its parent: the same scan, planned once.
        let p = plan(
            &dest,
            &[out.join("app"), out.clone()],
            Some(&site),
            TableFormat::Ndjson,
        )
        .unwrap();
        assert_eq!(p.scans, 1);
        let keys: Vec<&str> = p.uploads.iter().map(|u| u.key.as_str()).collect();
        let id = keys
            .iter()
            .find_map(|k| k.strip_prefix("scans/reports/ghcr.io_org_app/"))
            .and_then(|k| k.split('/').next())
            .unwrap();
        assert!(id.starts_with("20240131235959-"), "{id}");
        for want in [
            format!("scans/reports/ghcr.io_org_app/{id}/report.json"),
            format!("scans/reports/ghcr.io_org_app/{id}/findings.ndjson"),
            format!("scans/findings/dt=2024-01-31/repository=ghcr.io_org_app/{id}.ndjson.gz"),
            format!("scans/site-data/records/ghcr.io_org_app/{id}.json"),
            "scans/site/data/site.json".to_string(),
            "scans/site/index.html".to_string(),
        ] {
            assert!(keys.contains(&want.as_str()), "{want} in {keys:#?}");
        }
        assert!(!keys.iter().any(|k| k.contains("notes.txt")));
        let once: Vec<&str> = p
            .uploads
            .iter()
            .filter(|u| u.once)
            .map(|u| u.key.as_str())
            .collect();
        assert_eq!(
            once,
            [format!("scans/site-data/records/ghcr.io_org_app/{id}.json")]
        );
        // The gzipped findings are the folder's rows.
        let gz = p
            .uploads
            .iter()
            .find(|u| u.key.ends_with(".ndjson.gz"))
            .unwrap();
        let Body::Bytes(b) = &gz.body else { panic!() };
        let mut rows = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&b[..]), &mut rows)
            .unwrap();
        assert_eq!(
            rows,
            std::fs::read_to_string(out.join("app/findings.ndjson")).unwrap()
        );

        let e = plan(
            &dest,
            &[tmp.path().join("missing")],
            None,
            TableFormat::Ndjson,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a folder"), "{e}");
        let e = plan(&dest, &[site.join("data")], None, TableFormat::Ndjson).unwrap_err();
        assert!(e.to_string().contains("holds no report.json"), "{e}");
    }

    #[test]
    fn with_parquet_the_findings_table_holds_the_folders_rows_as_parquet() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out/app");
        render(SMALL, &out);
        let dest = S3Url::parse("s3://bucket/scans").unwrap();
        let p = plan(
            &dest,
            std::slice::from_ref(&out),
            None,
            TableFormat::Parquet,
        )
        .unwrap();
        let table: Vec<&Upload> = p
            .uploads
            .iter()
            .filter(|u| u.key.starts_with("scans/findings/"))
            .collect();
        assert_eq!(table.len(), 1);
        let key = &table[0].key;
        assert!(
            key.starts_with("scans/findings/dt=2024-01-31/repository=ghcr.io_org_app/")
                && key.ends_with(".parquet"),
            "{key}"
        );
        let Body::Bytes(b) = &table[0].body else {
            panic!("the table file is made while planning")
        };
        let file = tmp.path().join("scan.parquet");
        std::fs::write(&file, b).unwrap();
        let text = std::fs::read_to_string(out.join("findings.ndjson")).unwrap();
        let want = crate::query::load::ndjson_rows(&text, &out).unwrap();
        assert_eq!(want.len(), 1);
        assert_eq!(crate::findings_parquet::read(&file).unwrap(), want);
    }

    /// The unit tests of [`crate::s3::Timeouts`] check its defaults; the command line must use those.
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
        assert_eq!(a.timeouts.get(), crate::s3::Timeouts::default());
        let help = crate::cli::Cli::command()
            .find_subcommand_mut("publish")
            .unwrap()
            .render_long_help()
            .to_string();
        let attempts = format!("tried {} times", s3::timeouts::ATTEMPTS);
        assert!(help.contains(&attempts), "{help}");
    }
}
