//! `xtask viewer`: builds the viewer to wasm and writes the files the generator embeds.
//!
//! cargo (profile `wasm`, target wasm32-unknown-unknown) -> wasm-bindgen `--target web` ->
//! wasm-opt -O2 -> zopfli -> `generator/assets/viewer/`. The outputs are committed so that
//! building the generator needs no wasm toolchain; CI runs this task before the tests so they
//! cannot drift.

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

/// Runs `cmd` with `input` on its standard input and returns its standard output; fails when
/// it does. The input is written from a thread of its own, so a command that writes before it
/// has read everything (gzip, terser) cannot block on a full pipe.
pub fn piped(cmd: &mut Command, input: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    writer.join().expect("the input writer")?;
    if !out.status.success() {
        bail!("{cmd:?} failed with {}", out.status);
    }
    Ok(out.stdout)
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
    /// The wasm gzipped, as the page carries it (`gunzip -k` gives the `.wasm` to inspect).
    pub wasm_gz: PathBuf,
}

/// The committed wasm: gzipped, the form the page carries.
pub const WASM_GZ: &str = "scanlens_viewer_bg.wasm.gz";

/// Builds the viewer and writes `out/scanlens_viewer.js` and `out/scanlens_viewer_bg.wasm.gz`.
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
        // The page starts the viewer with `initSync` from inlined bytes, never by URL, and its
        // `DecompressionStream("deflate-raw")` already needs Chromium 103 (encodeInto: 74): the
        // glue's default-URL and encodeInto-fallback code go (#13: 4,841 -> 4,763 B gzipped).
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--omit-default-module-path",
            "--encode-into",
            "always",
            "--out-dir",
        ])
        .arg(&tmp))?;

    std::fs::create_dir_all(out)?;
    let wasm = tmp.join("scanlens_viewer_opt.wasm");
    let wasm_opt = find_tool(&root, "wasm-opt", "WASM_OPT");
    run(Command::new(&wasm_opt)
        .arg(tmp.join("scanlens_viewer_bg.wasm"))
        .args([
            // -O2, not -Oz: what -Oz and -Os do beyond it leaves the raw wasm smaller but its
            // gzip larger (with the inlining limit below, before the names are shortened: -Oz
            // 138,622, -Os 137,850, -O2 136,910, -O3 139,029 B gzipped; raw 364,605 -> 379,561
            // B). -O2 keeps that lead for limits 11 to 15.
            "-O2",
            "--converge",
            // wasm-opt inlines every function that has one caller by default, whatever its
            // size; the views then become a few huge functions (many locals, long local
            // indices) that gzip badly. Inlining only small ones makes the wasm larger but its
            // gzip, which the page carries, smaller (#13: 145,630 -> 138,219 B gzipped, raw
            // 357,680 -> 366,664 B). Before the names are shortened: default 148,263 B, 0 141,832,
            // 4 141,304, 10 140,890, 13 140,800 (the least of those tried up to 500).
            "--one-caller-inline-max-function-size=13",
            "--low-memory-unused",
            "--zero-filled-memory",
            "--strip-target-features",
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
    let glue = std::fs::read_to_string(tmp.join("scanlens_viewer.js"))?;
    let (bytes, names) = shorten_names(&std::fs::read(&wasm)?)?;
    let wasm_gz = out.join(WASM_GZ);
    std::fs::write(&wasm_gz, zopfli_gzip(&bytes)?)?;
    // Before #13 the raw wasm was committed and gzipped at build time.
    let _ = std::fs::remove_file(out.join("scanlens_viewer_bg.wasm"));
    std::fs::write(
        &js,
        minify_glue(&root, &drop_async_init(&rename_tokens(&glue, &names))?)?,
    )?;
    Ok(Built { js, wasm_gz })
}

/// gzip as zopfli writes it: any gzip reader (the browser's `DecompressionStream`) reads it, and
/// it is smaller than `gzip -9`'s by spending a second here rather than in every page (#13:
/// 138,653 -> 132,592 B). Deterministic, so CI's rebuild matches the committed file.
fn zopfli_gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut gz = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        bytes,
        &mut gz,
    )
    .context("zopfli")?;
    Ok(gz)
}

fn leb(b: &[u8], i: &mut usize) -> Result<u32> {
    let (mut v, mut shift) = (0u32, 0);
    loop {
        let x = *b.get(*i).context("truncated wasm")?;
        *i += 1;
        v |= u32::from(x & 0x7f) << shift;
        if x & 0x80 == 0 {
            return Ok(v);
        }
        shift += 7;
        if shift > 28 {
            bail!("bad LEB128 in wasm");
        }
    }
}

fn put_leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let x = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(x);
            return;
        }
        out.push(x | 0x80);
    }
}

fn name<'a>(b: &'a [u8], i: &mut usize) -> Result<&'a str> {
    let n = leb(b, i)? as usize;
    let s = std::str::from_utf8(b.get(*i..*i + n).context("truncated wasm")?)?;
    *i += n;
    Ok(s)
}

/// (long name, short name) pairs.
type Renames = Vec<(String, String)>;

/// wasm-bindgen's own import and export names (`__wbg_addEventListener_83ef…`) are long and end
/// in hashes that compress badly; the glue is their only user, so both get short names (`$0`,
/// `$1`, …, in order of appearance, so the build stays deterministic).
fn shorten_names(b: &[u8]) -> Result<(Vec<u8>, Renames)> {
    let ours = |n: &str| {
        n.starts_with("__wbg")
            || n.starts_with("__wbindgen")
            || n.starts_with("wasm_bindgen__")
            || n.starts_with("__externref")
    };
    let mut names: Vec<(String, String)> = Vec::new();
    let mut short = |n: &str| -> String {
        if !ours(n) {
            return n.to_string();
        }
        if let Some((_, s)) = names.iter().find(|(l, _)| l == n) {
            return s.clone();
        }
        let s = format!("${}", names.len());
        names.push((n.to_string(), s.clone()));
        s
    };
    let put_name = |out: &mut Vec<u8>, s: &str| {
        put_leb(out, s.len() as u32);
        out.extend_from_slice(s.as_bytes());
    };
    if b.get(..8) != Some(&[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0][..]) {
        bail!("not a wasm module");
    }
    let mut out = b[..8].to_vec();
    let mut i = 8;
    while i < b.len() {
        let id = b[i];
        i += 1;
        let len = leb(b, &mut i)? as usize;
        let body = b.get(i..i + len).context("truncated wasm section")?;
        i += len;
        let mut sec = Vec::with_capacity(len);
        let mut j = 0;
        match id {
            2 => {
                let n = leb(body, &mut j)?;
                put_leb(&mut sec, n);
                for _ in 0..n {
                    let module = name(body, &mut j)?;
                    let field = name(body, &mut j)?;
                    put_name(&mut sec, module);
                    put_name(&mut sec, &short(field));
                    let start = j;
                    let kind = body[j];
                    j += 1;
                    match kind {
                        0 => {
                            leb(body, &mut j)?;
                        }
                        1 | 2 => {
                            if kind == 1 {
                                j += 1;
                            }
                            let flags = body[j];
                            j += 1;
                            leb(body, &mut j)?;
                            if flags & 1 != 0 {
                                leb(body, &mut j)?;
                            }
                        }
                        3 => j += 2,
                        _ => bail!("unexpected wasm import kind {kind}"),
                    }
                    sec.extend_from_slice(&body[start..j]);
                }
            }
            7 => {
                let n = leb(body, &mut j)?;
                put_leb(&mut sec, n);
                for _ in 0..n {
                    let field = name(body, &mut j)?;
                    put_name(&mut sec, &short(field));
                    let start = j;
                    j += 1;
                    leb(body, &mut j)?;
                    sec.extend_from_slice(&body[start..j]);
                }
            }
            _ => sec.extend_from_slice(body),
        }
        if (id == 2 || id == 7) && j != body.len() {
            bail!("wasm section {id} has {} unread bytes", body.len() - j);
        }
        out.push(id);
        put_leb(&mut out, sec.len() as u32);
        out.extend_from_slice(&sec);
    }
    Ok((out, names))
}

/// Replaces whole identifier tokens of `js` found in `names`.
fn rename_tokens(js: &str, names: &[(String, String)]) -> String {
    let map: std::collections::HashMap<&str, &str> = names
        .iter()
        .map(|(l, s)| (l.as_str(), s.as_str()))
        .collect();
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(js.len());
    let mut rest = js;
    while let Some(start) = rest.find(is_ident) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let tok = &rest[..end];
        out.push_str(map.get(tok).copied().unwrap_or(tok));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The glue minified by terser (#13: 4,749 -> 3,753 B gzipped). The page appends its boot code to
/// the glue in one module and calls `initSync` and `mount` by name, so those two keep theirs.
fn minify_glue(root: &Path, js: &str) -> Result<String> {
    let terser = find_tool(root, "terser", "TERSER");
    let min = piped(
        Command::new(&terser).args([
            "--module",
            "--compress",
            "--mangle",
            "reserved=['initSync','mount']",
        ]),
        js.as_bytes(),
    )
    .context("terser failed; install it with: npm install --prefix .ci/node terser@5.51.4")?;
    let mut min = String::from_utf8(min).context("terser wrote non-UTF-8")?;
    if !min.ends_with('\n') {
        min.push('\n');
    }
    Ok(min)
}

/// Drops the glue's default export, the async `init` that fetches the wasm by URL (and its
/// `instantiateStreaming` fallback): the page only ever calls `initSync` with a compiled module
/// (`generator/src/html.rs`). Its text is matched exactly, so a wasm-bindgen whose glue differs
/// fails the build here rather than shipping the code again unnoticed.
fn drop_async_init(js: &str) -> Result<String> {
    let cut = |js: &str, from: &str, to: &str| -> Result<String> {
        let (Some(a), Some(b)) = (js.find(from), js.find(to)) else {
            bail!("the wasm-bindgen glue has no {from:?} … {to:?}; see drop_async_init");
        };
        if a > b {
            bail!("the wasm-bindgen glue has {to:?} before {from:?}; see drop_async_init");
        }
        Ok(format!("{}{}", &js[..a], &js[b..]))
    };
    let js = cut(js, "\nasync function __wbg_load(", "\nfunction initSync(")?;
    let js = cut(
        &js,
        "\nlet __wbg_init_promise;",
        "\nexport { initSync, __wbg_init as default };",
    )?;
    Ok(js.replace(
        "\nexport { initSync, __wbg_init as default };",
        "\nexport { initSync };",
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_glue_keeps_init_sync_only() {
        let js = "a\nasync function __wbg_load(m) {\n}\nfunction initSync(module) {\n}\nlet __wbg_init_promise;\nasync function __wbg_init() {\n}\nexport { initSync, __wbg_init as default };\n";
        assert_eq!(
            super::drop_async_init(js).unwrap(),
            "a\nfunction initSync(module) {\n}\nexport { initSync };\n"
        );
        assert!(super::drop_async_init("a\nfunction initSync(module) {}\n").is_err());
    }
}
