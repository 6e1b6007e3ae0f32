//! Any bytes as a Trivy report: read completely (with consistent counts) or refused with one
//! line naming the file and the fix; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut b = scanlens_model::ReportBuilder::new("fuzz");
    match scanlens::input::add(&mut b, std::path::Path::new("fuzz.json"), "fuzz.json", data) {
        Ok(()) => {
            let report = b.finish();
            let counted = report.findings.iter().filter(|f| f.is_counted()).count();
            assert_eq!(report.summary.total() as usize, counted);
        }
        Err(e) => {
            let e = e.to_string();
            assert!(!e.contains('\n'), "{e}");
            assert!(e.starts_with("fuzz.json"), "{e}");
        }
    }
});
