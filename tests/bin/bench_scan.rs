//! Scanlens's own overhead in a scan: `scanlens scan` against the same `docker build`,
//! `trivy image` and `trivy config` commands run by hand, alternating, on the same warm engine.
//!
//! ```text
//! cargo build --release -p scanlens && cargo run --release -p scanlens-e2e --bin bench-scan [-- ROUNDS]
//! ```
//!
//! Needs what the e2e tests need (root, dockerd, trivy, debootstrap or the cached rootfs). A
//! private engine is started and stopped; the offline DB is written to a temporary cache.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use scanlens_e2e::{ensure_base_image, scanlens_bin, trivy_env, workspace_root, Dockerd, TempDir};

const SEVERITIES: &str = "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-scan: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn status(cmd: &mut Command) -> Result<i32> {
    let st = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("{cmd:?}"))?;
    Ok(st.code().unwrap_or(-1))
}

fn run() -> Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()
        .context("ROUNDS must be a number")?
        .unwrap_or(7);
    let bin = scanlens_bin().context("build it first: cargo build --release -p scanlens")?;
    let dockerd = Dockerd::start()?;
    ensure_base_image(&dockerd)?;
    let cache = TempDir::new("bench-trivy-cache")?;
    let trivy = trivy_env(cache.path())?;
    let mut env = dockerd.env();
    env.extend(trivy.env());
    let work = TempDir::new("bench-scan")?;
    let docker_dir = workspace_root().join("tests/docker");
    let ctx = docker_dir.join("app");
    let dockerfile = ctx.join("Dockerfile");
    let reference = "app:bench";

    let by_hand = |out: &Path| -> Result<()> {
        std::fs::create_dir_all(out)?;
        let c = status(
            Command::new("docker")
                .envs(env.clone())
                .args(["build", "-t", reference, "-f"])
                .arg(&dockerfile)
                .args(["--network", "host"])
                .arg(&ctx),
        )?;
        let i = status(
            Command::new("trivy")
                .envs(env.clone())
                .args(["image", "--format", "json", "--severity", SEVERITIES])
                .args(["--exit-code", "0", "--scanners", "vuln,secret", "--output"])
                .arg(out.join("trivy-image.json"))
                .args(["--image-src", "docker", reference]),
        )?;
        let f = status(
            Command::new("trivy")
                .envs(env.clone())
                .args(["config", "--format", "json", "--severity", SEVERITIES])
                .args(["--exit-code", "0", "--output"])
                .arg(out.join("trivy-config.json"))
                .arg(&ctx),
        )?;
        if (c, i, f) != (0, 0, 0) {
            bail!("by hand: docker build {c}, trivy image {i}, trivy config {f}");
        }
        Ok(())
    };
    let scanlens = |out: &Path| -> Result<()> {
        let code = status(
            Command::new(&bin)
                .envs(env.clone())
                .args(["scan", "--message", "Bench ::app:bench", "--docker-dir"])
                .arg(&docker_dir)
                .arg("--out")
                .arg(out)
                .args(["--network", "host"]),
        )?;
        if code != 0 {
            bail!("scanlens scan exited {code}");
        }
        Ok(())
    };

    // Warm-up: build cache, trivy's caches, page cache.
    by_hand(&work.path().join("warm-hand"))?;
    scanlens(&work.path().join("warm-scan"))?;

    let mut hand = Vec::new();
    let mut scan = Vec::new();
    for r in 0..rounds {
        // Alternate which goes first, so drift hits both alike.
        let order: [bool; 2] = if r % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for first_hand in order {
            let start = Instant::now();
            if first_hand {
                by_hand(&work.path().join(format!("hand-{r}")))?;
                hand.push(start.elapsed());
            } else {
                scanlens(&work.path().join(format!("scan-{r}")))?;
                scan.push(start.elapsed());
            }
        }
    }
    let med = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let mean = |v: &[Duration]| v.iter().sum::<Duration>() / v.len() as u32;
    let (mh, ms) = (mean(&hand), mean(&scan));
    let (dh, ds) = (med(&mut hand), med(&mut scan));
    println!("bench-scan: {rounds} rounds, image {reference} (tests/docker/app), private dockerd, offline trivy DB");
    println!(
        "  by hand (docker build + trivy image + trivy config): median {:.3}s  mean {:.3}s  min {:.3}s",
        dh.as_secs_f64(),
        mh.as_secs_f64(),
        hand[0].as_secs_f64()
    );
    println!(
        "  scanlens scan (same commands + report.json, index.html, summary.md): median {:.3}s  mean {:.3}s  min {:.3}s",
        ds.as_secs_f64(),
        ms.as_secs_f64(),
        scan[0].as_secs_f64()
    );
    println!(
        "  ratio scanlens / by hand: median {:.3}x  mean {:.3}x  min {:.3}x (target <= 1.05x)",
        ds.as_secs_f64() / dh.as_secs_f64(),
        ms.as_secs_f64() / mh.as_secs_f64(),
        scan[0].as_secs_f64() / hand[0].as_secs_f64()
    );
    Ok(())
}
