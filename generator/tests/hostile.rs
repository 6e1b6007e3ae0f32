//! Hostile advisory text: every string in a Trivy report is an attack, and the page, the summary
//! and the report must carry it as inert text.

mod common;

use serde_json::Value;

const PAYLOAD: &str = r#"<script>document.body.setAttribute('data-pwned','1')</script>"><img src=x onerror="document.body.setAttribute('data-pwned','2')">'"--><svg/onload=alert(1)>`|[x](javascript:alert(1))"#;
const BAD_URLS: [&str; 4] = [
    "javascript:alert(document.domain)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
];

fn poison(v: &mut Value, key: &str, n: &mut usize) {
    match v {
        Value::String(s) => {
            *n += 1;
            if key == "References" || key == "PrimaryURL" || key == "Link" || key == "URL" {
                *s = BAD_URLS[*n % BAD_URLS.len()].to_string();
            } else {
                s.push_str(PAYLOAD);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| poison(x, key, n)),
        Value::Object(o) => o.iter_mut().for_each(|(k, x)| poison(x, k, n)),
        _ => {}
    }
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn hostile_strings_stay_inert() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for name in [
        "local-trivy-0.76/debian-image-vuln-secret.json",
        "local-trivy-0.76/dockerfile-config.json",
        "trivy-golden/secrets.json.golden",
        "trivy-golden/license-cyclonedx.json.golden",
        "trivy-golden/convert/npm-with-suppressed.json.golden",
        "trivy-golden/alpine-310.json.golden",
    ] {
        let mut v: Value =
            serde_json::from_slice(&std::fs::read(root.join(name)).unwrap()).unwrap();
        let mut n = 0;
        poison(&mut v, "", &mut n);
        assert!(n > 10, "{name}: poisoned {n} strings");
        let p = dir.path().join(name.replace('/', "_"));
        std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
        inputs.push(p);
    }
    let benign_inputs: Vec<_> = [
        "local-trivy-0.76/debian-image-vuln-secret.json",
        "trivy-golden/alpine-310.json.golden",
    ]
    .iter()
    .map(|n| root.join(n))
    .collect();

    let report = scanlens::input::read_reports(&inputs).unwrap();
    assert!(report.findings.len() > 10);
    let out = dir.path().join("out");
    scanlens::commands::render_report(&report, &out).unwrap();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();

    let benign = scanlens::input::read_reports(&benign_inputs).unwrap();
    let benign_out = dir.path().join("benign");
    scanlens::commands::render_report(&benign, &benign_out).unwrap();
    let benign_html = std::fs::read_to_string(benign_out.join("index.html")).unwrap();

    // The payload is shown as text...
    assert!(
        html.contains("&#60;script&#62;document.body.setAttribute("),
        "payload shown escaped"
    );
    // ...and never as markup: no element the page did not write itself.
    for tag in ["<script", "</script", "<img", "<svg", "<iframe", "<object"] {
        assert_eq!(
            count(&html, tag),
            count(&benign_html, tag),
            "hostile text added {tag} elements"
        );
    }
    assert!(
        !html.contains("onerror=\"document"),
        "an attribute escaped its quotes"
    );
    // Links only for http(s), and the page's own anchors (`#d3`, `#artifacts-h`: names it
    // makes itself, never from the report).
    let own_anchor = |rest: &str| {
        rest.strip_prefix('#')
            .and_then(|r| r.split_once('"'))
            .is_some_and(|(name, _)| {
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    for (i, _) in html.match_indices("href=\"") {
        let rest = &html[i + 6..];
        assert!(
            rest.starts_with("http://") || rest.starts_with("https://") || own_anchor(rest),
            "non-http link: {}",
            &rest[..rest.len().min(60)]
        );
    }
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    // A strict CSP is present.
    assert!(
        html.contains(
            r#"<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;"#
        ) || html
            .contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'"#)
    );

    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        !md.contains("<script") && !md.contains("<img"),
        "raw HTML in summary.md"
    );
    assert!(
        !md.to_ascii_lowercase().contains("](javascript"),
        "javascript link in summary.md"
    );
    assert!(
        !md.to_ascii_lowercase().contains("](data:"),
        "data link in summary.md"
    );
}
