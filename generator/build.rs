//! Packs the viewer's wasm the way `index.html` carries it (gzipped, then base64) once, at build
//! time: encoding it on every render cost each run tens of milliseconds. `cargo xtask viewer`
//! commits it already gzipped (by zopfli, smaller than any level of flate2's gzip).

use base64::Engine;

fn main() {
    let wasm = "assets/viewer/scanlens_viewer_bg.wasm.gz";
    println!("cargo::rerun-if-changed={wasm}");
    let gz = std::fs::read(wasm).expect("the committed viewer wasm is readable");
    assert!(
        gz.starts_with(&[0x1f, 0x8b]),
        "{wasm} is not gzip; rebuild it with `cargo xtask viewer`"
    );
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(
        out.join("viewer_wasm.gz.b64"),
        base64::engine::general_purpose::STANDARD.encode(gz),
    )
    .expect("OUT_DIR is writable");
}
