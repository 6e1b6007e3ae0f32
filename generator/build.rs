//! Packs the viewer's wasm the way `index.html` carries it (gzipped, then base64) once, at build
//! time: compressing it on every render cost each run tens of milliseconds.

use base64::Engine;
use std::io::Write;

fn main() {
    let wasm = "assets/viewer/scanlens_viewer_bg.wasm";
    println!("cargo::rerun-if-changed={wasm}");
    let bytes = std::fs::read(wasm).expect("the committed viewer wasm is readable");
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&bytes).expect("in-memory gzip");
    let gz = z.finish().expect("in-memory gzip");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(
        out.join("viewer_wasm.gz.b64"),
        base64::engine::general_purpose::STANDARD.encode(gz),
    )
    .expect("OUT_DIR is writable");
}
