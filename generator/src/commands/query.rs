//! `scanlens query 'SQL' PATH...`: SQL over stored reports with an embedded SQLite, the
//! one-machine replacement for S3 Select. At scale the same `findings.ndjson` files go to Athena.

use crate::cli::QueryArgs;
use anyhow::{bail, Context};
use rusqlite::types::ValueRef;
use scanlens_model::flat::FlatFinding;
use std::path::{Path, PathBuf};

const COLUMNS: [&str; 18] = [
    "image",
    "commit_sha",
    "scanned_at",
    "kind",
    "id",
    "severity",
    "package",
    "installed_version",
    "fixed_version",
    "status",
    "target",
    "class",
    "title",
    "cvss",
    "purl",
    "published_date",
    "suppressed",
    "excluded",
];

pub fn run(args: QueryArgs) -> anyhow::Result<u8> {
    let conn = rusqlite::Connection::open_in_memory().context("cannot open SQLite in memory")?;
    conn.execute_batch(&format!(
        "CREATE TABLE findings ({});",
        COLUMNS
            .iter()
            .map(|c| match *c {
                "cvss" => "cvss REAL".to_string(),
                "suppressed" | "excluded" => format!("{c} INTEGER"),
                c => format!("{c} TEXT"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let mut sources = Vec::new();
    for p in &args.paths {
        collect(p, &mut sources)?;
    }
    if sources.is_empty() {
        bail!(
            "no report.json or findings.ndjson under {}; pass report directories written by scanlens",
            args.paths
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
                insert.execute(rusqlite::params![
                    row.image,
                    row.commit_sha,
                    row.scanned_at,
                    row.kind,
                    row.id,
                    row.severity,
                    row.package,
                    row.installed_version,
                    row.fixed_version,
                    row.status,
                    row.target,
                    row.class,
                    row.title,
                    row.cvss,
                    row.purl,
                    row.published_date,
                    row.suppressed,
                    row.excluded,
                ])?;
            }
        }
    }
    tx.commit()?;

    let mut stmt = conn.prepare(&args.sql).map_err(|e| {
        anyhow::anyhow!(
            "sql error: {e}; query the table `findings` (columns: {})",
            COLUMNS.join(", ")
        )
    })?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut out_rows: Vec<Vec<serde_json::Value>> = Vec::new();
    let mut q = stmt
        .query([])
        .map_err(|e| anyhow::anyhow!("sql error: {e}"))?;
    while let Some(r) = q.next().map_err(|e| anyhow::anyhow!("sql error: {e}"))? {
        let mut vals = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            vals.push(match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => serde_json::Number::from_f64(f)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => format!("<{} bytes>", b.len()).into(),
            });
        }
        out_rows.push(vals);
    }
    let text = if args.json {
        let objects: Vec<serde_json::Map<String, serde_json::Value>> = out_rows
            .into_iter()
            .map(|vals| names.iter().cloned().zip(vals).collect())
            .collect();
        let mut s = serde_json::to_string_pretty(&objects)?;
        s.push('\n');
        s
    } else {
        table(&names, &out_rows)
    };
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(crate::exit::OK)
}

enum Source {
    Ndjson(PathBuf),
    Report(PathBuf),
}

fn collect(path: &Path, out: &mut Vec<Source>) -> anyhow::Result<()> {
    if path.is_file() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(if name.ends_with(".ndjson") {
            Source::Ndjson(path.to_path_buf())
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
    let nd = path.join("findings.ndjson");
    let rj = path.join("report.json");
    if nd.is_file() {
        out.push(Source::Ndjson(nd));
    } else if rj.is_file() {
        out.push(Source::Report(rj));
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for e in entries {
        collect(&e, out)?;
    }
    Ok(())
}

fn rows(src: &Source) -> anyhow::Result<Vec<FlatFinding>> {
    match src {
        Source::Report(p) => {
            let report = crate::input::load_report(p)?;
            Ok(scanlens_model::flat::flatten(&report).collect())
        }
        Source::Ndjson(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    serde_json::from_str(l).with_context(|| {
                        format!("{}:{}: not a findings.ndjson row", p.display(), i + 1)
                    })
                })
                .collect()
        }
    }
}

fn cell(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

fn table(names: &[String], rows: &[Vec<serde_json::Value>]) -> String {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let mut widths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
    for r in &cells {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |vals: &[String]| {
        vals.iter()
            .enumerate()
            .map(|(i, v)| format!("{v:<w$}", w = widths[i]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(names);
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for r in &cells {
        out.push_str(&line(r));
        out.push('\n');
    }
    out.push_str(&format!(
        "({} row{})\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out
}
