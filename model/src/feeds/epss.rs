//! FIRST's EPSS scores, as its daily CSV holds them (decompressed: the generator undoes the
//! gzip): a first line `#model_version:v2025.03.14,score_date:2025-03-15T00:00:00+0000`, the
//! header `cve,epss,percentile`, then one row per CVE (`CVE-1999-0001,0.03351,0.88255`).
//! Columns are found by the header's names, so a column FIRST adds later is ignored.

use super::{CveId, FeedError};
use rustc_hash::FxHashMap;

/// The scores by CVE: (probability, percentile), both from 0 to 1.
#[derive(Debug, Clone, Default)]
pub struct EpssScores {
    model_version: String,
    score_date: String,
    scores: FxHashMap<CveId, (f64, f64)>,
}

const FIX: &str = "pass FIRST's epss_scores-current.csv.gz, plain or gzipped (`scanlens feeds fetch` downloads it)";

/// Whether `text` (from its first non-blank byte) starts the way FIRST's file does, to tell a
/// user who swapped the two feeds which is which.
pub(super) fn looks_like_epss(text: &[u8]) -> bool {
    text.starts_with(b"#model_version") || text.starts_with(b"cve,epss")
}

impl EpssScores {
    /// Reads the CSV text; a row that is not a CVE ID with two numbers from 0 to 1, a repeated
    /// CVE, or a file without FIRST's first line and header is refused with its line.
    pub fn parse(bytes: &[u8]) -> Result<EpssScores, FeedError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(FeedError::whole(
                "the file is still gzip-compressed; decompress it first",
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count();
            FeedError::at(
                line,
                format!("this is not text (a byte that is not UTF-8); {FIX}"),
            )
        })?;
        // `str::split('\n')` was a sixth of the parse's instructions (a char search that starts
        // over at every byte); memchr finds line ends a word at a time. Rows of FIRST's own
        // layout are read by `plain_row`; `Columns::row` reads any other and explains errors.
        let mut start = 0;
        let mut lines = memchr::memchr_iter(b'\n', text.as_bytes())
            .chain(std::iter::once(text.len()))
            .map(move |end| {
                let line = &text[start..end];
                start = (end + 1).min(text.len());
                line
            })
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate()
            .map(|(i, l)| (i + 1, l));
        let (model_version, score_date) = meta(lines.next().map_or("", |(_, l)| l))?;
        let header = lines.next().map_or("", |(_, l)| l);
        let columns = Columns::of(header)?;
        let mut scores = FxHashMap::default();
        // FIRST's file holds a row for every published CVE: about 300,000 in 2025.
        scores.reserve(text.len() / 32);
        for (n, line) in lines {
            if line.is_empty() {
                continue;
            }
            let (id, score, percentile) = columns.row(n, line)?;
            if scores.insert(id, (score, percentile)).is_some() {
                return Err(FeedError::at(
                    n,
                    format!("{id} is scored twice; download the file again"),
                ));
            }
        }
        if scores.is_empty() {
            return Err(FeedError::whole(
                "the file holds no scores (FIRST's lists every published CVE); download it again",
            ));
        }
        Ok(EpssScores {
            model_version,
            score_date,
            scores,
        })
    }

    /// The model's version, e.g. `v2025.03.14`.
    pub fn model_version(&self) -> &str {
        &self.model_version
    }

    /// The day the scores are for, `YYYY-MM-DD`.
    pub fn score_date(&self) -> &str {
        &self.score_date
    }

    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// (probability, percentile) of `id`, if scored.
    pub fn get(&self, id: CveId) -> Option<(f64, f64)> {
        self.scores.get(&id).copied()
    }

    /// Every CVE scored, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = CveId> + '_ {
        self.scores.keys().copied()
    }
}

/// The first line: `#model_version:…,score_date:YYYY-MM-DDT…`.
fn meta(line: &str) -> Result<(String, String), FeedError> {
    if line.trim_start().starts_with('{') {
        return Err(FeedError::at(
            1,
            "this is JSON (CISA's KEV catalog?), not FIRST's EPSS CSV; pass the catalog with --kev",
        ));
    }
    let Some(fields) = line.strip_prefix('#') else {
        return Err(FeedError::at(
            1,
            format!(
                "expected FIRST's first line `#model_version:…,score_date:…`, found `{}`; {FIX}",
                shorten(line)
            ),
        ));
    };
    let field = |key: &str| {
        fields
            .split(',')
            .filter_map(|kv| kv.split_once(':'))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let version = field("model_version")
        .ok_or_else(|| FeedError::at(1, format!("the first line has no model_version; {FIX}")))?;
    let date = field("score_date")
        .ok_or_else(|| FeedError::at(1, format!("the first line has no score_date; {FIX}")))?;
    // `2025-03-15T00:00:00+0000` or `…Z`: only the day is kept, and it must be a real one.
    let day = date
        .get(..10)
        .filter(|d| crate::date::parse_day(d).is_some());
    let rest = date.get(10..).unwrap_or("");
    match day {
        Some(day) if rest.is_empty() || rest.starts_with('T') => {
            Ok((version.to_string(), day.to_string()))
        }
        _ => Err(FeedError::at(
            1,
            format!(
                "score_date `{}` does not start with a date (YYYY-MM-DD); {FIX}",
                shorten(date)
            ),
        )),
    }
}

/// Where the three columns are in a row, and how many fields a row has.
struct Columns {
    cve: usize,
    epss: usize,
    percentile: usize,
    width: usize,
}

impl Columns {
    fn of(header: &str) -> Result<Columns, FeedError> {
        let names: Vec<&str> = header.split(',').map(str::trim).collect();
        let at = |name: &str| {
            names.iter().position(|n| *n == name).ok_or_else(|| {
                FeedError::at(
                    2,
                    format!(
                        "the header `{}` has no column `{name}`; FIRST's is `cve,epss,percentile`",
                        shorten(header)
                    ),
                )
            })
        };
        Ok(Columns {
            cve: at("cve")?,
            epss: at("epss")?,
            percentile: at("percentile")?,
            width: names.len(),
        })
    }

    fn row(&self, n: usize, line: &str) -> Result<(CveId, f64, f64), FeedError> {
        if (self.cve, self.epss, self.percentile, self.width) == (0, 1, 2, 3) {
            if let Some(row) = plain_row(line) {
                return Ok(row);
            }
        }
        let (mut cve, mut epss, mut percentile) = ("", "", "");
        let mut width = 0;
        for (i, field) in line.split(',').enumerate() {
            width = i + 1;
            if i == self.cve {
                cve = field;
            } else if i == self.epss {
                epss = field;
            } else if i == self.percentile {
                percentile = field;
            }
        }
        if width != self.width {
            return Err(FeedError::at(
                n,
                format!("`{}` has {width} fields where the header has {} (a cut-off download?); download the file again", shorten(line), self.width),
            ));
        }
        let id = CveId::parse(cve.trim()).ok_or_else(|| {
            FeedError::at(
                n,
                format!("`{}` is not a CVE ID (CVE-YYYY-NNNN)", shorten(cve)),
            )
        })?;
        let number = |name: &str, text: &str| {
            unit_number(text.trim())
                .filter(|x| (0.0..=1.0).contains(x))
                .ok_or_else(|| {
                    FeedError::at(
                        n,
                        format!(
                            "{name} `{}` of {id} is not a number from 0 to 1",
                            shorten(text)
                        ),
                    )
                })
        };
        Ok((id, number("epss", epss)?, number("percentile", percentile)?))
    }
}

/// A row of FIRST's own layout (`CVE-2022-22965,0.94432,0.99961`) with nothing to trim, or
/// `None` for anything else, which [`Columns::row`] then reads, or explains. Its three fields are
/// found in one pass: splitting every row the general way was half of the parse's instructions.
fn plain_row(line: &str) -> Option<(CveId, f64, f64)> {
    let b = line.as_bytes();
    let first = memchr::memchr(b',', b)?;
    let second = first + 1 + memchr::memchr(b',', &b[first + 1..])?;
    if memchr::memchr(b',', &b[second + 1..]).is_some() {
        return None;
    }
    // Commas are ASCII, so these are char boundaries.
    let unit = |text: &str| unit_number(text).filter(|x| (0.0..=1.0).contains(x));
    Some((
        CveId::parse(&line[..first])?,
        unit(&line[first + 1..second])?,
        unit(&line[second + 1..])?,
    ))
}

/// A number from 0 to 1 as FIRST writes them (`0.03351`), or `None`. Digits with at most 15
/// decimals are read as an integer over a power of ten: both are exact in an `f64` (below 2^53,
/// and 10^k for k ≤ 22), and IEEE division rounds correctly, so the value is the one
/// `str::parse` gives, at a fifth of its instructions. Any other spelling (exponents, signs,
/// more digits) goes to `str::parse`.
fn unit_number(text: &str) -> Option<f64> {
    const TEN_TO: [u64; 16] = {
        let mut t = [1u64; 16];
        let mut i = 1;
        while i < t.len() {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    };
    if let [int @ (b'0' | b'1'), b'.', frac @ ..] = text.as_bytes() {
        if let (Some(&scale), Some(n)) = (TEN_TO.get(frac.len()), super::cve::digits(frac)) {
            return Some((u64::from(int - b'0') * scale + n) as f64 / scale as f64);
        }
    }
    text.parse().ok()
}

/// At most 60 characters of untrusted text for a one-line message.
fn shorten(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    let cut: String = cut
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > 60 {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_as_str_parse_reads_them() {
        // Every five-decimal score FIRST can write, then longer and odd spellings.
        let mut texts: Vec<String> = (0..=100_000)
            .map(|n| format!("{}.{:05}", n / 100_000, n % 100_000))
            .collect();
        texts.extend(
            [
                "0.1",
                "0.123456789012345",
                "0.999999999999999",
                "1.000000000000000",
                "0.30000000000000004",
                "1e-5",
                "0",
                "1",
                ".5",
                "0.",
                "-0.0",
                "+0.5",
                "0.5x",
                "",
                "2.5",
                "0.1234567890123456",
            ]
            .map(String::from),
        );
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = 1 + (seed % 15) as usize;
            let frac = seed % 10u64.pow(digits as u32);
            texts.push(format!("0.{frac:0digits$}"));
        }
        for t in &texts {
            assert_eq!(
                unit_number(t).map(f64::to_bits),
                t.parse::<f64>().ok().map(f64::to_bits),
                "{t}"
            );
        }
    }

    const HEAD: &str =
        "#model_version:v2025.03.14,score_date:2025-03-15T00:00:00+0000\ncve,epss,percentile\n";

    #[test]
    fn reads_first_line_header_and_rows() {
        let text =
            format!("{HEAD}CVE-1999-0001,0.03351,0.88255\r\nCVE-2022-22965,0.94432,0.99961\n\n");
        let e = EpssScores::parse(text.as_bytes()).unwrap();
        assert_eq!(
            (e.model_version(), e.score_date(), e.len()),
            ("v2025.03.14", "2025-03-15", 2)
        );
        assert_eq!(
            e.get(CveId::parse("CVE-1999-0001").unwrap()),
            Some((0.03351, 0.88255))
        );
        assert_eq!(e.get(CveId::parse("CVE-2000-0001").unwrap()), None);
        // Columns go by name; a `Z` zone is FIRST's other spelling.
        let moved = "#score_date:2025-03-15T00:00:00Z,model_version:v3\npercentile,cve,epss,extra\n0.5,CVE-2020-1234,0.25,x\n";
        let e = EpssScores::parse(moved.as_bytes()).unwrap();
        assert_eq!(
            e.get(CveId::parse("CVE-2020-1234").unwrap()),
            Some((0.25, 0.5))
        );
        assert_eq!(e.score_date(), "2025-03-15");
    }

    #[test]
    fn malformed_files_are_refused_with_their_line() {
        let row = "CVE-1999-0001,0.03351,0.88255\n";
        let cases: Vec<(String, &str, usize)> = vec![
            (String::new(), "expected FIRST's first line", 1),
            ("{\"catalogVersion\": \"1\"}".into(), "--kev", 1),
            (
                "cve,epss,percentile\nCVE-1999-0001,0.1,0.2\n".into(),
                "expected FIRST's first line",
                1,
            ),
            (
                "#score_date:2025-03-15\ncve,epss,percentile\n".into(),
                "no model_version",
                1,
            ),
            (
                "#model_version:v1\ncve,epss,percentile\n".into(),
                "no score_date",
                1,
            ),
            (
                "#model_version:v1,score_date:yesterday\ncve,epss,percentile\n".into(),
                "`yesterday` does not start with a date",
                1,
            ),
            (
                "#model_version:v1,score_date:2025-02-30\ncve,epss\n".into(),
                "does not start with a date",
                1,
            ),
            (
                "#model_version:v1,score_date:2025-03-15\ncve,epss\n".into(),
                "no column `percentile`",
                2,
            ),
            (HEAD.into(), "holds no scores", 0),
            (
                format!("{HEAD}{row}CVE-1999-0002,0.1\n"),
                "has 2 fields where the header has 3",
                4,
            ),
            (
                format!("{HEAD}{row}CVE-1999-0002,0.1,0.2,0.3\n"),
                "has 4 fields",
                4,
            ),
            (
                format!("{HEAD}{row}GHSA-1,0.1,0.2\n"),
                "`GHSA-1` is not a CVE ID",
                4,
            ),
            (
                format!("{HEAD}{row}CVE-1999-0002,1.5,0.2\n"),
                "epss `1.5` of CVE-1999-0002",
                4,
            ),
            (
                format!("{HEAD}{row}CVE-1999-0002,0.1,NaN\n"),
                "percentile `NaN`",
                4,
            ),
            (
                format!("{HEAD}{row}CVE-1999-0002,-0.1,0.2\n"),
                "epss `-0.1`",
                4,
            ),
            (
                format!("{HEAD}{row}{row}"),
                "CVE-1999-0001 is scored twice",
                4,
            ),
            (
                format!("{HEAD}{row}CVE-1999-0002,\u{1}0.1,0.2\n"),
                "epss ` 0.1`",
                4,
            ),
        ];
        for (text, want, line) in cases {
            let e = EpssScores::parse(text.as_bytes()).unwrap_err();
            assert!(e.message.contains(want), "{e} should say {want}");
            assert_eq!(e.line, line, "{e}");
            assert!(
                !e.to_string().contains(['\n', '\r', '\u{1}']),
                "one line: {e}"
            );
        }
        let mut bytes = format!("{HEAD}{row}").into_bytes();
        bytes.extend_from_slice(b"CVE-1999-0002,0.\xff,0.2\n");
        assert_eq!(EpssScores::parse(&bytes).unwrap_err().line, 4);
        assert!(EpssScores::parse(&[0x1f, 0x8b, 8, 0])
            .unwrap_err()
            .message
            .contains("gzip"));
    }
}
