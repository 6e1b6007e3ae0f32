//! `summary.md`: GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and PR comments.
//!
//! GitHub rejects a step summary over 1024 KiB, so the text is cut, with a visible note, before
//! it reaches [`MAX_BYTES`]. Untrusted text is escaped so that it cannot open HTML, links or
//! table cells; only `http(s)` URLs become links.

use scanlens_model::{present, Finding, Kind, Report, Severity};
use std::fmt::Write;

mod fix_first;

/// Kept under GitHub's 1024 KiB step-summary limit with room for what other steps append.
pub const MAX_BYTES: usize = 1000 * 1024;
/// How many findings the table lists at most.
pub const MAX_ROWS: usize = 1000;

/// Escapes text for one Markdown table cell. `@name` and `#123` would ping people and link
/// issues where the summary is posted (a PR comment): a zero-width space after `@` or `#` keeps
/// the text as it reads and makes it inert, as Renovate and Dependabot do.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match c {
            '@' if next.is_some_and(|n| n.is_ascii_alphanumeric()) => out.push_str("@&#8203;"),
            '#' if next.is_some_and(|n| n.is_ascii_digit()) => out.push_str("\\#&#8203;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

fn id_cell(f: &Finding) -> String {
    let id = escape(&f.id);
    match f.primary_url.as_deref().and_then(crate::html::safe_url) {
        // Percent-encode what would end the link target early.
        Some(url) => format!(
            "[{id}]({})",
            url.replace('(', "%28")
                .replace(')', "%29")
                .replace('<', "%3C")
                .replace('>', "%3E")
        ),
        None => id,
    }
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟥",
        Severity::High => "🟧",
        Severity::Medium => "🟨",
        Severity::Low => "🟦",
        Severity::Unknown => "⬜",
    }
}

pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "## Scanlens: {}\n", escape(&scanned(report)));
    for a in &report.artifacts {
        let mut line = format!("- **{}**", escape(&present::artifact_title(a)));
        if let Some(os) = &a.os {
            let _ = write!(line, " · {}", escape(&present::os_release(os)));
            if os.eosl {
                let _ = write!(line, " **({})**", present::END_OF_SUPPORT);
            }
        }
        if let Some(t) = &a.scanned_at {
            let _ = write!(line, " · scanned {}", escape(&present::scan_time(t)));
        }
        if let Some(v) = &a.trivy_version {
            let _ = write!(line, " · trivy {}", escape(v));
        }
        let _ = writeln!(md, "{line}");
    }
    if let Some(g) = &report.gate {
        let verdict = if g.failed {
            format!(
                "**❌ Gate failed:** {}.",
                present::gate_tripped(g).join(", ")
            )
        } else if g.has_rules() {
            format!("**✅ Gate passed:** {}.", present::gate_held(g).join(", "))
        } else {
            "**✅ No gate set** (use `--fail-on`).".to_string()
        };
        let _ = writeln!(md, "\n{verdict}");
        if g.excluded > 0 {
            let _ = writeln!(
                md,
                "{} finding(s) excluded by the gate's filters.",
                g.excluded
            );
        }
    }
    md.push('\n');
    md.push_str(&fix_first::render(report));
    let _ = writeln!(
        md,
        "| | {} | Total |\n|---|{}---:|",
        Severity::ALL
            .iter()
            .map(|s| format!("{} {}", icon(*s), s.as_str()))
            .collect::<Vec<_>>()
            .join(" | "),
        "---:|".repeat(Severity::ALL.len())
    );
    for k in Kind::ALL {
        let c = report.summary.of(k);
        let cells: Vec<String> = Severity::ALL
            .iter()
            .map(|s| c.get(*s).to_string())
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            k.plural(),
            cells.join(" | "),
            c.total()
        );
    }
    let total = report.summary.total();
    let _ = writeln!(
        md,
        "\n{} finding(s), {} fixable{}.\n",
        total,
        report.stats.fixable,
        if report.stats.suppressed > 0 {
            format!(
                ", {} suppressed by Trivy (not counted)",
                report.stats.suppressed
            )
        } else {
            String::new()
        }
    );
    if total == 0 {
        let _ = writeln!(md, "No findings.");
        return md;
    }
    let mut counted: Vec<&Finding> = report.findings.iter().filter(|f| f.is_counted()).collect();
    if let Some(g) = &report.gate {
        // `--severity`: the table lists only the severities that count.
        let before = counted.len();
        counted.retain(|f| g.in_scope(f.severity));
        if let Some(line) = present::severity_scope(g, before - counted.len()) {
            let _ = writeln!(md, "_{}._\n", capitalize(&line));
        }
    }
    let counted_len = counted.len();
    let top = scanlens_model::first_by_key(counted, MAX_ROWS, |f| {
        (f.severity, !f.is_fixable(), f.cvss_rank(), f.id.as_str())
    });
    let _ = writeln!(md, "### Most severe findings\n");
    let _ = writeln!(md, "| Severity | ID | Package | Installed | Fixed | Target | Title |\n|---|---|---|---|---|---|---|");
    let note_room = 200;
    let mut listed = 0;
    for f in &top {
        let row = finding_row(f);
        if md.len() + row.len() + note_room > MAX_BYTES {
            break;
        }
        md.push_str(&row);
        listed += 1;
    }
    if listed < counted_len {
        let _ = writeln!(
            md,
            "\n_Showing the {listed} most severe of {counted_len} findings; the full list is in report.json and index.html._"
        );
    }
    md
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn finding_row(f: &Finding) -> String {
    let pkg = f.package.as_ref();
    let mut title = clip(
        if f.title.is_empty() {
            &f.description
        } else {
            &f.title
        },
        120,
    );
    if f.excluded.is_some() {
        title.push_str(" (excluded by the gate)");
    }
    format!(
        "| {} {} | {} | {} | {} | {} | {} | {} |\n",
        icon(f.severity),
        f.severity,
        id_cell(f),
        escape(pkg.map_or("", |p| &p.name)),
        escape(pkg.map_or("", |p| &p.installed_version)),
        escape(pkg.map_or("", |p| &p.fixed_version)),
        escape(&clip(&f.target, 80)),
        escape(&title),
    )
}

/// What was scanned, as headings name it ([`crate::html::scanned`]); "Scanlens report" without
/// artifacts.
fn scanned(report: &Report) -> String {
    crate::html::scanned(report).unwrap_or_else(|| "Scanlens report".into())
}

/// The Markdown for `scanlens diff`: counts, then the new and the fixed findings.
pub fn render_diff(old: &Report, new: &Report, diff: &scanlens_model::diff::Diff) -> String {
    let mut md = format!(
        "## Scanlens diff: {} → {}\n\n**{} new**, **{} fixed**, {} unchanged.\n",
        escape(&scanned(old)),
        escape(&scanned(new)),
        diff.new.len(),
        diff.fixed.len(),
        diff.unchanged
    );
    for (heading, list) in [("New findings", &diff.new), ("Fixed findings", &diff.fixed)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "\n### {heading}\n\n| Severity | ID | Package | Installed | Fixed | Target | Title |\n|---|---|---|---|---|---|---|"
        );
        let mut listed = 0;
        for f in list.iter().take(MAX_ROWS) {
            let row = finding_row(f);
            if md.len() + row.len() + 200 > MAX_BYTES / 2 {
                break;
            }
            md.push_str(&row);
            listed += 1;
        }
        if listed < list.len() {
            let _ = writeln!(
                md,
                "\n_{} more not shown; use `--format json` for all._",
                list.len() - listed
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("[x](javascript:y)"), "\\[x\\]\\(javascript:y\\)");
        assert_eq!(escape("l1\nl2"), "l1 l2");
        assert_eq!(
            escape("@octocat and @org/team"),
            "@&#8203;octocat and @&#8203;org/team"
        );
        assert_eq!(escape("fixes #123, a@b"), "fixes \\#&#8203;123, a@&#8203;b");
        assert_eq!(escape("x\u{1b}[2J\u{0}y"), "x\\[2Jy");
    }

    #[test]
    fn stays_under_github_limit() {
        let f = Finding {
            id: "CVE-2024-0001".into(),
            severity: Severity::High,
            title: "x".repeat(400),
            target: "t".repeat(400),
            ..Finding::default()
        };
        let mut r = Report {
            findings: vec![f; 50_000],
            ..Report::default()
        };
        scanlens_model::recount(&mut r);
        let md = render(&r);
        assert!(md.len() <= MAX_BYTES, "{}", md.len());
        assert!(md.contains("most severe of 50000 findings"));
    }
}
