//! `.trivyignore` and `.trivyignore.yaml` for findings picked in the viewer, each entry as narrow
//! as Trivy's rules allow (see [`crate::ignore`]).

use crate::compact::Dataset;
use crate::report::*;

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A YAML double-quoted scalar; JSON string escaping is valid YAML.
fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `.trivyignore` lines for findings `idx`: `# SEVERITY title` above each ID, each ID once.
pub fn trivyignore(ds: &Dataset, idx: &[u32]) -> String {
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    for &i in idx {
        let o = &ds.findings[i as usize];
        if !seen.insert(o.id.as_str()) {
            continue;
        }
        let a = ds.advisory(i as usize);
        let title = one_line(if a.title.is_empty() {
            &a.description
        } else {
            &a.title
        });
        let title: String = title.chars().take(120).collect();
        out.push_str(&format!(
            "# {} {}\n{}\n",
            o.severity,
            title,
            one_line(&o.id)
        ));
    }
    out
}

/// A path as a doublestar glob that matches only itself.
fn glob_literal(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\' | ',') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `.trivyignore.yaml` entries for findings `idx`, one list per kind, as Trivy 0.76 reads them,
/// each as narrow as Trivy's rules allow (see [`crate::ignore`]): a vulnerability by its ID,
/// its target and its package URL (one entry per target, so ticking one occurrence does not
/// hide the same CVE in another image or file); a misconfiguration or secret by its ID and
/// target; a license by its name and file (a package's license has no file, so that entry
/// covers the license everywhere, and says so).
pub fn trivyignore_yaml(ds: &Dataset, idx: &[u32]) -> String {
    struct Entry {
        id: String,
        paths: Vec<String>,
        purls: Vec<String>,
        comment: String,
    }
    let q = |s: &str| yaml_quote(&one_line(s));
    let mut out = String::new();
    for kind in Kind::ALL {
        let mut entries: Vec<Entry> = Vec::new();
        for &i in idx {
            let o = &ds.findings[i as usize];
            if o.kind != kind {
                continue;
            }
            let path = match kind {
                Kind::License => o.license.as_ref().map_or("", |l| l.file_path.as_str()),
                _ => o.target.as_str(),
            };
            // Vulnerabilities get an entry per target; the others' entries list every path.
            let same = |e: &Entry| {
                e.id == o.id
                    && (kind != Kind::Vulnerability
                        || e.paths.first().map(String::as_str) == Some(path))
            };
            let pos = match entries.iter().position(same) {
                Some(p) => p,
                None => {
                    let a = ds.advisory(i as usize);
                    let title: &str = if a.title.is_empty() {
                        &a.description
                    } else {
                        &a.title
                    };
                    let mut comment: String = one_line(&format!("{} {}", o.severity, title))
                        .chars()
                        .take(120)
                        .collect();
                    if kind == Kind::License && path.is_empty() {
                        comment.push_str(" (a package license: ignored in every package)");
                    }
                    entries.push(Entry {
                        id: o.id.clone(),
                        paths: Vec::new(),
                        purls: Vec::new(),
                        comment,
                    });
                    entries.len() - 1
                }
            };
            let e = &mut entries[pos];
            if !path.is_empty() && !e.paths.contains(&path.to_string()) {
                e.paths.push(path.to_string());
            }
            if kind == Kind::Vulnerability {
                if let Some(p) = o.package.as_ref().and_then(|p| p.purl.clone()) {
                    if !e.purls.contains(&p) {
                        e.purls.push(p);
                    }
                }
            }
        }
        if entries.is_empty() {
            continue;
        }
        out.push_str(kind.plural());
        out.push_str(":\n");
        for e in entries {
            out.push_str(&format!("  # {}\n  - id: {}\n", e.comment, q(&e.id)));
            if !e.paths.is_empty() {
                out.push_str("    paths:\n");
                for p in e.paths {
                    out.push_str(&format!("      - {}\n", yaml_quote(&glob_literal(&p))));
                }
            }
            if !e.purls.is_empty() {
                out.push_str("    purls:\n");
                for p in e.purls {
                    out.push_str(&format!("      - {}\n", q(&p)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::ds;

    #[test]
    fn ignore_exports() {
        let ds = ds();
        let txt = trivyignore(&ds, &[0, 1, 2]);
        assert_eq!(
            txt,
            "# HIGH openssl: problem\nCVE-2023-0286\n# CRITICAL glibc: problem\nCVE-2024-0001\n"
        );
        let yaml = trivyignore_yaml(&ds, &[0, 1, 5]);
        assert_eq!(
            yaml,
            "vulnerabilities:\n  # HIGH openssl: problem\n  - id: \"CVE-2023-0286\"\n    paths:\n      - \"img (debian 12)\"\n    purls:\n      - \"pkg:deb/debian/openssl@1.0\"\n      - \"pkg:deb/debian/libssl3@1.0\"\nsecrets:\n  # CRITICAL : problem\n  - id: \"aws-access-key-id\"\n    paths:\n      - \"/app/.env\"\n"
        );
        // Paths are literal: glob characters are escaped.
        assert_eq!(
            glob_literal("a/*[b]{c,d}?\\"),
            "a/\\*\\[b\\]\\{c\\,d\\}\\?\\\\"
        );
        assert!(crate::glob::matches(
            &glob_literal("a/*[b]{c,d}?"),
            "a/*[b]{c,d}?"
        ));
        assert!(!crate::glob::matches(&glob_literal("a/*"), "a/x"));
    }

    #[test]
    fn yaml_quoting_is_json_escaping() {
        for s in ["a\"b\\c\u{1}", "plain", "ü"] {
            let back: String = serde_json::from_str(&yaml_quote(s)).unwrap();
            assert_eq!(back, s);
        }
    }
}
