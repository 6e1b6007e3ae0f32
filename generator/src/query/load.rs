//! The table `findings`: one row per finding of every report found under the given paths, with
//! the columns of `findings.ndjson`.

use anyhow::{bail, Context};
use rusqlite::Connection;
use scanlens_model::flat::{Cell, ColumnType, FlatFinding};
use std::path::{Path, PathBuf};

/// The table's columns: those of `findings.ndjson`'s rows.
pub use scanlens_model::flat::COLUMNS;

/// An in-memory database holding the table `findings`, filled from `paths`.
pub fn open(paths: &[PathBuf]) -> anyhow::Result<Connection> {
    let conn = Connection::open_in_memory().context("cannot open SQLite in memory")?;
    conn.execute_batch(&format!(
        "CREATE TABLE findings ({});",
        COLUMNS
            .iter()
            .map(|(c, ty)| match ty {
                ColumnType::Real => format!("{c} REAL"),
                ColumnType::Boolean => format!("{c} INTEGER"),
                ColumnType::Text => format!("{c} TEXT"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let mut sources = Vec::new();
    for p in paths {
        collect(p, &mut sources)?;
    }
    if sources.is_empty() {
        bail!(
            "no report.json, findings.ndjson or findings table under {}; pass report directories written by scanlens, or a prefix downloaded from a bucket `publish` wrote",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let tx = conn.unchecked_transaction()?;
    {
        let mut insert = tx.prepare(&format!(
            "INSERT INTO findings VALUES ({})",
            vec!["?"; COLUMNS.len()].join(", ")
        ))?;
        for src in &sources {
            for row in rows(src)? {
                let cells: Vec<Box<dyn rusqlite::ToSql + '_>> = row
                    .cells()
                    .into_iter()
                    .map(|c| -> Box<dyn rusqlite::ToSql> {
                        match c {
                            Cell::Text(t) => Box::new(t),
                            Cell::Real(r) => Box::new(r),
                            Cell::Boolean(b) => Box::new(b),
                        }
                    })
                    .collect();
                insert.execute(rusqlite::params_from_iter(cells.iter()))?;
            }
        }
    }
    tx.commit()?;
    Ok(conn)
}

enum Source {
    Ndjson(PathBuf),
    /// A partition of the findings table `publish` writes (`<scan id>.ndjson.gz`).
    NdjsonGz(PathBuf),
    /// The same with `--table-format parquet` (`<scan id>.parquet`).
    Parquet(PathBuf),
    Report(PathBuf),
}

/// `findings.ndjson` gzipped, as the findings table holds it.
const GZ_SUFFIX: &str = ".ndjson.gz";
/// The rows as Parquet, as the findings table holds them with `--table-format parquet`.
const PARQUET_SUFFIX: &str = ".parquet";
/// The most one partition file may unpack to: far above any scan's rows, far below a
/// decompression bomb's.
const GZ_LIMIT: u64 = 2 << 30;

fn collect(path: &Path, out: &mut Vec<Source>) -> anyhow::Result<()> {
    if path.is_file() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(if name.ends_with(".ndjson") {
            Source::Ndjson(path.to_path_buf())
        } else if name.ends_with(GZ_SUFFIX) {
            Source::NdjsonGz(path.to_path_buf())
        } else if name.ends_with(PARQUET_SUFFIX) {
            Source::Parquet(path.to_path_buf())
        } else {
            Source::Report(path.to_path_buf())
        });
        return Ok(());
    }
    if !path.is_dir() {
        bail!(
            "{} does not exist; pass report directories or files",
            path.display()
        );
    }
    // A downloaded bucket prefix holds each scan twice, in the findings table and in its
    // report folder: the table alone is read.
    let table = path.join(crate::s3::layout::FINDINGS);
    if table.is_dir() && path.join(crate::s3::layout::REPORTS).is_dir() {
        return collect(&table, out);
    }
    let nd = path.join("findings.ndjson");
    let rj = path.join("report.json");
    if nd.is_file() && !skipped_link(&nd) {
        out.push(Source::Ndjson(nd));
    } else if rj.is_file() && !skipped_link(&rj) {
        out.push(Source::Report(rj));
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        let name = e
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "findings.ndjson" || name == "report.json" || skipped_link(&e) {
            continue;
        }
        if e.is_dir() {
            collect(&e, out)?;
        } else if name.ends_with(GZ_SUFFIX) && e.is_file() {
            out.push(Source::NdjsonGz(e));
        } else if name.ends_with(PARQUET_SUFFIX) && e.is_file() {
            out.push(Source::Parquet(e));
        }
    }
    Ok(())
}

/// A link inside a named folder is not followed: it could lead outside what the user named, or
/// back up the tree (a loop that would count every row again and again). Said on stderr, so the
/// rows left out are not silently missing.
fn skipped_link(p: &Path) -> bool {
    let link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    if link {
        eprintln!(
            "scanlens: not following the link {} (query reads only what is inside the folders named; name its target to read it)",
            p.display()
        );
    }
    link
}

fn rows(src: &Source) -> anyhow::Result<Vec<FlatFinding>> {
    match src {
        Source::Report(p) => {
            let report = crate::input::load_report(p)?;
            Ok(scanlens_model::flat::flatten(&report).collect())
        }
        Source::Parquet(p) => crate::findings_parquet::read(p),
        Source::Ndjson(p) | Source::NdjsonGz(p) => {
            let text = if matches!(src, Source::NdjsonGz(_)) {
                let file = std::fs::File::open(p)
                    .with_context(|| format!("cannot read {}", p.display()))?;
                let mut text = String::new();
                let mut rows =
                    std::io::Read::take(flate2::read::GzDecoder::new(file), GZ_LIMIT + 1);
                std::io::Read::read_to_string(&mut rows, &mut text)
                    .with_context(|| format!("{} is not gzipped findings rows", p.display()))?;
                if text.len() as u64 > GZ_LIMIT {
                    bail!(
                        "{} unpacks to more than {} GiB, more than one scan's findings; remove it from the folder",
                        p.display(),
                        GZ_LIMIT >> 30
                    );
                }
                text
            } else {
                std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read {}", p.display()))?
            };
            ndjson_rows(&text, p)
        }
    }
}

/// The rows of `findings.ndjson`'s text (read from `path`, named in errors).
pub fn ndjson_rows(text: &str, path: &Path) -> anyhow::Result<Vec<FlatFinding>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not a findings.ndjson row", path.display(), i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn rows() -> Vec<FlatFinding> {
        (0..3)
            .map(|n| FlatFinding {
                image: format!("app:{n}"),
                id: format!("CVE-2024-{n}"),
                kind: "vulnerability".into(),
                severity: "HIGH".into(),
                target: "t".into(),
                cvss: (n > 0).then_some(n as f64 + 0.5),
                package: (n != 1).then(|| "p".to_string()),
                kev: n == 2,
                ..Default::default()
            })
            .collect()
    }

    /// Every cell of the table, row by row, as text.
    fn table(dir: &Path) -> Vec<String> {
        let conn = open(&[dir.to_path_buf()]).unwrap();
        let mut stmt = conn.prepare("SELECT * FROM findings ORDER BY id").unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| Ok(format!("{:?}", r.get_ref(i)?)))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(|cells| cells.join("|"))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    #[test]
    fn a_parquet_table_loads_as_the_same_ndjson_rows_do() {
        let tmp = tempfile::tempdir().unwrap();
        let part = "findings/dt=2024-01-31/repository=app";
        let (nd, pq) = (tmp.path().join("nd"), tmp.path().join("pq"));
        std::fs::create_dir_all(nd.join(part)).unwrap();
        std::fs::create_dir_all(pq.join(part)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for r in rows() {
            serde_json::to_writer(&mut gz, &r).unwrap();
            gz.write_all(b"\n").unwrap();
        }
        std::fs::write(nd.join(part).join("s.ndjson.gz"), gz.finish().unwrap()).unwrap();
        let file = pq.join(part).join("s.parquet");
        std::fs::write(&file, crate::findings_parquet::write(&rows()).unwrap()).unwrap();
        let want = table(&nd);
        assert_eq!(want.len(), 3);
        assert_eq!(table(&pq), want);
        // A file named directly, too.
        assert_eq!(table(&file), want);
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_a_named_folder_are_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let (named, outside) = (tmp.path().join("named"), tmp.path().join("outside"));
        for dir in [named.join("app"), outside.join("other")] {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("findings.ndjson"), "").unwrap();
        }
        std::os::unix::fs::symlink(&named, named.join("app/loop")).unwrap();
        std::os::unix::fs::symlink(&outside, named.join("outside")).unwrap();
        std::os::unix::fs::symlink(
            outside.join("other/findings.ndjson"),
            named.join("app/x.ndjson.gz"),
        )
        .unwrap();
        let mut found = Vec::new();
        collect(&named, &mut found).unwrap();
        let paths: Vec<_> = found
            .iter()
            .map(|s| match s {
                Source::Ndjson(p)
                | Source::NdjsonGz(p)
                | Source::Parquet(p)
                | Source::Report(p) => p.clone(),
            })
            .collect();
        assert_eq!(paths, [named.join("app/findings.ndjson")]);
        // The folder named on the command line may itself be a link.
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let mut found = Vec::new();
        collect(&link, &mut found).unwrap();
        assert_eq!(found.len(), 1);
    }
}
