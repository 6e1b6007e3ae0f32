use std::io::Write;

pub fn run() -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    out.write_all(crate::output::report_schema().as_bytes())?;
    Ok(crate::exit::OK)
}
