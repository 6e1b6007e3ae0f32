//! Reading Trivy JSON from files or standard input into a [`Report`].

use scanlens_model::{parse, ParseError, Report, ReportBuilder};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}; check the path and its permissions")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{error}")]
    Parse { path: PathBuf, error: ParseError },
}

/// Reads and merges the given inputs; `-` is standard input.
pub fn read_reports(inputs: &[PathBuf]) -> Result<Report, InputError> {
    let mut builder = ReportBuilder::new(crate::GENERATOR);
    for path in inputs {
        let bytes = read_input(path)?;
        let parsed = parse(&bytes).map_err(|error| InputError::Parse {
            path: path.clone(),
            error: if error.line == 0 {
                // Keep `file: message` shape for errors with no position.
                ParseError {
                    message: format!(" {}", error.message),
                    ..error
                }
            } else {
                error
            },
        })?;
        builder.add(&display_name(path), parsed);
    }
    Ok(builder.finish())
}

fn read_input(path: &Path) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    result.map_err(|source| InputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
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
