//! The rows of a query as people read them (an aligned table) or as programs do (`--json`).

use std::io::{self, Write};

/// Column names and rows, as SQLite returned them.
pub struct Rows {
    pub names: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// Writes `result` to `out`. Write errors are the caller's to judge: a reader that hung up
/// (`| head`) is no failure, a full disk is.
pub fn write(out: &mut impl Write, result: Rows, json: bool) -> io::Result<()> {
    let Rows { names, rows } = result;
    if json {
        let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .into_iter()
            .map(|vals| names.iter().cloned().zip(vals).collect())
            .collect();
        serde_json::to_writer_pretty(&mut *out, &objects)?;
        out.write_all(b"\n")?;
    } else {
        table(out, &names, &rows)?;
    }
    out.flush()
}

fn cell(v: &serde_json::Value) -> String {
    let s = match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let s = printable(&s);
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn table(
    out: &mut impl Write,
    names: &[String],
    rows: &[Vec<serde_json::Value>],
) -> io::Result<()> {
    // A column's name is the SQL that made it (`SELECT '\x1b[2J'`), so it is cleaned as a cell
    // is; it is not clipped, so that the header still shows which expression made the column.
    let names: Vec<String> = names.iter().map(|n| printable(n)).collect();
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
    writeln!(out, "{}", line(&names))?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    writeln!(out, "{}", rule.join("  "))?;
    for r in &cells {
        writeln!(out, "{}", line(r))?;
    }
    writeln!(
        out,
        "({} row{})",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}
