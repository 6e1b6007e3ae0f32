//! `scanlens site --out SITE REPORT_DIR...`: add reports to the static dashboard.

use crate::cli::SiteArgs;

pub fn run(args: SiteArgs) -> anyhow::Result<u8> {
    let added = crate::site::add_reports(&args.out, &args.reports, &args.title)?;
    eprintln!(
        "scanlens: added {added} scan(s) to {}; open {}",
        args.out.display(),
        args.out.join("index.html").display()
    );
    Ok(crate::exit::OK)
}
