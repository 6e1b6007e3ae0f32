//! How findings are shown: the display rules the page, `summary.md`, SARIF and the viewer share,
//! so that a location, a score or an exclusion reads the same everywhere.

use crate::report::{Cvss, Exclusion, Suppression};

/// Returns the URL if it may become a link: `http` or `https`, no spaces or control characters.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u.chars().any(|c| c.is_whitespace() || c.is_control());
    (scheme_ok && clean && u.len() > 8).then_some(u)
}

/// A score with one decimal (`7.5`), without the float formatting machinery, which costs the
/// wasm viewer ~30 KB.
pub fn one_decimal(x: f64) -> String {
    let t = (x * 10.0).round() as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", (t / 10).abs(), (t % 10).abs())
}

/// Where in its file a check or secret is: `line 3` or `lines 3–7`.
pub fn location(start: Option<u64>, end: Option<u64>) -> Option<String> {
    match (start, end) {
        (Some(s), Some(e)) if e > s => Some(format!("lines {s}–{e}")),
        (Some(s), _) => Some(format!("line {s}")),
        _ => None,
    }
}

/// Why the gate left a finding out: `ignored by .trivyignore:3: accepted risk`, `unfixed`.
pub fn exclusion(e: &Exclusion) -> String {
    match e {
        Exclusion::Ignored { rule, statement } if !statement.is_empty() => {
            format!("ignored by {rule}: {statement}")
        }
        Exclusion::Ignored { rule, .. } => format!("ignored by {rule}"),
        other => other.label().to_string(),
    }
}

/// Why Trivy suppressed a finding: its status, statement and source, as far as given.
pub fn suppression(s: &Suppression) -> String {
    [s.status.as_str(), s.statement.as_str(), s.source.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The scores one CVSS source gave, newest version first: (label, score, vector).
pub fn cvss_scores(c: &Cvss) -> Vec<(&'static str, Option<f64>, Option<&str>)> {
    [
        ("v4.0", c.v40_score, c.v40_vector.as_deref()),
        ("v3", c.v3_score, c.v3_vector.as_deref()),
        ("v2", c.v2_score, c.v2_vector.as_deref()),
    ]
    .into_iter()
    .filter(|(_, s, v)| s.is_some() || v.is_some())
    .collect()
}

/// One CVSS source on one line: `v3 7.5 CVSS:3.1/AV:N/… · v2 5.0 AV:N/…`.
pub fn cvss_line(c: &Cvss) -> String {
    cvss_scores(c)
        .into_iter()
        .map(|(label, s, v)| {
            let s = s.map(one_decimal).unwrap_or_default();
            format!("{label} {s} {}", v.unwrap_or(""))
                .trim()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_formatters() {
        assert_eq!(one_decimal(7.5), "7.5");
        assert_eq!(one_decimal(10.0), "10.0");
        assert_eq!(one_decimal(4.25), "4.3");
        assert_eq!(one_decimal(0.0), "0.0");
        assert_eq!(location(Some(3), Some(7)).as_deref(), Some("lines 3–7"));
        assert_eq!(location(Some(3), Some(3)).as_deref(), Some("line 3"));
        assert_eq!(location(None, Some(3)), None);
        let c = Cvss {
            v3_score: Some(7.5),
            v3_vector: Some("CVSS:3.1/AV:N".into()),
            v2_score: Some(5.0),
            ..Cvss::default()
        };
        assert_eq!(cvss_line(&c), "v3 7.5 CVSS:3.1/AV:N · v2 5.0");
        assert_eq!(
            exclusion(&Exclusion::Ignored {
                rule: ".trivyignore:3".into(),
                statement: "accepted".into()
            }),
            "ignored by .trivyignore:3: accepted"
        );
        assert_eq!(exclusion(&Exclusion::Unfixed), "unfixed");
    }

    #[test]
    fn only_http_links() {
        assert_eq!(
            safe_url("https://nvd.nist.gov/x"),
            Some("https://nvd.nist.gov/x")
        );
        assert_eq!(safe_url(" HTTP://a.b/c "), Some("HTTP://a.b/c"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url(" JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,<script>"), None);
        assert_eq!(safe_url("https://a b"), None);
        assert_eq!(safe_url("//evil.example"), None);
        assert_eq!(safe_url("https://"), None);
    }
}
