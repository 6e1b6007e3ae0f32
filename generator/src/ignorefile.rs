//! `.trivyignore` and `.trivyignore.yaml`, read into the model's [`IgnoreRule`]s.
//!
//! Plain format: one ID per line, `#` starts a comment, and `exp:YYYY-MM-DD` after the ID sets an
//! expiry. YAML format: lists under `vulnerabilities`, `misconfigurations`, `secrets` and
//! `licenses`, each entry with `id` and optional `paths`, `purls`, `expired_at`, `statement`.

use scanlens_model::gate::IgnoreRule;
use scanlens_model::Kind;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum IgnoreFileError {
    #[error("cannot read ignore file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("ignore file {path} is not valid .trivyignore.yaml: {message}; see https://trivy.dev/latest/docs/configuration/filtering/#trivyignoreyaml")]
    Yaml { path: String, message: String },
    #[error("ignore file {path}:{line}: invalid expiry `{value}`; write exp:YYYY-MM-DD")]
    Expiry {
        path: String,
        line: usize,
        value: String,
    },
}

pub fn read(path: &Path) -> Result<Vec<IgnoreRule>, IgnoreFileError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| IgnoreFileError::Read {
        path: name.clone(),
        source,
    })?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "yaml" | "yml") {
        parse_yaml(&name, &text)
    } else {
        parse_plain(&name, &text)
    }
}

pub fn parse_plain(name: &str, text: &str) -> Result<Vec<IgnoreRule>, IgnoreFileError> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        let Some(id) = words.next() else { continue };
        let mut rule = IgnoreRule {
            id: id.to_string(),
            origin: format!("{name}:{}", i + 1),
            ..IgnoreRule::default()
        };
        for w in words {
            if let Some(date) = w.strip_prefix("exp:") {
                if !is_date(date) {
                    return Err(IgnoreFileError::Expiry {
                        path: name.to_string(),
                        line: i + 1,
                        value: date.to_string(),
                    });
                }
                rule.expires = Some(date.to_string());
            }
        }
        rules.push(rule);
    }
    Ok(rules)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YamlFile {
    vulnerabilities: Vec<YamlEntry>,
    misconfigurations: Vec<YamlEntry>,
    secrets: Vec<YamlEntry>,
    licenses: Vec<YamlEntry>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YamlEntry {
    id: String,
    paths: Vec<String>,
    purls: Vec<String>,
    expired_at: Option<serde_norway::Value>,
    statement: String,
}

pub fn parse_yaml(name: &str, text: &str) -> Result<Vec<IgnoreRule>, IgnoreFileError> {
    let yaml_err = |message: String| IgnoreFileError::Yaml {
        path: name.to_string(),
        message,
    };
    let file: YamlFile = if text.trim().is_empty() {
        YamlFile::default()
    } else {
        serde_norway::from_str(text).map_err(|e| yaml_err(e.to_string().replace('\n', " ")))?
    };
    let mut rules = Vec::new();
    for (kind, entries) in [
        (Kind::Vulnerability, file.vulnerabilities),
        (Kind::Misconfiguration, file.misconfigurations),
        (Kind::Secret, file.secrets),
        (Kind::License, file.licenses),
    ] {
        for (i, e) in entries.into_iter().enumerate() {
            if e.id.trim().is_empty() {
                return Err(yaml_err(format!(
                    "entry {} under `{}` has no `id`",
                    i + 1,
                    kind.plural()
                )));
            }
            let expires = match e.expired_at {
                None | Some(serde_norway::Value::Null) => None,
                Some(serde_norway::Value::String(s)) if is_date(s.get(..10).unwrap_or(&s)) => {
                    Some(s[..10].to_string())
                }
                Some(other) => {
                    return Err(yaml_err(format!(
                        "`expired_at` of `{}` is {:?}; write a date as YYYY-MM-DD",
                        e.id, other
                    )))
                }
            };
            rules.push(IgnoreRule {
                origin: format!("{name}: {} {}", kind.plural(), e.id),
                id: e.id,
                kind: Some(kind),
                paths: e.paths,
                purls: e.purls,
                expires,
                statement: e.statement,
            });
        }
    }
    Ok(rules)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain() {
        let rules = parse_plain(
            ".trivyignore",
            "# accepted risk\nCVE-2011-3374\n\nCVE-2005-2541 exp:2030-01-31 # until upgrade\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].id, "CVE-2011-3374");
        assert_eq!(rules[0].kind, None);
        assert_eq!(rules[1].expires.as_deref(), Some("2030-01-31"));
        assert_eq!(rules[1].origin, ".trivyignore:4");
        assert!(parse_plain("f", "CVE-1 exp:tomorrow").is_err());
    }

    #[test]
    fn yaml() {
        let rules = parse_yaml(
            ".trivyignore.yaml",
            "vulnerabilities:\n  - id: CVE-2022-40897\n    paths: [\"usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA\"]\n    statement: Accept the risk\n  - id: CVE-2023-0001\n    expired_at: 2023-09-01\nmisconfigurations:\n  - id: AVD-DS-0002\nsecrets:\n  - id: aws-access-key-id\n    paths: [\"foo/*\"]\nlicenses:\n  - id: GPL-3.0\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 5);
        assert_eq!(rules[0].statement, "Accept the risk");
        assert_eq!(rules[1].expires.as_deref(), Some("2023-09-01"));
        assert_eq!(rules[2].kind, Some(Kind::Misconfiguration));
        assert!(parse_yaml("f", "vulnerabilities: 3").is_err());
        assert!(parse_yaml("f", "vulnerabilities:\n  - paths: [x]\n").is_err());
    }
}
