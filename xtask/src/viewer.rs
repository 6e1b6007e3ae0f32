//! `xtask viewer`: builds the Yew viewer to wasm and writes the files the generator embeds.
//!
//! cargo (profile `wasm`, target wasm32-unknown-unknown) -> wasm-bindgen `--target web` ->
//! wasm-opt -Oz -> `generator/assets/viewer/`. The outputs are committed so that building the
//! generator needs no wasm toolchain; CI runs this task before the tests so they cannot drift.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// The wasm-bindgen version pinned in Cargo.lock: the CLI must match it exactly.
fn locked_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn find_tool(root: &Path, name: &str, env: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(env) {
        return p.into();
    }
    let local = root.join(".ci/node/node_modules/.bin").join(name);
    if local.exists() {
        return local;
    }
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        let p = home.join("bin").join(name);
        if p.exists() {
            return p;
        }
    }
    name.into()
}

pub struct Built {
    pub js: PathBuf,
    pub wasm: PathBuf,
}

/// Builds the viewer and writes `out/scanlens_viewer.js` and `out/scanlens_viewer_bg.wasm`.
pub fn build(out: &Path) -> Result<Built> {
    let root = workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(&cargo).current_dir(&root).args([
        "build",
        "-p",
        "scanlens-viewer",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm",
    ]))?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let raw = target_dir.join("wasm32-unknown-unknown/wasm/scanlens_viewer.wasm");

    let want = locked_bindgen_version(&root)?;
    let bindgen = find_tool(&root, "wasm-bindgen", "WASM_BINDGEN");
    let version = Command::new(&bindgen)
        .arg("--version")
        .output()
        .with_context(|| {
            format!("cannot run wasm-bindgen; install it with: cargo install wasm-bindgen-cli --version {want}")
        })?;
    let version = String::from_utf8_lossy(&version.stdout);
    if !version.contains(&want) {
        bail!(
            "wasm-bindgen CLI is {}, Cargo.lock wants {want}; run: cargo install wasm-bindgen-cli --version {want}",
            version.trim()
        );
    }
    let tmp = target_dir.join("viewer-bindgen");
    let _ = std::fs::remove_dir_all(&tmp);
    run(Command::new(&bindgen)
        .arg(&raw)
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&tmp))?;

    std::fs::create_dir_all(out)?;
    let wasm = out.join("scanlens_viewer_bg.wasm");
    let wasm_opt = find_tool(&root, "wasm-opt", "WASM_OPT");
    run(Command::new(&wasm_opt)
        .arg(tmp.join("scanlens_viewer_bg.wasm"))
        .args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            "--strip-debug",
            "--strip-producers",
            "-o",
        ])
        .arg(&wasm))
    .context("wasm-opt failed; install it with: npm install --prefix .ci/node binaryen@132")?;
    let js = out.join("scanlens_viewer.js");
    std::fs::copy(tmp.join("scanlens_viewer.js"), &js)?;
    Ok(Built { js, wasm })
}
