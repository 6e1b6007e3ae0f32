//! CISA's Known Exploited Vulnerabilities catalog, as CISA publishes it
//! (`known_exploited_vulnerabilities.json`, its schema beside the catalog): the top level
//! `catalogVersion`, `dateReleased`, `count` and `vulnerabilities`, each entry with `cveID`,
//! `vulnerabilityName`, `dateAdded`, `requiredAction`, `dueDate` and
//! `knownRansomwareCampaignUse`. Fields Scanlens does not show are not checked, so that CISA
//! adding one breaks nothing; the ones it shows must be what the schema says.

use super::{CveId, FeedError};
use crate::report::Kev;
use rustc_hash::FxHashMap;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

/// The catalog, looked up by CVE.
#[derive(Debug, Clone, Default)]
pub struct KevCatalog {
    version: String,
    released: String,
    entries: FxHashMap<CveId, Kev>,
}

/// Where to get the real thing, for messages.
const FIX: &str =
    "pass CISA's known_exploited_vulnerabilities.json (`scanlens feeds fetch` downloads it)";

impl KevCatalog {
    /// Reads the catalog's JSON; anything else, or a catalog that is cut short or holds an
    /// entry without a valid CVE ID or date, is refused with its position.
    pub fn parse(bytes: &[u8]) -> Result<KevCatalog, FeedError> {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = text.iter().position(|b| !b.is_ascii_whitespace());
        match first.map(|i| &text[i..]) {
            None => return Err(FeedError::whole(format!("the file is empty; {FIX}"))),
            Some(rest) if super::epss::looks_like_epss(rest) => {
                return Err(FeedError::at(
                    1,
                    "this is FIRST's EPSS CSV, not CISA's KEV catalog; pass it with --epss",
                ))
            }
            Some(rest) if rest[0] != b'{' => {
                return Err(FeedError::at(
                    1,
                    format!("not CISA's KEV catalog (it is not a JSON object); {FIX}"),
                ))
            }
            Some(_) => {}
        }
        let raw: Raw = serde_json::from_slice(text).map_err(|e| {
            let is_catalog = memchr::memmem::find(text, b"\"catalogVersion\"").is_some();
            if e.is_data() && !is_catalog {
                return FeedError::at(
                    1,
                    format!("not CISA's KEV catalog (there is no `catalogVersion`); {FIX}"),
                );
            }
            FeedError {
                line: e.line(),
                column: e.column(),
                message: describe(&e),
            }
        })?;
        if let Some(id) = raw.vulnerabilities.repeated {
            return Err(FeedError::at(
                second_line_of(text, &format!("\"{id}\"")),
                format!("{id} is listed twice; download the catalog again"),
            ));
        }
        let held = raw.vulnerabilities.map.len();
        if raw.count != held as u64 {
            return Err(FeedError::whole(format!(
                "the catalog says it lists {} vulnerabilities but holds {held}, so it is incomplete; download it again",
                raw.count
            )));
        }
        if held == 0 {
            return Err(FeedError::whole(
                "the catalog lists no vulnerabilities, which CISA's never does; download it again",
            ));
        }
        Ok(KevCatalog {
            version: raw.catalog_version,
            released: raw.date_released,
            entries: raw.vulnerabilities.map,
        })
    }

    /// `catalogVersion`, e.g. `2025.08.25`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `dateReleased`, e.g. `2025-08-25T17:04:19.9796Z`.
    pub fn released(&self) -> &str {
        &self.released
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: CveId) -> Option<&Kev> {
        self.entries.get(&id)
    }

    /// Every CVE the catalog lists, in no particular order.
    pub fn ids(&self) -> impl Iterator<Item = CveId> + '_ {
        self.entries.keys().copied()
    }
}

fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the caller prints the position itself.
    let text = text.rfind(" at line ").map_or(&*text, |i| &text[..i]);
    if e.is_eof() {
        format!("{text}: the file is cut short; download it again")
    } else if e.is_syntax() {
        format!("{text}: this is not valid JSON; {FIX}")
    } else {
        format!("{text}: not what CISA's schema allows; {FIX}")
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    catalog_version: String,
    date_released: String,
    count: u64,
    vulnerabilities: Entries,
}

/// The line of the second occurrence of `needle` in `text` (0 if there is none).
fn second_line_of(text: &[u8], needle: &str) -> usize {
    let mut at = memchr::memmem::find_iter(text, needle.as_bytes());
    match (at.next(), at.next()) {
        (Some(_), Some(i)) => 1 + memchr::memchr_iter(b'\n', &text[..i]).count(),
        _ => 0,
    }
}

/// The entries by CVE, and the first CVE listed twice: two entries for one CVE would make the
/// answer depend on which is read. (serde_json would place an error raised here at the end of
/// the list, so the caller finds the line.)
struct Entries {
    map: FxHashMap<CveId, Kev>,
    repeated: Option<CveId>,
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of vulnerabilities")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entries, A::Error> {
                let mut map = FxHashMap::default();
                map.reserve(seq.size_hint().unwrap_or(2048));
                let mut repeated = None;
                while let Some(e) = seq.next_element::<Entry>()? {
                    if map.contains_key(&e.cve.0) {
                        repeated = repeated.or(Some(e.cve.0));
                        continue;
                    }
                    map.insert(
                        e.cve.0,
                        Kev {
                            date_added: e.date_added.0,
                            due_date: e.due_date.0,
                            ransomware: e.ransomware.0,
                            name: e.name,
                            required_action: e.required_action,
                        },
                    );
                }
                Ok(Entries { map, repeated })
            }
        }
        d.deserialize_seq(V)
    }
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "cveID")]
    cve: Cve,
    #[serde(rename = "vulnerabilityName")]
    name: String,
    #[serde(rename = "dateAdded")]
    date_added: Day,
    #[serde(rename = "requiredAction")]
    required_action: String,
    #[serde(rename = "dueDate")]
    due_date: Day,
    // Optional in CISA's schema; absent means CISA does not know of ransomware use.
    #[serde(rename = "knownRansomwareCampaignUse", default)]
    ransomware: Ransomware,
}

struct Cve(CveId);

impl<'de> Deserialize<'de> for Cve {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CveId::parse(&s).map(Cve).ok_or_else(|| {
            de::Error::custom(format!("cveID `{s}` is not a CVE ID (CVE-YYYY-NNNN)"))
        })
    }
}

/// `YYYY-MM-DD`, a real date.
struct Day(String);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match crate::date::parse_day(&s) {
            Some(_) => Ok(Day(s)),
            None => Err(de::Error::custom(format!(
                "`{s}` is not a date (YYYY-MM-DD)"
            ))),
        }
    }
}

#[derive(Default)]
struct Ransomware(bool);

impl<'de> Deserialize<'de> for Ransomware {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // Only CISA's two words: a third would be a meaning Scanlens cannot show faithfully.
        match s.as_str() {
            "Known" => Ok(Ransomware(true)),
            "Unknown" => Ok(Ransomware(false)),
            _ => Err(de::Error::custom(format!(
                "knownRansomwareCampaignUse is `{s}`; CISA writes Known or Unknown"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(entries: &[&str], count: usize) -> String {
        format!(
            "{{\n\"catalogVersion\": \"2025.08.25\",\n\"dateReleased\": \"2025-08-25T17:04:19.9796Z\",\n\"count\": {count},\n\"vulnerabilities\": [\n{}\n]\n}}",
            entries.join(",\n")
        )
    }

    fn entry(id: &str, ransomware: &str) -> String {
        format!(
            r#"{{"cveID": "{id}", "vendorProject": "V", "product": "P", "vulnerabilityName": "N {id}", "dateAdded": "2022-04-04", "shortDescription": "D", "requiredAction": "Apply updates.", "dueDate": "2022-04-25", "knownRansomwareCampaignUse": "{ransomware}", "notes": "", "cwes": ["CWE-94"]}}"#
        )
    }

    #[test]
    fn reads_entries_by_cve() {
        let a = entry("CVE-2022-22965", "Known");
        let b = entry("CVE-2021-44228", "Unknown");
        let c = catalog(&[&a, &b], 2);
        let k = KevCatalog::parse(c.as_bytes()).unwrap();
        assert_eq!((k.version(), k.len()), ("2025.08.25", 2));
        let e = k.get(CveId::parse("CVE-2022-22965").unwrap()).unwrap();
        assert_eq!(
            *e,
            Kev {
                date_added: "2022-04-04".into(),
                due_date: "2022-04-25".into(),
                ransomware: true,
                name: "N CVE-2022-22965".into(),
                required_action: "Apply updates.".into(),
            }
        );
        assert!(
            !k.get(CveId::parse("CVE-2021-44228").unwrap())
                .unwrap()
                .ransomware
        );
        assert!(k.get(CveId::parse("CVE-2000-0001").unwrap()).is_none());
    }

    #[test]
    fn malformed_catalogs_are_refused_with_their_line() {
        let good = entry("CVE-2022-22965", "Known");
        let cases: Vec<(String, &str, usize)> = vec![
            (String::new(), "empty", 0),
            (
                "#model_version:v1,score_date:2025-01-01\ncve,epss,percentile\n".into(),
                "--epss",
                1,
            ),
            (
                r#"{"SchemaVersion": 2, "Results": []}"#.into(),
                "no `catalogVersion`",
                1,
            ),
            ("[1, 2]".into(), "not a JSON object", 1),
            (
                catalog(&[&good], 2),
                "says it lists 2 vulnerabilities but holds 1",
                0,
            ),
            (catalog(&[], 0), "lists no vulnerabilities", 0),
            (
                catalog(&[&good, &good], 2),
                "CVE-2022-22965 is listed twice",
                7,
            ),
            (
                catalog(&[&entry("CVE-22-1", "Known")], 1),
                "cveID `CVE-22-1` is not a CVE ID",
                6,
            ),
            (
                catalog(&[&entry("CVE-2022-22965", "Maybe")], 1),
                "knownRansomwareCampaignUse is `Maybe`",
                6,
            ),
            (
                catalog(&[&good.replace("2022-04-25", "2022-02-30")], 1),
                "`2022-02-30` is not a date",
                6,
            ),
            (
                catalog(&[&good.replace("\"dueDate\"", "\"due\"")], 1),
                "missing field `dueDate`",
                6,
            ),
            (catalog(&[&good], 1)[..120].to_string(), "cut short", 6),
            (
                catalog(&[&good], 1).replace("\"count\": 1", "\"count\": \"1\""),
                "invalid type",
                4,
            ),
        ];
        for (text, want, line) in cases {
            let e = KevCatalog::parse(text.as_bytes()).unwrap_err();
            assert!(e.message.contains(want), "{e} should say {want}");
            assert_eq!(e.line, line, "{e}");
            assert!(!e.to_string().contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn unknown_fields_and_a_missing_ransomware_field_are_fine() {
        let e = entry("CVE-2022-22965", "Known").replace(
            r#", "knownRansomwareCampaignUse": "Known""#,
            r#", "future": {"x": 1}"#,
        );
        let k = KevCatalog::parse(catalog(&[&e], 1).as_bytes()).unwrap();
        assert!(
            !k.get(CveId::parse("CVE-2022-22965").unwrap())
                .unwrap()
                .ransomware
        );
    }
}
