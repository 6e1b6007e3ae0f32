use super::*;
use scanlens_model::{Artifact, Cvss, Exclusion, MisconfDetail, Package, SecretDetail};
use serde_json::Value;

fn vuln(id: &str, sev: Severity, score: Option<f64>) -> Finding {
    Finding {
        kind: Kind::Vulnerability,
        id: id.into(),
        severity: sev,
        target: "app:1.0 (debian 12.5)".into(),
        class: "os-pkgs".into(),
        title: format!("{id} title"),
        description: format!("{id} description").into(),
        primary_url: Some(format!("https://avd.aquasec.com/nvd/{}", id.to_lowercase())),
        package: Some(std::sync::Arc::new(Package {
            name: "openssl".into(),
            installed_version: "3.0.1".into(),
            fixed_version: "3.0.2".into(),
            ..Default::default()
        })),
        severity_source: Some("nvd".into()),
        cvss: score
            .map(|s| {
                [(
                    "nvd".to_string(),
                    Cvss {
                        v3_score: Some(s),
                        ..Default::default()
                    },
                )]
                .into()
            })
            .unwrap_or_default(),
        ..Default::default()
    }
}

fn report(findings: Vec<Finding>) -> Report {
    Report {
        artifacts: vec![Artifact {
            name: "ghcr.io/acme/app:1.0".into(),
            artifact_type: "container_image".into(),
            ..Default::default()
        }],
        findings,
        ..Default::default()
    }
}

fn json(s: &Sarif) -> Value {
    serde_json::from_slice(&s.bytes).unwrap()
}

#[test]
fn levels_scores_rules_and_locations() {
    let mut misconf = Finding {
        kind: Kind::Misconfiguration,
        id: "DS-0002".into(),
        severity: Severity::High,
        target: "/docker/app/Dockerfile".into(),
        class: "config".into(),
        status: Some("FAIL".into()),
        misconfiguration: Some(std::sync::Arc::new(MisconfDetail {
            check_type: "dockerfile".into(),
            message: "Specify at least 1 USER command".into(),
            start_line: Some(3),
            end_line: Some(4),
            ..Default::default()
        })),
        primary_url: Some("javascript:alert(1)".into()),
        ..Default::default()
    };
    let secret = Finding {
        kind: Kind::Secret,
        id: "aws-access-key-id".into(),
        severity: Severity::Critical,
        target: "etc/key file.txt".into(),
        class: "secret".into(),
        secret: Some(std::sync::Arc::new(SecretDetail {
            category: "AWS".into(),
            matched: "key=****".into(),
            start_line: Some(7),
            ..Default::default()
        })),
        ..Default::default()
    };
    let passed = Finding {
        status: Some("PASS".into()),
        id: "DS-0001".into(),
        ..misconf.clone()
    };
    misconf.excluded = Some(Exclusion::Ignored {
        rule: ".trivyignore:1".into(),
        statement: String::new(),
    });
    let r = report(vec![
        vuln("CVE-1", Severity::Medium, Some(5.3)),
        vuln("CVE-1", Severity::Medium, Some(5.3)),
        vuln("CVE-2", Severity::Low, None),
        misconf,
        secret,
        passed,
    ]);
    let s = render(&r, "scanlens/ghcr.io/acme/app/");
    assert_eq!((s.results, s.dropped, s.trimmed_to), (5, 0, None));
    assert!(s.note().is_none());
    let v = json(&s);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "scanlens/ghcr.io/acme/app/");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // Most severe first; one rule per ID; the passing check is not a result.
    assert_eq!(ids, ["aws-access-key-id", "DS-0002", "CVE-1", "CVE-2"]);
    let results = run["results"].as_array().unwrap();
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error", "warning", "warning", "note"]);
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    assert_eq!(rules[2]["properties"]["security-severity"], "5.3");
    assert_eq!(rules[3]["properties"]["security-severity"], "2.0");
    assert_eq!(rules[0]["properties"]["security-severity"], "9.5");
    assert_eq!(
        rules[2]["properties"]["tags"],
        serde_json::json!(["vulnerability", "security", "MEDIUM"])
    );
    assert_eq!(rules[2]["name"], "OsPackageVulnerability");
    assert_eq!(rules[2]["helpUri"], "https://avd.aquasec.com/nvd/cve-1");
    assert!(rules[1].get("helpUri").is_none(), "only http(s) links");

    let loc = |r: &Value| r["locations"][0]["physicalLocation"].clone();
    assert_eq!(
        loc(&results[0])["artifactLocation"]["uri"],
        "etc/key%20file.txt"
    );
    assert_eq!(loc(&results[0])["region"]["startLine"], 7);
    assert_eq!(
        loc(&results[1])["artifactLocation"]["uri"],
        "docker/app/Dockerfile"
    );
    assert_eq!(loc(&results[1])["region"]["startLine"], 3);
    assert_eq!(loc(&results[1])["region"]["endLine"], 4);
    assert_eq!(results[1]["suppressions"][0]["kind"], "external");
    assert_eq!(
        loc(&results[2])["artifactLocation"]["uri"],
        "ghcr.io/acme/app"
    );
    assert_eq!(loc(&results[2])["region"]["startLine"], 1);
    assert!(results[2]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("Installed Version: 3.0.1"));
    // Two identical findings share one fingerprint; different ones do not.
    assert_eq!(
        results[2]["partialFingerprints"],
        results[3]["partialFingerprints"]
    );
    assert_ne!(
        results[2]["partialFingerprints"],
        results[4]["partialFingerprints"]
    );
}

#[test]
fn feeds_become_result_properties_and_a_kev_tag() {
    use scanlens_model::{Epss, Feed, Kev};
    let plain = render(&report(vec![vuln("CVE-1", Severity::High, None)]), "c");
    let v = json(&plain);
    assert!(v["runs"][0]["results"][0].get("properties").is_none());
    let mut exploited = vuln("CVE-1", Severity::High, None);
    exploited.kev = Feed::Listed(Kev {
        date_added: "2022-04-04".into(),
        due_date: "2022-04-25".into(),
        ransomware: true,
        name: "Spring4Shell".into(),
        required_action: "Apply updates.".into(),
    });
    exploited.epss = Feed::Listed(Epss {
        score: 0.94432,
        percentile: 0.99961,
        date: "2025-03-15".into(),
    });
    let mut other = vuln("CVE-2", Severity::High, None);
    other.kev = Feed::Unlisted;
    other.epss = Feed::Unlisted;
    let mut kev_only = vuln("CVE-3", Severity::Low, None);
    kev_only.kev = Feed::Unlisted;
    let v = json(&render(&report(vec![exploited, other, kev_only]), "c"));
    let run = &v["runs"][0];
    let results = run["results"].as_array().unwrap();
    let p = &results[0]["properties"];
    assert_eq!(p["kev"]["date_added"], "2022-04-04");
    assert_eq!(p["kev"]["ransomware"], true);
    assert_eq!(p["kev"]["name"], "Spring4Shell");
    assert_eq!(p["epss"]["score"], 0.94432);
    assert_eq!(p["epss"]["percentile"], 0.99961);
    assert_eq!(p["epss"]["date"], "2025-03-15");
    assert_eq!(
        results[1]["properties"],
        serde_json::json!({"kev": null, "epss": null})
    );
    assert_eq!(results[2]["properties"], serde_json::json!({"kev": null}));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules[0]["properties"]["tags"],
        serde_json::json!(["vulnerability", "security", "HIGH", "kev"])
    );
    assert_eq!(
        rules[1]["properties"]["tags"],
        serde_json::json!(["vulnerability", "security", "HIGH"])
    );
}

#[test]
fn keeps_the_5000_most_severe() {
    let mut findings = Vec::new();
    for i in 0..6000 {
        let sev = if i % 3 == 0 {
            Severity::Low
        } else {
            Severity::Critical
        };
        findings.push(vuln(&format!("CVE-{i}"), sev, None));
    }
    let s = render(&report(findings), "c");
    assert_eq!((s.results, s.dropped), (5000, 1000));
    assert!(s.note().unwrap().contains("5000 most severe of 6000"));
    let v = json(&s);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5000);
    let errors = results.iter().filter(|r| r["level"] == "error").count();
    assert_eq!(errors, 4000, "every CRITICAL kept");
    assert_eq!(v["runs"][0]["properties"]["resultsDropped"], 1000);
}

#[test]
fn huge_descriptions_are_trimmed_to_fit_the_gzipped_limit() {
    // Incompressible text, so that only trimming can meet the limit (scaled down from 10 MB).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut noise = |n: usize| -> String {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'!' + (x % 90) as u8)
            })
            .collect()
    };
    let findings: Vec<Finding> = (0..200)
        .map(|i| Finding {
            description: noise(8192).into(),
            ..vuln(&format!("CVE-{i}"), Severity::High, Some(7.5))
        })
        .collect();
    let r = report(findings);
    let full = render_within(&r, "c", MAX_RESULTS, usize::MAX);
    assert_eq!(full.trimmed_to, None);
    let limit = 400 * 1024;
    assert!(gzipped_len(&full.bytes) > limit);
    let s = render_within(&r, "c", MAX_RESULTS, limit);
    assert!(gzipped_len(&s.bytes) <= limit);
    assert_eq!(s.results, 200);
    let cap = s.trimmed_to.expect("trimmed");
    assert!(cap < 8192);
    assert!(s.note().unwrap().contains("descriptions cut"));
    let v = json(&s);
    let rule = &v["runs"][0]["tool"]["driver"]["rules"][0];
    assert!(rule["fullDescription"]["text"].as_str().unwrap().len() <= cap);
}

#[test]
fn categories_and_uris() {
    assert_eq!(category("ghcr.io/a/b:1.0", false), "scanlens/ghcr.io/a/b/");
    assert_eq!(
        category("ghcr.io/a/b:1.0@sha256:x", true),
        "scanlens/ghcr.io/a/b:1.0/"
    );
    assert_eq!(encode_uri("a b/c#d?é"), "a%20b/c%23d%3F%C3%A9");
}

/// A secret rule's help says what to do, in the words for where its findings are: an image, a
/// repository's files, or both.
#[test]
fn a_secret_rules_help_says_what_to_do_where_it_was_found() {
    let secret = |artifact: u32| Finding {
        kind: Kind::Secret,
        id: "aws-access-key-id".into(),
        severity: Severity::Critical,
        target: "app.env".into(),
        artifact,
        class: "secret".into(),
        secret: Some(std::sync::Arc::new(SecretDetail::default())),
        ..Default::default()
    };
    let help = |findings: Vec<Finding>| {
        let mut r = report(findings);
        r.artifacts.push(Artifact {
            name: ".".into(),
            artifact_type: "repository".into(),
            ..Default::default()
        });
        json(&render(&r, "scanlens/x/"))["runs"][0]["tool"]["driver"]["rules"][0]["help"]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    use scanlens_model::present::secret_remedy;
    let image = secret_remedy(["container_image"]);
    let files = secret_remedy(["repository"]);
    let both = secret_remedy(["container_image", "repository"]);
    assert!(image != files && files != both && both != image);
    assert!(help(vec![secret(0)]).contains(image));
    assert!(help(vec![secret(1)]).contains(files));
    assert!(help(vec![secret(1), secret(0)]).contains(both));
}
