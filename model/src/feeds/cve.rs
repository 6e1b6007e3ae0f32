//! CVE IDs as lookup keys: both feeds and the findings are joined on them, hundreds of
//! thousands of times for a large report, so a key is three integers rather than a string.

/// `CVE-2022-22965` as (year 2022, 5 digits, 22965). The digit count keeps `CVE-2022-0123` and
/// a (malformed) `CVE-2022-00123` apart, so the key means exactly the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CveId {
    year: u16,
    digits: u8,
    number: u64,
}

impl CveId {
    /// `CVE-YYYY-NNNN`, with 4 to 19 digits after the year as CISA's schema allows (the prefix
    /// in any case: a few advisories write `cve-`); `None` for anything else.
    pub fn parse(s: &str) -> Option<CveId> {
        let b = s.as_bytes();
        if b.len() < 13 || !b[..4].eq_ignore_ascii_case(b"CVE-") || b[8] != b'-' {
            return None;
        }
        let year = digits(&b[4..8])?;
        let seq = &b[9..];
        if !(4..=19).contains(&seq.len()) {
            return None;
        }
        Some(CveId {
            year: year as u16,
            digits: seq.len() as u8,
            number: digits(seq)?,
        })
    }
}

impl std::fmt::Display for CveId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CVE-{:04}-{:0width$}",
            self.year,
            self.number,
            width = self.digits as usize
        )
    }
}

/// ASCII digits as a number; 19 digits always fit in a `u64`. Checked and summed in one pass
/// (the join and FIRST's file read hundreds of thousands of IDs and scores).
pub(super) fn digits(b: &[u8]) -> Option<u64> {
    let (mut n, mut all) = (0u64, !b.is_empty());
    for &d in b {
        let v = d.wrapping_sub(b'0');
        all &= v < 10;
        n = n.wrapping_mul(10).wrapping_add(u64::from(v));
    }
    all.then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_round_trip_and_others_are_not_cves() {
        for id in [
            "CVE-2022-22965",
            "CVE-2014-0160",
            "CVE-1999-0001",
            "CVE-2021-1234567",
            "CVE-2021-9999999999999999999",
        ] {
            assert_eq!(CveId::parse(id).unwrap().to_string(), id);
        }
        assert_eq!(
            CveId::parse("cve-2022-22965"),
            CveId::parse("CVE-2022-22965")
        );
        assert_ne!(
            CveId::parse("CVE-2022-0123"),
            CveId::parse("CVE-2022-00123")
        );
        for not in [
            "",
            "CVE-2022-123",
            "CVE-22-12345",
            "CVE-2022_12345",
            "CVE-2022-12a45",
            "CVE-2022-12345 ",
            "CVE-2022-+1234",
            "GHSA-xxxx-yyyy-zzzz",
            "DSA-5000-1",
            "CVE-2021-99999999999999999999",
            "CVE-２０２２-12345",
        ] {
            assert_eq!(CveId::parse(not), None, "{not:?}");
        }
    }
}
