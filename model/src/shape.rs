//! What a document is, when it is not a Trivy report Scanlens reads, and how many findings a
//! Trivy document holds by a count that does not go through the typed reader.
//!
//! 1. [`describe`] names a refused document (a CycloneDX or SPDX SBOM, SARIF, one of Trivy's
//!    templates or table output, a Scanlens `report.json`, …) and says how to get a report
//!    Scanlens reads. It runs only on the way to an error, so it may read the document again.
//! 2. [`FindingKeys::count`] counts the keys that only findings carry (`"VulnerabilityID"`,
//!    `"RuleID"`, `"CauseMetadata"`) straight from the bytes. A report read into fewer findings
//!    than that lost some: the caller refuses it instead of showing less than Trivy wrote.

use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How to get a report Scanlens reads; ends every refusal.
pub const FIX: &str =
    "pass the file written by `trivy image|fs|repo|config|sbom|k8s ... --format json`";

/// One line naming what `bytes` is and what to do instead. `first` is the offset of its first
/// non-blank byte.
pub fn describe(bytes: &[u8], first: usize) -> String {
    let rest = &bytes[first..];
    match rest[0] {
        b'{' => describe_object(rest),
        b'[' => describe_array(rest),
        _ => describe_text(rest),
    }
}

/// The top-level keys that tell documents apart; values are only looked at where a key is shared.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Probe {
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<IgnoredAny>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<IgnoredAny>,
    runs: Option<IgnoredAny>,
    #[serde(rename = "$schema")]
    schema: Option<String>,
    scan: Option<IgnoredAny>,
    vulnerabilities: Option<IgnoredAny>,
    misconfigurations: Option<IgnoredAny>,
    #[serde(rename = "Findings")]
    findings: Option<IgnoredAny>,
    detector: Option<IgnoredAny>,
    manifests: Option<IgnoredAny>,
    invocation: Option<IgnoredAny>,
    scanner: Option<IgnoredAny>,
    generator: Option<String>,
    #[serde(rename = "catalogVersion")]
    catalog_version: Option<IgnoredAny>,
    #[serde(flatten)]
    rest: BTreeMap<String, IgnoredAny>,
}

fn describe_object(bytes: &[u8]) -> String {
    let Ok(p) = serde_json::from_slice::<Probe>(bytes) else {
        return format!("this JSON object is not a trivy report; {FIX}");
    };
    if p.bom_format.as_deref() == Some("CycloneDX") {
        "this is a CycloneDX SBOM, not a trivy report; scan it with `trivy sbom FILE --format json` and render that"
            .to_string()
    } else if p.spdx_version.is_some() || p.spdx_id.is_some() {
        "this is an SPDX SBOM, not a trivy report; scan it with `trivy sbom FILE --format json` and render that"
            .to_string()
    } else if p.catalog_version.is_some() && p.vulnerabilities.is_some() {
        format!("this is CISA's Known Exploited Vulnerabilities catalog, not a trivy report; {FIX}")
    } else if p
        .schema
        .as_deref()
        .is_some_and(|s| s.contains("json-schema.org"))
    {
        format!("this is a JSON Schema, not a trivy report; {FIX}")
    } else if p.runs.is_some() && p.schema.as_deref().is_some_and(|s| s.contains("sarif")) {
        "this is a SARIF log (`--format sarif`), which keeps only part of what trivy found; re-run trivy with --format json (or `trivy convert --format json` a saved JSON report)".to_string()
    } else if p
        .generator
        .as_deref()
        .is_some_and(|g| g.starts_with("scanlens"))
    {
        "this is a scanlens report.json, not trivy's JSON; compare it with `scanlens diff` or query it with `scanlens query`, or render the trivy JSON it came from (scan keeps it as trivy-image.json)".to_string()
    } else if p.scan.is_some() && p.vulnerabilities.is_some() {
        "this is trivy's GitLab template output (gitlab.tpl); re-run trivy with --format json"
            .to_string()
    } else if p.findings.is_some() {
        "this is trivy's AWS Security Hub output (asff.tpl); re-run trivy with --format json"
            .to_string()
    } else if p.detector.is_some() && p.manifests.is_some() {
        "this is trivy's GitHub dependency snapshot (`--format github`), which lists packages, not findings; re-run trivy with --format json".to_string()
    } else if p.invocation.is_some() && p.scanner.is_some() {
        "this is a cosign vulnerability attestation (`--format cosign-vuln`); re-run trivy with --format json".to_string()
    } else if p.vulnerabilities.is_some() || p.misconfigurations.is_some() {
        "this JSON object lists findings by ID only (`vulnerabilities`, `misconfigurations` in lower case), not trivy's report; re-run trivy with --format json".to_string()
    } else {
        let keys = keys_of(&p);
        format!("this JSON object is not a trivy report (its keys: {keys}); {FIX}")
    }
}

fn keys_of(p: &Probe) -> String {
    let mut keys: Vec<String> = p.rest.keys().take(6).map(|k| quote(k, 40)).collect();
    if keys.is_empty() {
        return "none".to_string();
    }
    if p.rest.len() > keys.len() {
        keys.push("…".to_string());
    }
    keys.join(", ")
}

/// An untrusted key for a message: at most `max` characters, control, invisible and reordering
/// characters (see [`invisible`]) shown escaped.
fn quote(s: &str, max: usize) -> String {
    let mut out = String::from("`");
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() || c == '`' || invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// Characters a terminal shows as nothing, or that reorder what follows: quoted escaped, so
/// that an error shows what the file holds.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ElementProbe {
    #[serde(rename = "Target")]
    target: Option<IgnoredAny>,
    check_name: Option<IgnoredAny>,
    fingerprint: Option<IgnoredAny>,
    #[serde(rename = "SchemaVersion")]
    schema_version: Option<IgnoredAny>,
    #[serde(rename = "ProductArn")]
    product_arn: Option<IgnoredAny>,
}

/// Whether an object is a Trivy report: it has `SchemaVersion`, `Results` or `ArtifactName` at
/// the top. Its fields are read as Trivy's Go reads them, in any case ([`crate::trivy::fold`]),
/// and `schemaversion` or `ARTIFACTNAME` make it a report too; but another tool's `results`
/// (OSV-Scanner's) does not make a document a report with nothing in it.
pub fn is_report_object(bytes: &[u8]) -> bool {
    struct Keys;
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<bool, A::Error> {
            let mut found = false;
            while let Some(key) = m.next_key::<std::borrow::Cow<str>>()? {
                let value = m.next_value::<Option<IgnoredAny>>()?;
                let named = ["SchemaVersion", "Results", "ArtifactName"].contains(&&*key)
                    || ["SchemaVersion", "ArtifactName"]
                        .iter()
                        .any(|f| crate::trivy::fold::folds_to(&key, f));
                found |= named && value.is_some();
            }
            Ok(found)
        }
    }
    use serde::Deserializer;
    serde_json::Deserializer::from_slice(bytes)
        .deserialize_map(Keys)
        .unwrap_or(false)
}

/// Whether every element of a legacy (schema-1) array is a result: Trivy always writes `Target`.
pub fn is_result_array(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Vec<ElementProbe>>(bytes)
        .is_ok_and(|v| v.iter().all(|e| e.target.is_some()))
}

fn describe_array(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Vec<ElementProbe>>(bytes) {
        Ok(v) if v.iter().any(|e| e.check_name.is_some() && e.fingerprint.is_some()) => {
            "this is trivy's GitLab Code Quality output (gitlab-codequality.tpl); re-run trivy with --format json".to_string()
        }
        Ok(v) if v.iter().any(|e| e.product_arn.is_some() || e.schema_version.is_some()) => {
            "this is trivy's AWS Security Hub output (asff.tpl); re-run trivy with --format json"
                .to_string()
        }
        _ => format!(
            "this JSON array is not a trivy report (a schema-1 report lists results, each with a `Target`); {FIX}"
        ),
    }
}

/// Whether `bytes` look like a Go template (`--template` input) rather than its output: one of
/// the actions every template starts with, near the top (a report's first few KB are its
/// metadata, not advisory text that might quote a template).
pub fn is_template(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    [&b"{{-"[..], b"{{ range", b"{{range", b"{{ if", b"{{ $"]
        .iter()
        .any(|action| memchr::memmem::find(head, action).is_some())
}

/// What to say of a document that looks like a template.
pub const TEMPLATE: &str = "this is a Go template (trivy's --template input), not a report; render the JSON trivy writes with --format json";

fn describe_text(bytes: &[u8]) -> String {
    let start = &bytes[..bytes.len().min(64)];
    let binary =
        start.contains(&0) || std::str::from_utf8(start).is_err_and(|e| e.error_len().is_some());
    if binary {
        let hex: Vec<String> = start.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!(
            "this is binary data, not JSON (it starts with the bytes {}); {FIX}",
            hex.join(" ")
        );
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let lower = head.to_ascii_lowercase();
    if bytes.starts_with(b"\xef\xbb\xbf") {
        "not JSON: it starts with a byte order mark (U+FEFF), which JSON readers (trivy's too) \
         refuse; save the file as UTF-8 without BOM, or pass the file trivy wrote with \
         --format json"
            .to_string()
    } else if is_template(bytes) {
        TEMPLATE.to_string()
    } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        "this is an HTML page (trivy's html.tpl?), not JSON; re-run trivy with --format json"
            .to_string()
    } else if lower.starts_with("<?xml") || lower.starts_with("<testsuites") {
        "this is XML (trivy's junit.tpl?), not JSON; re-run trivy with --format json".to_string()
    } else if head.contains("Report Summary")
        || head.contains("Total: ")
        || head.contains('┌')
        || head.contains("═══")
        || head
            .lines()
            .any(|l| l.len() > 3 && l.bytes().all(|b| b == b'='))
    {
        "this is trivy's table output, not JSON; re-run trivy with --format json".to_string()
    } else {
        let line = head.lines().next().unwrap_or("");
        format!(
            "not JSON (it starts with {}); {FIX}",
            quote(line.trim(), 40)
        )
    }
}

/// Findings counted by keys only findings carry, straight from the bytes.
///
/// Inside a JSON string a quote is escaped, so `"VulnerabilityID"` followed by `:` occurs only as
/// a key. A key written with escapes (`"Vulnerabilit\u0079ID"`) is not counted, which only makes
/// the count lower: it is a floor for what a complete reading finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingKeys {
    pub vulnerabilities: usize,
    /// Misconfigurations: Trivy's Go structs always write `CauseMetadata` (a struct, never
    /// omitted) for each.
    pub misconfigurations: usize,
    pub secrets: usize,
}

impl FindingKeys {
    pub fn count(bytes: &[u8]) -> FindingKeys {
        FindingKeys {
            vulnerabilities: count_key(bytes, b"\"VulnerabilityID\""),
            misconfigurations: count_key(bytes, b"\"CauseMetadata\""),
            secrets: count_key(bytes, b"\"RuleID\""),
        }
    }
}

fn count_key(bytes: &[u8], key: &[u8]) -> usize {
    memchr::memmem::find_iter(bytes, key)
        .filter(|&at| {
            let after = &bytes[at + key.len()..];
            after
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b':')
        })
        .count()
}

/// Refuses a reading that holds fewer findings of a kind than the document's keys show: part
/// of the document is in a layout this reader does not know, and a report of it would say less
/// than Trivy wrote. `read` is what was made of `bytes`.
pub fn check_complete(bytes: &[u8], read: &[crate::Finding]) -> Result<(), String> {
    use crate::Kind;
    let keys = FindingKeys::count(bytes);
    let mut got = FindingKeys::default();
    for f in read {
        match f.kind {
            Kind::Vulnerability => got.vulnerabilities += 1,
            Kind::Misconfiguration => got.misconfigurations += 1,
            Kind::Secret => got.secrets += 1,
            Kind::License => {}
        }
    }
    for (what, key, want, have) in [
        (
            "vulnerabilities",
            "VulnerabilityID",
            keys.vulnerabilities,
            got.vulnerabilities,
        ),
        (
            "misconfigurations",
            "CauseMetadata",
            keys.misconfigurations,
            got.misconfigurations,
        ),
        ("secrets", "RuleID", keys.secrets, got.secrets),
    ] {
        if have < want {
            return Err(format!(
                "it holds {want} {what} (`{key}` keys) but scanlens found {have} in the places trivy puts them, so part of it is in a layout scanlens does not read; nothing was written (report the layout to scanlens, and render trivy's own `--format json` output)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        let first = s.bytes().position(|b| !b.is_ascii_whitespace()).unwrap();
        describe(s.as_bytes(), first)
    }

    #[test]
    fn names_each_shape_and_the_fix() {
        assert!(d(r#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#).contains("CycloneDX SBOM"));
        assert!(d(r#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}"#).contains("SPDX"));
        assert!(d(
            r#"{"version":"2.1.0","$schema":"https://x/sarif-schema-2.1.0.json","runs":[]}"#
        )
        .contains("SARIF"));
        assert!(
            d(r#"{"version":1,"generator":"scanlens 0.1.0","findings":[]}"#)
                .contains("scanlens report.json")
        );
        assert!(d(r#"{"version":"15.0.7","scan":{},"vulnerabilities":[]}"#).contains("GitLab"));
        assert!(d(r#"{"Findings":[]}"#).contains("Security Hub"));
        assert!(d(r#"{"version":0,"detector":{},"manifests":{}}"#).contains("dependency snapshot"));
        assert!(d(r#"[{"check_name":"x","fingerprint":"y"}]"#).contains("Code Quality"));
        assert!(d("<!DOCTYPE html>\n<html>").contains("HTML"));
        assert!(d("<?xml version=\"1.0\" ?>").contains("XML"));
        assert!(d("\nReport Summary\n\n┌────").contains("table output"));
        assert!(d("x (alpine 3.10)\n==============\nTotal: 1").contains("table output"));
        assert!(d("\u{feff}{\"SchemaVersion\":2}").contains("byte order mark (U+FEFF)"));
        assert!(
            d("x\u{202e}\u{200b}\u{2028}y").contains("`x\\u{202e}\\u{200b}\\u{2028}y`"),
            "{}",
            d("x\u{202e}\u{200b}\u{2028}y")
        );
        let unknown = d(r#"{"foo":1,"bar\u0007":2}"#);
        assert!(
            unknown.contains("`bar\\u{7}`") && unknown.contains(FIX),
            "{unknown}"
        );
        assert!(d("[1,2]").contains("schema-1"));
        assert!(describe(b"\x7fELF\0\x01", 0)
            .contains("binary data, not JSON (it starts with the bytes 7f 45 4c 46 00 01)"));
        assert!(describe(b"r\xc6\x8b\xff\xfe", 0).contains("binary data"));
        assert!(d("<?xml?>\n{{- range . }}x{{ end }}").contains("Go template"));
        assert!(d(r#"{"catalogVersion":"1","vulnerabilities":[]}"#).contains("Known Exploited"));
        assert!(
            d(r#"{"$schema":"http://json-schema.org/draft-07/schema#"}"#).contains("JSON Schema")
        );
    }

    #[test]
    fn counts_keys_not_text() {
        let doc = br#"{"Results":[{"Vulnerabilities":[{"VulnerabilityID" : "CVE-1","Title":"\"VulnerabilityID\": x"},
            {"VulnerabilityID":"CVE-2"}],"Secrets":[{"RuleID":"a"}],"Misconfigurations":[{"CauseMetadata":{}}]}]}"#;
        assert_eq!(
            FindingKeys::count(doc),
            FindingKeys {
                vulnerabilities: 2,
                misconfigurations: 1,
                secrets: 1
            }
        );
    }

    /// Another tool's `results` (OSV-Scanner) is not Trivy's `Results`, though Trivy's Go would
    /// read the key as that field once it reads the file as a report (which `trivy convert`
    /// refuses for want of an artifact): refused by name, never a report with nothing in it.
    #[test]
    fn a_report_is_known_by_a_key_spelled_as_trivy_spells_it() {
        let osv = r#"{"results":[{"source":{"path":"package-lock.json"},"packages":[]}]}"#;
        assert!(!is_report_object(osv.as_bytes()));
        let e = crate::parse(osv.as_bytes()).expect_err("refused");
        assert!(e.message.contains("is not a trivy report"), "{}", e.message);
        for doc in [
            r#"{"SchemaVersion":2,"results":[]}"#,
            r#"{"Results":null,"ArtifactName":"a"}"#,
            r#"{"ArtifactName":"a"}"#,
        ] {
            assert!(is_report_object(doc.as_bytes()), "{doc}");
        }
        assert!(is_report_object(br#"{"schemaversion":2,"results":[]}"#));
        assert!(is_report_object(br#"{"ARTIFACTNAME":"a"}"#));
        assert!(!is_report_object(br#"{"results":[],"artifact":"a"}"#));
    }

    #[test]
    fn result_arrays_need_targets() {
        assert!(is_result_array(br#"[{"Target":"a"},{"Target":""}]"#));
        assert!(is_result_array(b"[]"));
        assert!(!is_result_array(br#"[{"Target":"a"},{"check_name":"x"}]"#));
    }
}
