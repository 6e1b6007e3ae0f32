//! How findings are shown: the display rules the page, `summary.md`, SARIF and the viewer share,
//! so that a location, a score or an exclusion reads the same everywhere.

use crate::report::{Cvss, Exclusion, GateResult, GateRule, Severity, SeverityCounts, Suppression};
use crate::triage::{Epss, Kev, Remediation};

/// Returns the URL if it may become a link: `http` or `https`, no spaces or control characters.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u.chars().any(|c| c.is_whitespace() || c.is_control());
    (scheme_ok && clean && u.len() > 8).then_some(u)
}

/// A time for a reader without JavaScript, to the minute: `2021-08-25 12:20 UTC`. Pages put the
/// exact time (`date::format_rfc3339`) beside it for the browser to show in the reader's zone.
pub fn utc_minute(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => "invalid time".to_string(),
    }
}

/// A scan time as Trivy wrote it (`2021-08-25T12:20:30.000000005Z`), for a reader:
/// `2021-08-25 12:20 UTC`; text that is not a time is shown as it is.
pub fn scan_time(raw: &str) -> String {
    crate::date::parse_timestamp(raw).map_or_else(|| raw.to_string(), utc_minute)
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

/// Where a package is listed in its lock file: `line 4`, `lines 11–15`, or for a package listed
/// in several places `lines 5–9, 20–24`.
pub fn places(ranges: &[crate::report::LineRange]) -> Option<String> {
    match ranges {
        [] => None,
        [one] => location(Some(one.start), Some(one.end)),
        many => Some(format!(
            "lines {}",
            many.iter()
                .map(|l| match l.end > l.start {
                    true => format!("{}–{}", l.start, l.end),
                    false => l.start.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// What to do about secrets Trivy found in artifacts of these types (`container_image`,
/// `filesystem`, …), the one instruction the summary, the page, the viewer and SARIF give: the
/// credential is out once anyone can read it, so it is revoked and rotated first; in an image,
/// deleting the file in a later layer leaves it in the layer that added it.
pub fn secret_remedy<'a>(artifact_types: impl IntoIterator<Item = &'a str>) -> &'static str {
    let (mut image, mut other) = (false, false);
    for t in artifact_types {
        if t == "container_image" {
            image = true;
        } else {
            other = true;
        }
    }
    match (image, other) {
        (true, false) => "Revoke and rotate the credential: whoever can pull the image can read it. Then rebuild without the file (deleting it in a later layer leaves it in the earlier one).",
        (true, true) => "Revoke and rotate the credential: whoever can pull the image, or read the file or its history, has it. Then remove it, load it from a secret store, and rebuild the image without the file (deleting it in a later layer leaves it in the earlier one).",
        _ => "Revoke and rotate the credential: whoever can read the file, or its history, has it. Then remove it and load it from a secret store.",
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

/// Each rule of the gate that tripped, in words: `3 finding(s) at CRITICAL, HIGH`,
/// `1 in CISA's KEV catalog (--fail-on-kev)`, `2 with EPSS >= 0.1 (--fail-on-epss)`.
pub fn gate_tripped(g: &GateResult) -> Vec<String> {
    g.tripped()
        .into_iter()
        .map(|rule| match rule {
            GateRule::Severity => format!("{} finding(s) at {}", g.failing, severities(&g.fail_on)),
            GateRule::Kev => format!(
                "{} in CISA's KEV catalog (--fail-on-kev)",
                g.failing_kev.unwrap_or(0)
            ),
            GateRule::Epss => format!(
                "{} with EPSS >= {} (--fail-on-epss)",
                g.failing_epss.unwrap_or(0),
                plain_number(g.fail_on_epss.unwrap_or(0.0))
            ),
            GateRule::Eol => format!("{} past its end of life (--exit-on-eol)", g.eol.join(", ")),
        })
        .collect()
}

/// Each rule of a gate that held, in words: `nothing at CRITICAL, HIGH`, `nothing in CISA's KEV
/// catalog`, `nothing with EPSS >= 0.1`.
pub fn gate_held(g: &GateResult) -> Vec<String> {
    let mut held = Vec::new();
    if !g.fail_on.is_empty() {
        held.push(format!("nothing at {}", severities(&g.fail_on)));
    }
    if g.fail_on_kev {
        held.push("nothing in CISA's KEV catalog".to_string());
    }
    if let Some(score) = g.fail_on_epss {
        held.push(format!("nothing with EPSS >= {}", plain_number(score)));
    }
    if g.fail_on_eol {
        held.push("no OS past its end of life".to_string());
    }
    held
}

/// What `--severity` limits the gate and summary.md to, if it does: `only CRITICAL, HIGH count
/// (--severity); 12 at other severities are in report.json and index.html`.
pub fn severity_scope(g: &GateResult, left_out: usize) -> Option<String> {
    if g.severities.is_empty() {
        return None;
    }
    Some(format!(
        "only {} count (--severity); {left_out} finding(s) at other severities are in report.json and index.html",
        severities(&g.severities)
    ))
}

/// The gate's verdict in one phrase: `gate failed: …` ([`gate_tripped`]), `gate passed: …`
/// ([`gate_held`]) or `no gate set`.
pub fn gate_verdict(g: &GateResult) -> String {
    if g.failed {
        format!("gate failed: {}", gate_tripped(g).join(", "))
    } else if g.has_rules() {
        format!("gate passed: {}", gate_held(g).join(", "))
    } else {
        "no gate set".to_string()
    }
}

/// A phrase as a sentence: capital first letter, full stop (`gate passed: …` → `Gate passed: ….`).
pub fn sentence(phrase: &str) -> String {
    let mut chars = phrase.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn severities(list: &[Severity]) -> String {
    list.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts by severity, most severe first, leaving out zeros: `2 critical, 5 high`.
pub fn severity_counts(c: &SeverityCounts) -> String {
    Severity::ALL
        .iter()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} {}", c.get(*s), s.as_str().to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One fix-plan entry as an instruction: `upgrade openssl 3.0.2 → 3.0.15: fixes 12 (2 critical,
/// 5 high)`. Where no version can be chosen the line names none, and the entry's note says
/// why (callers show it beside).
pub fn upgrade(r: &Remediation) -> String {
    match &r.upgrade_to {
        Some(v) => format!(
            "upgrade {} {} → {v}: fixes {}",
            r.package,
            r.installed,
            fixes(r)
        ),
        None => format!("upgrade {} {}: fixes {}", r.package, r.installed, fixes(r)),
    }
}

/// `12 (2 critical, 5 high)`.
pub fn fixes(r: &Remediation) -> String {
    let by = severity_counts(&r.counts);
    if by.is_empty() {
        r.fixes.len().to_string()
    } else {
        format!("{} ({by})", r.fixes.len())
    }
}

/// A probability as a percentage with one decimal: `97.2%`.
pub fn percent(p: f64) -> String {
    format!("{}%", one_decimal(p * 100.0))
}

/// An EPSS score: `EPSS 97.2% (percentile 99.9, 2025-03-14)`.
pub fn epss(e: &Epss) -> String {
    format!(
        "EPSS {} (percentile {}, {})",
        percent(e.score),
        one_decimal(e.percentile * 100.0),
        e.date
    )
}

/// A KEV entry in one line: `in CISA's KEV catalog since 2022-04-04, due 2022-04-25, used in
/// ransomware`.
pub fn kev(k: &Kev) -> String {
    let mut s = format!("in CISA's KEV catalog since {}", k.date_added);
    if !k.due_date.is_empty() {
        s.push_str(&format!(", due {}", k.due_date));
    }
    if k.ransomware {
        s.push_str(", used in ransomware");
    }
    s
}

/// Where an image layer came from, as a group heading starts: `Base image layer`.
pub fn layer_origin(o: crate::triage::LayerOrigin) -> &'static str {
    match o {
        crate::triage::LayerOrigin::Base => "Base image layer",
        crate::triage::LayerOrigin::Own => "Own layer",
        crate::triage::LayerOrigin::Unknown => "Layer",
    }
}

/// `text` cut to at most `max` characters in the middle, where package names and paths hold
/// the least: `com.fasterxml.jackson.core:jackson-databind` → `com.fasterx…ackson-databind`.
/// The end keeps a little more than the start, since it names the thing itself.
pub fn middle_ellipsis(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let n = text.chars().count();
    if n <= max || max < 3 {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = max - 1;
    let head = keep / 2;
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(n - tail).collect();
    std::borrow::Cow::Owned(format!("{start}…{end}"))
}

/// An EPSS score as a short figure for a column: `97.2%`, `0.4%`, `<0.1%`.
pub fn epss_short(score: f64) -> String {
    if score > 0.0 && score < 0.0005 {
        "<0.1%".to_string()
    } else {
        percent(score)
    }
}

/// What every output says of an OS release past its end of support; each medium marks it its
/// own way (colour on the pages, bold in the summary).
pub const END_OF_SUPPORT: &str = "end of support";

/// An OS release without its support state: `debian 12.5`.
pub fn os_release(o: &crate::report::OsInfo) -> String {
    format!("{} {}", o.family, o.name).trim().to_string()
}

/// An operating system as a header shows it: `debian 12.5`, `alpine 3.10.9 (end of support)`.
pub fn os(o: &crate::report::OsInfo) -> String {
    let mut s = os_release(o);
    if o.eosl {
        s.push_str(&format!(" ({END_OF_SUPPORT})"));
    }
    s
}

/// What was scanned, as a title: an image by its name; anything else with its kind, so that a
/// filesystem scan of the current folder reads `filesystem .`, not a bare `.`.
pub fn artifact_title(a: &crate::report::Artifact) -> String {
    let kind = a.artifact_type.replace('_', " ");
    match a.artifact_type.as_str() {
        "container_image" | "" => a.name.clone(),
        _ if a.name.is_empty() => kind,
        _ => format!("{kind} {}", a.name),
    }
}

/// A number as Rust's `{}` writes it for up to six decimals (`0.1`, `1`, `0.25`), without the
/// float formatting machinery, which costs the wasm viewer ~20 KB (the gate's EPSS threshold).
pub fn plain_number(x: f64) -> String {
    if !x.is_finite() {
        return "NaN".to_string();
    }
    let m = (x.abs() * 1e6).round() as u64;
    let sign = if x < 0.0 && m > 0 { "-" } else { "" };
    let frac = format!("{:06}", m % 1_000_000);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{}", m / 1_000_000)
    } else {
        format!("{sign}{}.{frac}", m / 1_000_000)
    }
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
        let at = |start, end| crate::report::LineRange { start, end };
        assert_eq!(places(&[]), None);
        assert_eq!(places(&[at(11, 15)]).as_deref(), Some("lines 11–15"));
        assert_eq!(
            places(&[at(5, 9), at(20, 20)]).as_deref(),
            Some("lines 5–9, 20")
        );
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
    fn gate_and_triage_wording() {
        let mut g = GateResult {
            failed: true,
            fail_on: vec![Severity::Critical, Severity::High],
            failing: 3,
            fail_on_kev: true,
            failing_kev: Some(1),
            fail_on_epss: Some(0.1),
            failing_epss: Some(0),
            ..GateResult::default()
        };
        assert_eq!(
            gate_verdict(&g),
            "gate failed: 3 finding(s) at CRITICAL, HIGH, 1 in CISA's KEV catalog (--fail-on-kev)"
        );
        g.failed = false;
        assert_eq!(
            gate_verdict(&g),
            "gate passed: nothing at CRITICAL, HIGH, nothing in CISA's KEV catalog, nothing with EPSS >= 0.1"
        );
        assert_eq!(gate_verdict(&GateResult::default()), "no gate set");
        let mut r = Remediation {
            package: "openssl".into(),
            installed: "3.0.2".into(),
            upgrade_to: Some("3.0.15".into()),
            fixes: vec!["CVE-1".into(), "CVE-2".into(), "CVE-3".into()],
            ..Remediation::default()
        };
        r.counts.add(Severity::Critical);
        r.counts.add(Severity::High);
        r.counts.add(Severity::High);
        assert_eq!(
            upgrade(&r),
            "upgrade openssl 3.0.2 → 3.0.15: fixes 3 (1 critical, 2 high)"
        );
        r.upgrade_to = None;
        assert_eq!(
            upgrade(&r),
            "upgrade openssl 3.0.2: fixes 3 (1 critical, 2 high)"
        );
        let e = Epss {
            score: 0.97234,
            percentile: 0.99912,
            date: "2025-03-14".into(),
        };
        assert_eq!(epss(&e), "EPSS 97.2% (percentile 99.9, 2025-03-14)");
        let k = Kev {
            date_added: "2022-04-04".into(),
            due_date: "2022-04-25".into(),
            ransomware: true,
            ..Kev::default()
        };
        assert_eq!(
            kev(&k),
            "in CISA's KEV catalog since 2022-04-04, due 2022-04-25, used in ransomware"
        );
    }

    #[test]
    fn times_read_to_the_minute_in_utc() {
        let t = crate::date::parse_timestamp("2021-08-25T12:20:30.000000005Z").unwrap();
        assert_eq!(utc_minute(t), "2021-08-25 12:20 UTC");
        let t = crate::date::parse_timestamp("2021-08-25T01:05:59+02:00").unwrap();
        assert_eq!(utc_minute(t), "2021-08-24 23:05 UTC");
        assert_eq!(utc_minute(i64::MAX), "invalid time");
        assert_eq!(
            scan_time("2021-08-25T01:05:59+02:00"),
            "2021-08-24 23:05 UTC"
        );
        assert_eq!(scan_time("yesterday"), "yesterday");
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

    #[test]
    fn middle_ellipsis_keeps_both_ends() {
        assert_eq!(middle_ellipsis("openssl", 10), "openssl");
        let long = "com.fasterxml.jackson.core:jackson-databind";
        let cut = middle_ellipsis(long, 20);
        assert_eq!(cut.chars().count(), 20);
        assert!(
            cut.starts_with("com.faste") && cut.ends_with("n-databind"),
            "{cut}"
        );
        assert_eq!(middle_ellipsis("äöüäöüäöü", 5), "äö…öü");
        assert_eq!(epss_short(0.97234), "97.2%");
        assert_eq!(epss_short(0.0001), "<0.1%");
        assert_eq!(epss_short(0.0), "0.0%");
        assert_eq!(
            layer_origin(crate::triage::LayerOrigin::Base),
            "Base image layer"
        );
    }

    #[test]
    fn artifacts_and_systems() {
        let mut a = crate::report::Artifact {
            name: ".".into(),
            artifact_type: "filesystem".into(),
            ..Default::default()
        };
        assert_eq!(artifact_title(&a), "filesystem .");
        a.artifact_type = "container_image".into();
        a.name = "alpine:3.10".into();
        assert_eq!(artifact_title(&a), "alpine:3.10");
        let o = crate::report::OsInfo {
            family: "alpine".into(),
            name: "3.10.9".into(),
            eosl: true,
        };
        assert_eq!(os(&o), "alpine 3.10.9 (end of support)");
    }

    #[test]
    fn plain_numbers_read_as_rust_writes_them() {
        for x in [0.1, 1.0, 0.25, 0.123456, 0.0, 10.5, 0.5, 0.05, -0.3] {
            assert_eq!(plain_number(x), format!("{x}"));
        }
    }
}
