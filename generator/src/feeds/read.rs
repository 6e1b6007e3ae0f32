//! Reading a feed file: bounded like every input (a feed is a few MB; a file hundreds of times
//! that is not one), gzip undone when the content is gzip whatever the name says, then parsed
//! by the model.

use scanlens_model::feeds::{EpssScores, FeedError, KevCatalog};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FeedFileError {
    /// `--feeds DIR` goes on without a feed its folder lacks, so callers tell this one apart.
    #[error("{} does not exist; check the path (`scanlens feeds fetch --out DIR` downloads both feeds)", path.display())]
    Missing { path: PathBuf },
    #[error("cannot read {}: {source}; check the path and its permissions", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is larger than {max}{}, which {feed} never is; check that it is the feed", path.display(), if *.decompressed { " decompressed" } else { "" })]
    TooLarge {
        path: PathBuf,
        max: bytesize::ByteSize,
        decompressed: bool,
        feed: &'static str,
    },
    #[error("{} is damaged gzip ({source}); download it again", path.display())]
    Gzip {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{}{error}", path.display(), if error.line == 0 { " " } else { "" })]
    Malformed { path: PathBuf, error: FeedError },
}

/// CISA's KEV catalog from `path`.
pub fn kev(path: &Path) -> Result<KevCatalog, FeedFileError> {
    let bytes = bytes(path, super::MAX_KEV, "CISA's KEV catalog")?;
    KevCatalog::parse(&bytes).map_err(|error| FeedFileError::Malformed {
        path: path.to_path_buf(),
        error,
    })
}

/// FIRST's EPSS scores from `path`, plain or gzipped.
pub fn epss(path: &Path) -> Result<EpssScores, FeedFileError> {
    let bytes = bytes(path, super::MAX_EPSS, "FIRST's EPSS file")?;
    EpssScores::parse(&bytes).map_err(|error| FeedFileError::Malformed {
        path: path.to_path_buf(),
        error,
    })
}

/// The file's content, decompressed if it is gzip, at most `max` bytes either way.
fn bytes(path: &Path, max: u64, feed: &'static str) -> Result<Vec<u8>, FeedFileError> {
    let err = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => FeedFileError::Missing {
            path: path.to_path_buf(),
        },
        _ => FeedFileError::Read {
            path: path.to_path_buf(),
            source,
        },
    };
    let too_large = |decompressed| FeedFileError::TooLarge {
        path: path.to_path_buf(),
        max: bytesize::ByteSize(max),
        decompressed,
        feed,
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    if meta.is_dir() {
        return Err(err(std::io::Error::other("it is a folder")));
    }
    if meta.len() > max {
        return Err(too_large(false));
    }
    let mut raw = Vec::new();
    // A pipe or device has no size up front: read one byte past the limit to tell.
    file.take(max + 1).read_to_end(&mut raw).map_err(err)?;
    if raw.len() as u64 > max {
        return Err(too_large(false));
    }
    gunzip(&raw, max).map_err(|e| match e {
        Gunzip::TooLarge => too_large(true),
        Gunzip::Damaged(source) => FeedFileError::Gzip {
            path: path.to_path_buf(),
            source,
        },
    })
}

/// Why [`gunzip`] failed.
#[derive(Debug)]
pub enum Gunzip {
    TooLarge,
    Damaged(std::io::Error),
}

/// Whether `bytes` start like gzip.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// `bytes` decompressed when they are gzip (and as they are otherwise), at most `max` bytes: a
/// small file can decompress to gigabytes.
pub fn gunzip(bytes: &[u8], max: u64) -> Result<Vec<u8>, Gunzip> {
    if !is_gzip(bytes) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::MultiGzDecoder::new(bytes)
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(Gunzip::Damaged)?;
    if out.len() as u64 > max {
        return Err(Gunzip::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_is_told_by_content_and_bounded() {
        assert_eq!(gunzip(b"plain", 10).unwrap(), b"plain");
        assert_eq!(gunzip(&gz(b"packed"), 10).unwrap(), b"packed");
        let bomb = gz(&vec![0u8; 1 << 20]);
        assert!(bomb.len() < 4096);
        assert!(matches!(gunzip(&bomb, 1 << 19), Err(Gunzip::TooLarge)));
        let cut = gz(b"cut short somewhere in the middle of it");
        assert!(matches!(
            gunzip(&cut[..cut.len() - 6], 1000),
            Err(Gunzip::Damaged(_))
        ));
    }

    #[test]
    fn missing_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let e = kev(&dir.path().join("nope.json")).unwrap_err();
        assert!(matches!(e, FeedFileError::Missing { .. }), "{e}");
        let e = epss(dir.path()).unwrap_err();
        assert!(matches!(e, FeedFileError::Read { .. }), "{e}");
    }
}
