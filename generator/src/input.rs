//! Reading Trivy JSON from files or standard input into a [`Report`].

use scanlens_model::{parse, ParseError, Parsed, Report, ReportBuilder};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}; check the path and its permissions")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is larger than {max} (--max-input-size); a trivy report that large is unusual: check the file, or raise the limit (e.g. --max-input-size 8GiB)")]
    TooLarge {
        path: PathBuf,
        max: bytesize::ByteSize,
    },
    #[error("{path}:{error}")]
    Parse { path: PathBuf, error: ParseError },
}

/// The default of `--max-input-size`: well above the largest real report seen (300,000
/// findings, 878 MB), well below what would exhaust a CI runner.
pub const MAX_INPUT: u64 = 2 << 30;

/// Reads and merges the given inputs; `-` is standard input.
pub fn read_reports(inputs: &[PathBuf]) -> Result<Report, InputError> {
    read_reports_within(inputs, MAX_INPUT)
}

/// [`read_reports`] with inputs of at most `max` bytes each.
pub fn read_reports_within(inputs: &[PathBuf], max: u64) -> Result<Report, InputError> {
    let mut builder = ReportBuilder::new(crate::GENERATOR);
    for path in inputs {
        let bytes = read_input(path, max)?;
        add(&mut builder, path, &display_name(path), &bytes)?;
    }
    Ok(builder.finish())
}

/// Reads one Trivy document into `builder` (artifacts named `source`), completely or not at all:
/// `render` and `scan` both take this one path.
pub fn add(
    builder: &mut ReportBuilder,
    path: &Path,
    source: &str,
    bytes: &[u8],
) -> Result<(), InputError> {
    let parse_error = |error: ParseError| InputError::Parse {
        path: path.to_path_buf(),
        error: if error.line == 0 {
            // Keep `file: message` shape for errors with no position.
            ParseError {
                message: format!(" {}", error.message),
                ..error
            }
        } else {
            error
        },
    };
    let parsed = parse_input(bytes).map_err(parse_error)?;
    let before = builder.findings().len();
    builder.add(source, parsed);
    scanlens_model::shape::check_complete(bytes, &builder.findings()[before..]).map_err(|message| {
        parse_error(ParseError {
            line: 0,
            column: 0,
            message,
        })
    })
}

/// Inputs this large are read on all cores; below it one thread is as fast.
const PARALLEL_MIN_BYTES: usize = 1 << 20;

/// Parses one input, large ones on every core (see [`scanlens_model::split`]).
pub fn parse_input(bytes: &[u8]) -> Result<Parsed, ParseError> {
    if bytes.len() >= PARALLEL_MIN_BYTES {
        if let Some(parsed) = parse_in_parts(bytes) {
            return Ok(parsed);
        }
    }
    // Also the path for anything the split read did not take, which words the error.
    parse(bytes)
}

fn parse_in_parts(bytes: &[u8]) -> Option<Parsed> {
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    let split = scanlens_model::split::split(bytes)?;
    let failed = AtomicBool::new(false);
    // An indexed collect writes each finding straight into its place in the one list.
    let mut all = Vec::with_capacity(split.capacity());
    (0..split.len())
        .into_par_iter()
        .map(|i| {
            if failed.load(Ordering::Relaxed) {
                return Default::default();
            }
            split.finding(i).unwrap_or_else(|| {
                failed.store(true, Ordering::Relaxed);
                Default::default()
            })
        })
        .collect_into_vec(&mut all);
    if failed.into_inner() {
        return None;
    }
    Some(split.finish(all))
}

/// An input's bytes: standard input read into memory, files mapped.
enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// How much of a stream is read before deciding whether it can be JSON at all.
const SNIFF: u64 = 64 * 1024;

fn read_input(path: &Path, max: u64) -> Result<Bytes, InputError> {
    let err = |source| InputError::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.as_os_str() == "-" {
        return read_stream(std::io::stdin().lock(), path, max).map(Bytes::Owned);
    }
    let file = std::fs::File::open(path).map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    if meta.is_dir() {
        return Err(err(std::io::Error::other("it is a directory")));
    }
    if meta.is_file() && meta.len() > max {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            max: bytesize::ByteSize(max),
        });
    }
    // Mapping a regular file saves copying a 200 MB report into memory before parsing it. Pipes,
    // devices and empty files cannot be mapped, so they are read.
    if meta.is_file() && meta.len() > 0 {
        // SAFETY: the map is read-only and dropped before we return from reading this input;
        // a file truncated underneath us is the documented risk, as for ripgrep.
        // Populated up front: every byte is read anyway, and mapping all pages in one call is
        // cheaper than a page fault for each.
        if let Ok(map) = unsafe { memmap2::MmapOptions::new().populate().map(&file) } {
            return Ok(Bytes::Mapped(map));
        }
    }
    read_stream(file, path, max).map(Bytes::Owned)
}

/// A stream (standard input, a pipe, a device such as `/dev/zero`) read up to `max` bytes. One
/// that cannot be JSON is not read past its first bytes: they are enough to say what it is.
fn read_stream(r: impl Read, path: &Path, max: u64) -> Result<Vec<u8>, InputError> {
    let err = |source| InputError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut r = r.take(max.saturating_add(1));
    let mut bytes = Vec::new();
    loop {
        let got = (&mut r).take(SNIFF).read_to_end(&mut bytes).map_err(err)?;
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{' | b'[' | b'n') => break,
            Some(_) => return Ok(bytes),
            None if got == 0 => return Ok(bytes),
            None => {}
        }
        if bytes.len() as u64 > max {
            break;
        }
    }
    r.read_to_end(&mut bytes).map_err(err)?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooLarge {
            path: path.to_path_buf(),
            max: bytesize::ByteSize(max),
        });
    }
    Ok(bytes)
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "-".to_string()
    } else {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string())
    }
}

/// Loads a report for comparison: a report directory, a `report.json`, or Trivy JSON.
pub fn load_report(path: &Path) -> Result<Report, InputError> {
    let file = if path.is_dir() {
        path.join("report.json")
    } else {
        path.to_path_buf()
    };
    let bytes = read_input(&file, MAX_INPUT)?;
    let head = &bytes[..bytes.len().min(256)];
    let is_scanlens = head.windows(11).any(|w| w == b"\"generator\"");
    if is_scanlens {
        return serde_json::from_slice(&bytes).map_err(|e| InputError::Parse {
            path: file.clone(),
            error: ParseError {
                line: e.line(),
                column: e.column(),
                message: format!("not a scanlens report.json this version can read: {e}"),
            },
        });
    }
    read_reports(&[file])
}
