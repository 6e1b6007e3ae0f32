//! `model/src/spdx_ids.txt`: the SPDX license IDs Trivy compares with an ignore rule as written
//! when they stand in an SPDX expression (see `spdx_parts` in `model/src/ignore.rs`).
//!
//! 1. The IDs Trivy knows: its SPDX list, which the binary embeds as one JSON object keyed by
//!    ID (`pkg/licensing/expression/licenses.json`), read from the binary itself so that the
//!    list is that version's.
//! 2. Which of them Trivy compares as written: one `trivy convert` of a report with `ID AND MIT`
//!    per ID, under rules `MIT` and `ID`, each `ID` rule held to its own finding by path. The
//!    findings it ignores are the IDs kept.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Writes the list for the Trivy binary at `trivy` into `out`; returns how many IDs it holds
/// and how many Trivy knows.
pub fn write(trivy: &Path, out: &Path) -> Result<(usize, usize)> {
    let bytes = std::fs::read(trivy).with_context(|| format!("cannot read {}", trivy.display()))?;
    if bytes.starts_with(b"#!") {
        bail!(
            "{} is a script, not trivy's binary: name the binary (with pyenv: `pyenv which trivy`)",
            trivy.display()
        );
    }
    let known = embedded_ids(&bytes)?;
    let work = std::env::temp_dir().join(format!("xtask-spdx-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let r = as_written(trivy, &work, &known);
    let _ = std::fs::remove_dir_all(&work);
    let mut kept = r?;
    kept.sort_unstable();
    std::fs::write(out, kept.join("\n") + "\n")?;
    Ok((kept.len(), known.len()))
}

/// The keys of the first JSON object in `bytes` that starts with the SPDX list's first ID.
fn embedded_ids(bytes: &[u8]) -> Result<Vec<String>> {
    let marker = br#"{"0BSD":["#;
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .context("no SPDX license list in this binary (is it trivy?)")?;
    let mut values = serde_json::Deserializer::from_slice(&bytes[at..]).into_iter::<Value>();
    let list = match values.next() {
        Some(Ok(Value::Object(m))) => m,
        _ => bail!("the SPDX license list in this binary is not a JSON object"),
    };
    Ok(list.keys().cloned().collect())
}

/// A report of one license finding per name, the `k`-th at file path `f/k`, so that an ignore
/// rule can be held to it by path (see [`held_rules`]).
pub fn licenses_report(names: &[String]) -> Value {
    let licenses: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(k, name)| json!({"Severity": "HIGH", "Category": "restricted", "PkgName": "p", "FilePath": format!("f/{k}"), "Name": name, "Confidence": 1, "Link": ""}))
        .collect();
    json!({"SchemaVersion": 2, "ArtifactName": "spdx", "ArtifactType": "filesystem",
        "Results": [{"Target": "OS Packages", "Class": "license", "Licenses": licenses}]})
}

/// `.trivyignore.yaml` license rules, each `(k, id)` held by path to [`licenses_report`]'s
/// `k`-th finding.
pub fn held_rules<'a>(rules: impl IntoIterator<Item = (usize, &'a str)>) -> String {
    let mut yaml = String::new();
    for (k, id) in rules {
        let id = serde_json::to_string(id).expect("a string serializes");
        yaml.push_str(&format!("  - id: {id}\n    paths: [\"f/{k}\"]\n"));
    }
    yaml
}

fn as_written(trivy: &Path, work: &Path, known: &[String]) -> Result<Vec<String>> {
    let names: Vec<String> = known.iter().map(|id| format!("{id} AND MIT")).collect();
    let input = work.join("spdx.json");
    std::fs::write(&input, serde_json::to_vec(&licenses_report(&names))?)?;
    let rules = known.iter().enumerate().map(|(k, id)| (k, id.as_str()));
    let yaml = format!("licenses:\n  - id: MIT\n{}", held_rules(rules));
    let ignore: PathBuf = work.join("spdx.trivyignore.yaml");
    std::fs::write(&ignore, yaml)?;
    let out = Command::new(trivy)
        .args([
            "convert",
            "--config",
            "",
            "--quiet",
            "--format",
            "json",
            "--ignorefile",
        ])
        .arg(&ignore)
        .arg(&input)
        .current_dir(work)
        .env("HOME", work)
        .output()
        .context("cannot run trivy")?;
    if !out.status.success() {
        bail!(
            "trivy convert failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    let kept: std::collections::BTreeSet<&str> = doc["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Licenses"].as_array().into_iter().flatten())
        .filter_map(|l| l["FilePath"].as_str())
        .collect();
    Ok(known
        .iter()
        .enumerate()
        .filter(|(k, _)| !kept.contains(format!("f/{k}").as_str()))
        .map(|(_, id)| id.clone())
        .collect())
}
