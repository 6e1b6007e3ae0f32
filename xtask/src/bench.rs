//! `xtask bench-viewer`: figures for the viewer in headless Chromium (filled in below).

pub fn run(_args: Vec<String>) -> anyhow::Result<()> {
    anyhow::bail!("bench-viewer: not yet implemented")
}
