//! `scanlens feeds fetch`: download CISA's KEV catalog and FIRST's EPSS scores, read each
//! completely, and only then write them as one folder for `--feeds DIR`, replaced whole: a CI
//! cache never holds half a feed, and a failed fetch leaves the last good copy in place.

use crate::cli::{FeedsCommand, FetchArgs};
use crate::feeds::download::{self, Limits};
use crate::feeds::read::{gunzip, is_gzip, Gunzip};
use crate::feeds::{EPSS_FILE, KEV_FILE, MAX_EPSS, MAX_KEV};
use scanlens_model::feeds::{EpssScores, FeedError, KevCatalog};
use std::io::Write;

/// A download that arrived but is not the feed. (One that did not arrive is a
/// [`download::DownloadError`].)
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url} is damaged gzip ({source}); fetch again, or check {flag}")]
    Gzip {
        url: String,
        source: std::io::Error,
        flag: &'static str,
    },
    #[error("{url} unpacks to more than {max}, which the feed never does; check {flag}")]
    TooLarge {
        url: String,
        max: bytesize::ByteSize,
        flag: &'static str,
    },
    #[error("{url}: {}{}; nothing was written (fetch again, or check {flag})", line(error), error.message)]
    Invalid {
        url: String,
        error: FeedError,
        flag: &'static str,
    },
}

fn line(e: &FeedError) -> String {
    match e.line {
        0 => String::new(),
        n => format!("line {n}: "),
    }
}

pub fn run(cmd: FeedsCommand) -> anyhow::Result<u8> {
    match cmd {
        FeedsCommand::Fetch(args) => fetch(&args, &mut std::io::stderr()),
    }
}

fn fetch(args: &FetchArgs, log: &mut dyn Write) -> anyhow::Result<u8> {
    crate::output::check_out(&args.out)?;
    for url in [&args.kev_url, &args.epss_url] {
        if let Some(w) = download::plain_http_warning(url) {
            let _ = writeln!(log, "scanlens: warning: {w}");
        }
    }
    let limits = Limits::start(args.connect_timeout, args.timeout);

    let (url, flag) = (args.kev_url.as_str(), "--kev-url");
    let body = download::get(url, flag, &limits, MAX_KEV)?;
    // Kept as JSON whatever the transfer was, so that the folder reads like CISA's file.
    let kev_json = unpack(&body, url, flag, MAX_KEV)?;
    let kev = KevCatalog::parse(&kev_json).map_err(|error| invalid(url, flag, error))?;

    let (url, flag) = (args.epss_url.as_str(), "--epss-url");
    let body = download::get(url, flag, &limits, MAX_EPSS)?;
    let csv = unpack(&body, url, flag, MAX_EPSS)?;
    let epss = EpssScores::parse(&csv).map_err(|error| invalid(url, flag, error))?;
    // Kept gzipped as FIRST publishes it (a tenth of the size in a CI cache); a server that
    // unpacked it on the way (Content-Encoding) gets it packed again.
    let epss_gz = if is_gzip(&body) { body } else { gzip(&csv)? };

    crate::output::write_dir_atomically(
        &args.out,
        &[(KEV_FILE, &kev_json), (EPSS_FILE, &epss_gz)],
    )?;
    let _ = writeln!(
        log,
        "scanlens: {}: {}, released {}",
        args.out.join(KEV_FILE).display(),
        crate::feeds::kev_line(&kev),
        kev.released()
    );
    let _ = writeln!(
        log,
        "scanlens: {}: {}",
        args.out.join(EPSS_FILE).display(),
        crate::feeds::epss_line(&epss)
    );
    Ok(crate::exit::OK)
}

fn invalid(url: &str, flag: &'static str, error: FeedError) -> FetchError {
    FetchError::Invalid {
        url: url.to_string(),
        error,
        flag,
    }
}

fn unpack(body: &[u8], url: &str, flag: &'static str, max: u64) -> Result<Vec<u8>, FetchError> {
    gunzip(body, max).map_err(|e| match e {
        Gunzip::TooLarge => FetchError::TooLarge {
            url: url.to_string(),
            max: bytesize::ByteSize(max),
            flag,
        },
        Gunzip::Damaged(source) => FetchError::Gzip {
            url: url.to_string(),
            source,
            flag,
        },
    })
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes)?;
    e.finish()
}
