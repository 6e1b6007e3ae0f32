//! `cargo run -p xtask -- dist --bin PATH --target TRIPLE --out DIR`: one release artifact laid
//! out as dist (cargo-dist, see dist-workspace.toml) lays it out, for building and testing a
//! release locally without dist installed:
//!
//! - `scanlens-TRIPLE.tar.gz`, holding `scanlens-TRIPLE/` with the binary, README.md,
//!   CHANGELOG.md, `completions/` and `man/` (from packaging/generate.sh);
//! - `scanlens-TRIPLE.tar.gz.sha256` (`HEX  NAME`, what `sha256sum -c` reads) and `sha256.sum`
//!   (every archive's line);
//! - `scanlens-installer.sh` (packaging/installer.sh with the version filled in).
//!
//! It runs `tar` and `sha256sum`, so it needs a Unix host, and the binary must run on it (it
//! writes its own completions and man pages).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use crate::viewer::workspace_root;

/// What [`build`] wrote.
#[derive(Debug)]
pub struct Artifacts {
    pub archive: PathBuf,
    pub checksum: PathBuf,
    pub installer: PathBuf,
    /// The archive's SHA-256, hex.
    pub sha256: String,
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Builds the archive of `bin` for `target`, its checksums and the installer in `out`.
/// `version` is the release tag the installer downloads (`v0.1.0`).
pub fn build(bin: &Path, target: &str, version: &str, out: &Path) -> Result<Artifacts> {
    ensure!(
        bin.is_file(),
        "{} is not a file; build scanlens first",
        bin.display()
    );
    ensure!(
        !target.is_empty()
            && target
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        "--target {target:?} is not a target triple"
    );
    let root = workspace_root();
    let name = format!("scanlens-{target}");
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let stage = out.join(&name);
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(&stage)?;
    std::fs::copy(bin, stage.join("scanlens")).context("copying the binary")?;
    for doc in ["README.md", "CHANGELOG.md"] {
        std::fs::copy(root.join(doc), stage.join(doc)).with_context(|| format!("copying {doc}"))?;
    }
    // The same script the release workflow runs before dist (.github/build-setup.yml).
    let generated = out.join(".generated");
    run(Command::new("bash")
        .arg(root.join("packaging/generate.sh"))
        .arg(bin)
        .arg(&generated))?;
    for part in ["completions", "man"] {
        std::fs::rename(generated.join(part), stage.join(part))?;
    }
    std::fs::remove_dir_all(&generated)?;

    let archive = out.join(format!("{name}.tar.gz"));
    run(Command::new("tar")
        .arg("--owner=0")
        .arg("--group=0")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(out)
        .arg(&name))?;
    std::fs::remove_dir_all(&stage)?;

    let file_name = format!("{name}.tar.gz");
    let sum = run(Command::new("sha256sum").arg(&archive))?;
    let sha256 = sum.split_whitespace().next().unwrap_or("").to_string();
    ensure!(sha256.len() == 64, "sha256sum printed {sum:?}");
    let line = format!("{sha256}  {file_name}\n");
    let checksum = out.join(format!("{file_name}.sha256"));
    std::fs::write(&checksum, &line)?;
    let all = out.join("sha256.sum");
    let mut lines: Vec<String> = std::fs::read_to_string(&all)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.ends_with(&format!("  {file_name}")))
        .map(|l| format!("{l}\n"))
        .collect();
    lines.push(line);
    std::fs::write(&all, lines.concat())?;

    let template = std::fs::read_to_string(root.join("packaging/installer.sh"))?;
    ensure!(
        template.contains("@VERSION@"),
        "packaging/installer.sh lost its @VERSION@"
    );
    let installer = out.join("scanlens-installer.sh");
    std::fs::write(&installer, template.replace("@VERSION@", version))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&installer, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(Artifacts {
        archive,
        checksum,
        installer,
        sha256,
    })
}

/// The host's target triple, as rustc names it.
pub fn host_target() -> Result<String> {
    let out = run(Command::new("rustc").arg("-vV"))?;
    out.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .context("rustc -vV names no host")
}
