//! The report data as `index.html` carries it: the model's compact dataset as JSON, raw DEFLATE
//! compressed on every core, base64.

use base64::Engine;
use scanlens_model::Report;

/// The report as the viewer reads it: the model's compact dataset as JSON.
pub fn embedded_json(report: &Report) -> Vec<u8> {
    crate::json::to_vec(&scanlens_model::compact::wire(report))
        .expect("the compact dataset serializes to JSON")
}

/// The data as the page carries it: [`embedded_json`] compressed with raw DEFLATE, then base64
/// (no `<` can occur, so it is safe in a `<script>` data block). The boot code unpacks it with
/// the browser's own `DecompressionStream("deflate-raw")`, after the first screen is painted.
pub fn embedded_data(report: &Report) -> String {
    encode_data(&embedded_json(report))
}

/// `json` as the page carries it (see [`embedded_data`]).
pub fn encode_data(json: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(deflate_parallel(json))
}

/// One raw DEFLATE stream made of parts of [`DEFLATE_PART`] bytes compressed on every core. Each
/// part ends with a sync flush (an empty stored block, byte-aligned) and the stream with an
/// empty final block, so the parts join into one valid stream; each starts without the previous
/// part's 32 KiB window, which costs well under 1% at this part size.
pub fn deflate_parallel(bytes: &[u8]) -> Vec<u8> {
    use rayon::prelude::*;
    use std::io::Write;
    let parts: Vec<Vec<u8>> = bytes
        .par_chunks(DEFLATE_PART)
        .map(|part| {
            let mut z = flate2::write::DeflateEncoder::new(
                Vec::with_capacity(part.len() / 4),
                flate2::Compression::default(),
            );
            z.write_all(part).expect("in-memory deflate");
            z.flush().expect("in-memory deflate");
            // Taken before the encoder is dropped: dropping it finishes the stream, which
            // only the last part may do.
            std::mem::take(z.get_mut())
        })
        .collect();
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum::<usize>() + 2);
    for p in parts {
        out.extend_from_slice(&p);
    }
    // BFINAL=1, fixed Huffman codes, end of block: the empty final block.
    out.extend_from_slice(&[0x03, 0x00]);
    out
}

/// See [`deflate_parallel`].
const DEFLATE_PART: usize = 1 << 20;

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::io::Read;

    pub fn inflate(raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(raw)
            .read_to_end(&mut out)
            .expect("a valid raw DEFLATE stream");
        out
    }

    #[test]
    fn data_compressed_in_parts_inflates_to_the_same_bytes() {
        // Parts of 1 MiB: 0, 1, exactly 1 and several parts.
        for len in [0, 10, DEFLATE_PART, 3 * DEFLATE_PART + 12_345] {
            let bytes: Vec<u8> = (0..len)
                .map(|i| (i * 7 % 251) as u8 ^ (i / 997) as u8)
                .collect();
            assert_eq!(inflate(&deflate_parallel(&bytes)), bytes, "{len} bytes");
        }
    }
}
