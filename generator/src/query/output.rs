//! The rows of a query as people read them (an aligned table) or as programs do (`--json`).

/// Column names and rows, as SQLite returned them.
pub struct Rows {
    pub names: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

pub fn render(result: Rows, json: bool) -> anyhow::Result<String> {
    let Rows { names, rows } = result;
    Ok(if json {
        let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .into_iter()
            .map(|vals| names.iter().cloned().zip(vals).collect())
            .collect();
        let mut s = serde_json::to_string_pretty(&objects)?;
        s.push('\n');
        s
    } else {
        table(&names, &rows)
    })
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
