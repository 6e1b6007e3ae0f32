//! The README's main job on a fresh machine:
//!
//! ```text
//! cargo run -p scanlens-e2e --bin scanlens-demo [-- --out DIR]
//! ```
//!
//! 1. uses the Docker engine `docker` reaches, or starts a private `dockerd` (root) for the run;
//! 2. makes the local base image `local/debian:bookworm` (debootstrap, cached);
//! 3. writes the small offline Trivy DB (`xtask trivy-db`) to `target/scanlens-demo/trivy-cache`;
//! 4. runs, in this process, exactly
//!    `scanlens scan --message "Fixed yum for image ::example:latest" --docker-dir docker --out out`
//!    with the offline Trivy settings as `TRIVY_*` variables;
//! 5. prints where the report is, and stops the private engine again.
//!
//! Exit code: scanlens's (0 ok, 1 gate, 3 error), or 4 when the set-up itself failed.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};
use clap_free_args::Args;
use scanlens_e2e::{base_rootfs_tar, which, workspace_root, Dockerd, TrivyEnv, BASE_IMAGE};

const MESSAGE: &str = "Fixed yum for image ::example:latest";

mod clap_free_args {
    use std::path::PathBuf;

    pub struct Args {
        pub out: PathBuf,
    }

    pub fn parse() -> Result<Args, String> {
        let mut out = PathBuf::from("out");
        let mut it = std::env::args().skip(1);
        while let Some(a) = it.next() {
            match a.as_str() {
                "--out" | "-o" => out = it.next().ok_or("--out needs a directory")?.into(),
                "-h" | "--help" => {
                    return Err(
                        "usage: cargo run -p scanlens-e2e --bin scanlens-demo [-- --out DIR]"
                            .into(),
                    )
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(Args { out })
    }
}

fn main() -> ExitCode {
    let args = match clap_free_args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("scanlens-demo: {e:#}");
            ExitCode::from(4)
        }
    }
}

/// An engine for the demo: the one `docker` already reaches, or a private one we stop at the end.
enum Engine {
    Existing,
    Private(Dockerd),
}

impl Engine {
    fn env(&self) -> Vec<(String, String)> {
        match self {
            Engine::Existing => Vec::new(),
            Engine::Private(d) => d.env(),
        }
    }

    fn docker(&self, args: &[&str]) -> Result<bool> {
        if which("docker").is_none() {
            bail!("`docker` is not installed; install Docker (docker.io) first");
        }
        let st = Command::new("docker")
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("running docker")?;
        Ok(st.success())
    }
}

fn engine() -> Result<Engine> {
    if Engine::Existing.docker(&["info", "--format", "{{.ServerVersion}}"])? {
        eprintln!(
            "scanlens-demo: using the Docker engine at {}",
            docker_host()
        );
        return Ok(Engine::Existing);
    }
    eprintln!(
        "scanlens-demo: no Docker engine reachable at {}; starting a private dockerd for this run",
        docker_host()
    );
    let d = Dockerd::start().map_err(|e| {
        anyhow::anyhow!(
            "cannot start a private dockerd ({e:#}); start Docker yourself (systemctl start docker) \
             or run this as root with dockerd installed"
        )
    })?;
    eprintln!("scanlens-demo: private dockerd at {}", d.docker_host());
    Ok(Engine::Private(d))
}

fn docker_host() -> String {
    std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into())
}

fn run(args: &Args) -> Result<u8> {
    let root = workspace_root();
    std::env::set_current_dir(&root).context("cd to the workspace root")?;
    let engine = engine()?;

    if !engine.docker(&["image", "inspect", BASE_IMAGE])? {
        eprintln!("scanlens-demo: making {BASE_IMAGE} (debootstrap of Debian 12, cached)");
        let tar = base_rootfs_tar().context(
            "building the Debian base image needs debootstrap, root and the Debian mirror",
        )?;
        let tar = tar.to_str().context("non-UTF-8 cache path")?;
        if !engine.docker(&["import", tar, BASE_IMAGE])? {
            bail!("docker import {tar} {BASE_IMAGE} failed");
        }
    }

    let cache: PathBuf = root.join("target/scanlens-demo/trivy-cache");
    if which("trivy").is_none() {
        bail!("`trivy` is not installed; install trivy 0.50 or newer (https://trivy.dev)");
    }
    xtask::trivydb::write(&cache)
        .with_context(|| format!("writing the offline Trivy DB to {}", cache.display()))?;
    let trivy = TrivyEnv {
        cache_dir: cache.clone(),
    };

    // Single-threaded here: setting the environment for the in-process scanlens is sound.
    for (k, v) in engine.env().into_iter().chain(trivy.env()) {
        std::env::set_var(k, v);
    }
    let out = args
        .out
        .to_str()
        .context("--out must be UTF-8")?
        .to_string();
    let mut argv = vec![
        "scanlens",
        "scan",
        "--message",
        MESSAGE,
        "--docker-dir",
        "docker",
        "--out",
        &out,
    ];
    if matches!(engine, Engine::Private(_)) {
        // The private engine has no bridge network.
        argv.extend(["--network", "host"]);
    }
    eprintln!(
        "scanlens-demo: TRIVY_CACHE_DIR={} (offline DB); running: {}",
        cache.display(),
        argv.iter()
            .map(|a| if a.contains(' ') {
                format!("{a:?}")
            } else {
                a.to_string()
            })
            .collect::<Vec<_>>()
            .join(" ")
    );
    let cli = <scanlens::cli::Cli as clap::Parser>::try_parse_from(&argv)
        .context("scanlens command line")?;
    let code = match scanlens::commands::run(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scanlens: error: {}", scanlens::exit::one_line(&e));
            scanlens::exit::ERROR
        }
    };
    drop(engine);
    let report = root.join(&args.out).join("example-latest");
    if report.join("index.html").is_file() && code != scanlens::exit::ERROR {
        println!(
            "Report: {}\nOpen it in a browser: file://{}",
            report.display(),
            report.join("index.html").display()
        );
    }
    Ok(code)
}
