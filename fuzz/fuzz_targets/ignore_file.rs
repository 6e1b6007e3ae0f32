//! Any text as `.trivyignore` and `.trivyignore.yaml`, and as glob patterns and purls: read or
//! refused with one line; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for result in [
        scanlens::ignorefile::parse_yaml("f.yaml", &text),
        scanlens::ignorefile::parse_plain("f", &text),
    ] {
        if let Err(e) = result {
            assert!(!e.to_string().contains('\n'), "{e}");
        }
    }
    let mut half = text.len() / 2;
    while !text.is_char_boundary(half) {
        half -= 1;
    }
    let (pattern, name) = text.split_at(half);
    let _ = scanlens_model::glob::matches(pattern, name);
    let _ = scanlens_model::purl::Purl::parse(&text);
});
