//! `.trivyignore` and `.trivyignore.yaml`, read as Trivy 0.76 reads them into the model's
//! [`IgnoreRule`]s (what a rule then matches is [`scanlens_model::ignore`]).
//!
//! - The format goes by the name: `.yaml` / `.yml` is YAML, anything else plain.
//! - Plain: one rule per line; blank lines and lines starting with `#` are skipped; the first
//!   word is the ID; the first later word starting with `exp:` is the expiry (`YYYY-MM-DD`);
//!   other words (a trailing `# comment`) are ignored. The rule applies to every kind.
//! - YAML: lists under `vulnerabilities`, `misconfigurations`, `secrets`, `licenses`, each entry
//!   with `id` and optional `paths` (doublestar globs), `purls`, `expired_at`, `statement`.
//!
//! Where Trivy skips a line it cannot read (a bad `exp:` date) and so ignores nothing there,
//! Scanlens refuses the file, naming the line: a rule that silently does nothing is how an
//! accepted risk turns into a surprise.

use scanlens_model::ignore::IgnoreRule;
use scanlens_model::purl::Purl;
use scanlens_model::{date, glob, Kind};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum IgnoreFileError {
    #[error("cannot read ignore file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("ignore file {path} is not valid .trivyignore.yaml: {message}; see https://trivy.dev/latest/docs/configuration/filtering/#trivyignoreyaml")]
    Yaml { path: String, message: String },
    #[error("ignore file {path}: {message}")]
    File { path: String, message: String },
    #[error("ignore file {path}:{line}: {message}")]
    Line {
        path: String,
        line: usize,
        message: String,
    },
}

/// Trivy reads lines with Go's default scanner, which stops at a line of 64 KiB or more
/// (counting a `\r` before the `\n`).
const MAX_LINE: usize = 64 * 1024;
/// An ignore file is a few KB; a larger one (`/dev/zero`, a wrong path) is refused rather than
/// read without end.
pub const MAX_SIZE: u64 = 16 << 20;
/// How deep YAML may nest: an ignore file needs four levels; the parser's time grows with the
/// square of the depth.
const MAX_DEPTH: usize = 64;

pub fn read(path: &Path) -> Result<Vec<IgnoreRule>, IgnoreFileError> {
    use std::io::Read;
    let name = path.display().to_string();
    let read_err = |source| IgnoreFileError::Read {
        path: name.clone(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read_err)?
        .take(MAX_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_SIZE {
        return Err(IgnoreFileError::File {
            path: name,
            message: format!(
                "it is larger than {} MiB, which no ignore file is; check the path",
                MAX_SIZE >> 20
            ),
        });
    }
    let text = String::from_utf8(bytes)
        .ok()
        .filter(|t| !t.contains('\0'))
        .ok_or_else(|| IgnoreFileError::File {
            path: name.clone(),
            message: "it is not a text file (NUL bytes or invalid UTF-8); check the path".into(),
        })?;
    if is_yaml(path) {
        parse_yaml(&name, &text)
    } else {
        parse_plain(&name, &text)
    }
}

/// As Trivy decides: by the extension alone.
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

pub fn parse_plain(name: &str, text: &str) -> Result<Vec<IgnoreRule>, IgnoreFileError> {
    let mut rules = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let at = |message: String| IgnoreFileError::Line {
            path: name.to_string(),
            line: i + 1,
            message,
        };
        // Go's scanner needs the line and its `\n` in its 64 KiB buffer; a `\r` counts too.
        if raw.len() >= MAX_LINE {
            return Err(at(format!(
                "the line is {} KiB or longer, where trivy stops reading the file; shorten it",
                MAX_LINE / 1024
            )));
        }
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut rule = IgnoreRule {
            id: words[0].to_string(),
            origin: format!("{name}:{}", i + 1),
            ..IgnoreRule::default()
        };
        if words.len() > 1 {
            if let Some(value) = words.iter().find_map(|w| w.strip_prefix("exp:")) {
                rule.expires = Some(date::parse_day(value).ok_or_else(|| {
                    at(format!(
                        "`exp:{value}` is not a date; write exp:YYYY-MM-DD (trivy would skip this line and ignore nothing)"
                    ))
                })?);
            }
        }
        rules.push(rule);
    }
    Ok(rules)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YamlFile {
    vulnerabilities: Option<Vec<YamlEntry>>,
    misconfigurations: Option<Vec<YamlEntry>>,
    secrets: Option<Vec<YamlEntry>>,
    licenses: Option<Vec<YamlEntry>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YamlEntry {
    id: Option<serde_norway::Value>,
    paths: Option<Vec<String>>,
    purls: Option<Vec<String>>,
    expired_at: Option<serde_norway::Value>,
    statement: Option<String>,
}

/// A YAML scalar as the text it was written as (`id: 2021` is the ID `2021`).
fn scalar(v: &serde_norway::Value) -> Option<String> {
    match v {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        serde_norway::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What the YAML events of a file say that its parsed value no longer does.
#[derive(Default)]
struct Events {
    /// Which `expired_at` values are unquoted, by section and entry: yaml.v3 resolves an
    /// unquoted date to a timestamp, while Trivy reads a quoted one as RFC 3339 only
    /// (`parse_expiry`). A value this does not see as plain (an alias, a merged key) counts as
    /// quoted: stricter, never looser.
    plain: std::collections::HashSet<(String, usize)>,
    /// Merge keys as yaml.v3 takes them: `<<` unquoted and untagged, or tagged `!!merge`.
    merges: usize,
    /// `<<` keys yaml.v3 does not merge (quoted, or with another tag), which the parsed value
    /// cannot tell from merge keys.
    odd_merges: usize,
    /// How many nodes the document holds with every alias expanded (saturating).
    nodes: u64,
}

/// How many nodes a file's aliases may expand to: a few hundred rules need a few thousand; a
/// billion-laughs file needs far more than memory.
const MAX_NODES: u64 = 1_000_000;

/// Reads the file's YAML events (see [`Events`]).
fn events(text: &str) -> Events {
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
    use yaml_rust2::scanner::{Marker, TScalarStyle};

    enum Frame {
        /// A mapping: its current key (a scalar's text), and whether the next node is a key.
        Map(Option<String>, bool),
        /// A sequence: how many items have started.
        Seq(usize),
    }
    #[derive(Default)]
    struct Walk {
        stack: Vec<Frame>,
        /// Per open collection: its anchor and its expanded size so far.
        sizes: Vec<(usize, u64)>,
        anchored: std::collections::HashMap<usize, u64>,
        out: Events,
    }
    fn is_merge_tag(t: &Tag) -> bool {
        t.suffix == "merge" && (t.handle == "!!" || t.handle == "tag:yaml.org,2002:")
    }
    impl Walk {
        /// A node starts: returns whether it is a mapping's key, and moves its parent on.
        fn start(&mut self) -> bool {
            match self.stack.last_mut() {
                Some(Frame::Map(key, next_is_key)) => {
                    let is_key = *next_is_key;
                    if is_key {
                        *key = None;
                    }
                    *next_is_key = !is_key;
                    is_key
                }
                Some(Frame::Seq(n)) => {
                    *n += 1;
                    false
                }
                None => false,
            }
        }
        /// Adds a node of `n` expanded nodes to the collection it is in.
        fn count(&mut self, n: u64) {
            match self.sizes.last_mut() {
                Some((_, size)) => *size = size.saturating_add(n),
                None => self.out.nodes = self.out.nodes.saturating_add(n),
            }
        }
        /// The path to an entry's `expired_at`: root key, item, `expired_at`.
        fn at_expiry(&self) -> Option<(String, usize)> {
            match self.stack.as_slice() {
                [Frame::Map(Some(section), _), Frame::Seq(n), Frame::Map(Some(k), _)]
                    if k == "expired_at" =>
                {
                    Some((section.clone(), n.checked_sub(1)?))
                }
                _ => None,
            }
        }
    }
    impl MarkedEventReceiver for Walk {
        fn on_event(&mut self, ev: Event, _: Marker) {
            match ev {
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor > 0 {
                        self.anchored.insert(anchor, 1);
                    }
                    self.count(1);
                    // `!!str 2099-01-01` is a string to yaml.v3 however it is written.
                    let untyped = tag.as_ref().is_none_or(|t| t.suffix == "timestamp");
                    if self.start() {
                        if value == "<<" {
                            let plain = style == TScalarStyle::Plain && tag.is_none();
                            if plain || tag.as_ref().is_some_and(is_merge_tag) {
                                self.out.merges += 1;
                            } else {
                                self.out.odd_merges += 1;
                            }
                        }
                        if let Some(Frame::Map(key, _)) = self.stack.last_mut() {
                            *key = Some(value);
                        }
                    } else if style == TScalarStyle::Plain && untyped {
                        if let Some(at) = self.at_expiry() {
                            self.out.plain.insert(at);
                        }
                    }
                }
                Event::Alias(id) => {
                    self.start();
                    let n = self.anchored.get(&id).copied().unwrap_or(1);
                    self.count(n);
                }
                Event::MappingStart(anchor, _) => {
                    self.start();
                    self.stack.push(Frame::Map(None, true));
                    self.sizes.push((anchor, 1));
                }
                Event::SequenceStart(anchor, _) => {
                    self.start();
                    self.stack.push(Frame::Seq(0));
                    self.sizes.push((anchor, 1));
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    self.stack.pop();
                    if let Some((anchor, n)) = self.sizes.pop() {
                        if anchor > 0 {
                            self.anchored.insert(anchor, n);
                        }
                        self.count(n);
                    }
                }
                _ => {}
            }
        }
    }
    let mut walk = Walk::default();
    // A file this parser refuses only loses what the events tell: its dates must then be
    // RFC 3339, and it is read without merges (serde_norway says what is wrong with it).
    let _ = Parser::new_from_str(text).load(&mut walk, false);
    walk.out
}

pub fn parse_yaml(name: &str, text: &str) -> Result<Vec<IgnoreRule>, IgnoreFileError> {
    let yaml_err = |message: String| IgnoreFileError::Yaml {
        path: name.to_string(),
        message,
    };
    if let Some(line) = too_deep(text) {
        return Err(IgnoreFileError::Line {
            path: name.to_string(),
            line,
            message: format!(
                "YAML nested deeper than {MAX_DEPTH} levels, which no ignore file needs; check the file"
            ),
        });
    }
    let events = events(text);
    if events.odd_merges > 0 {
        return Err(yaml_err(
            "a `<<` key is quoted or tagged, which trivy does not take as a merge key and this reader cannot tell from one; write merges as plain `<<:` and rename other `<<` keys".into(),
        ));
    }
    let file: YamlFile = if text.trim().is_empty() {
        YamlFile::default()
    } else if events.merges == 0 {
        // Read typed, as before merges: unknown keys are skipped, their aliases never expanded.
        serde_norway::from_str(text).map_err(|e| yaml_err(e.to_string().replace('\n', " ")))?
    } else {
        if events.nodes > MAX_NODES {
            return Err(yaml_err(format!(
                "its aliases expand to more than {MAX_NODES} nodes, which no ignore file needs; write the rules out"
            )));
        }
        let mut value: serde_norway::Value =
            serde_norway::from_str(text).map_err(|e| yaml_err(e.to_string().replace('\n', " ")))?;
        apply_merges(&mut value).map_err(yaml_err)?;
        serde_norway::from_value(value).map_err(|e| yaml_err(e.to_string().replace('\n', " ")))?
    };
    let mut rules = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let plain = events.plain;
    for (kind, entries) in [
        (Kind::Vulnerability, file.vulnerabilities),
        (Kind::Misconfiguration, file.misconfigurations),
        (Kind::Secret, file.secrets),
        (Kind::License, file.licenses),
    ] {
        let mut from = 0;
        for (i, e) in entries.unwrap_or_default().into_iter().enumerate() {
            let id = e.id.as_ref().and_then(scalar).unwrap_or_default();
            if id.trim().is_empty() {
                return Err(yaml_err(format!(
                    "entry {} under `{}` has no `id`",
                    i + 1,
                    kind.plural()
                )));
            }
            let paths = e.paths.unwrap_or_default();
            if let Some(bad) = paths.iter().find(|p| !glob::is_valid(p)) {
                return Err(yaml_err(format!(
                    "`{id}` has the path pattern `{bad}`, which is not a valid glob (an unclosed `[` or `{{`, or a trailing `\\`)"
                )));
            }
            let mut purls = Vec::new();
            for p in e.purls.unwrap_or_default() {
                purls.push(
                    Purl::parse(&p)
                        .map_err(|why| yaml_err(format!("`{id}` has the purl `{p}`: {why}")))?,
                );
            }
            let expires = match e.expired_at {
                None | Some(serde_norway::Value::Null) => None,
                Some(v) => {
                    let is_plain = plain.contains(&(kind.plural().to_string(), i));
                    Some(
                        scalar(&v)
                            .and_then(|s| date::parse_expiry(&s, is_plain))
                            .ok_or_else(|| {
                                yaml_err(format!(
                                    "`expired_at` of `{id}` is not a date trivy reads (it would stop); write it unquoted as YYYY-MM-DD, or as 2026-01-31T00:00:00Z"
                                ))
                            })?,
                    )
                }
            };
            let origin = match entry_line(&lines, kind.plural(), &id, from) {
                Some(at) => {
                    from = at + 1;
                    format!("{name}:{}", at + 1)
                }
                None => format!("{name}: {} {id}", kind.plural()),
            };
            rules.push(IgnoreRule {
                origin,
                id,
                kind: Some(kind),
                paths,
                purls,
                expires,
                statement: e.statement.unwrap_or_default(),
            });
        }
    }
    Ok(rules)
}

/// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`, `!!merge <<:`) as yaml.v3 does when
/// Trivy reads the file: a mapping's own keys win over merged ones, an earlier mapping of a merge
/// list over a later one, and a merged mapping's own merges are applied before it is merged.
/// Left unapplied, a `paths` restriction that arrives by merge would be dropped and the rule
/// would ignore the ID everywhere.
fn apply_merges(value: &mut serde_norway::Value) -> Result<(), String> {
    use serde_norway::Value;
    // Where Trivy's reader decodes mappings: the top level and each entry of the four sections.
    // yaml.v3 merges only there; a merge under a key it skips is never looked at.
    let Value::Mapping(top) = value else {
        return Ok(());
    };
    merge_into(top)?;
    for section in [
        "vulnerabilities",
        "misconfigurations",
        "secrets",
        "licenses",
    ] {
        if let Some(Value::Sequence(entries)) = top.get_mut(section) {
            for entry in entries {
                if let Value::Mapping(entry) = entry {
                    merge_into(entry)?;
                }
            }
        }
    }
    Ok(())
}

/// Takes `map`'s merge key and adds what it merges (each source resolved first) under the keys
/// `map` does not have. Recursion follows merged mappings only, which the parser's depth limit
/// bounds.
fn merge_into(map: &mut serde_norway::Mapping) -> Result<(), String> {
    use serde_norway::Value;
    let is_merge_key = |k: &Value| match k {
        Value::String(s) => s == "<<",
        // `!!merge <<`: the tag yaml.v3 gives the key anyway.
        Value::Tagged(t) => t.tag == "merge" && t.value == Value::String("<<".into()),
        _ => false,
    };
    let keys: Vec<Value> = map.keys().filter(|k| is_merge_key(k)).cloned().collect();
    let mut sources = Vec::new();
    for key in keys {
        match map.remove(&key) {
            Some(Value::Mapping(m)) => sources.push(m),
            Some(Value::Sequence(items)) => {
                for item in items {
                    match item {
                        Value::Mapping(m) => sources.push(m),
                        _ => return Err("a merge key (`<<`) lists something other than mappings; list only mappings (`<<: [*a, *b]`)".into()),
                    }
                }
            }
            _ => {
                return Err(
                    "a merge key (`<<`) takes a mapping or a list of mappings (`<<: *base`)".into(),
                )
            }
        }
    }
    for mut source in sources {
        merge_into(&mut source)?;
        for (k, v) in source {
            if !map.contains_key(&k) {
                map.insert(k, v);
            }
        }
    }
    Ok(())
}

/// The first line (1-based) where the YAML nests deeper than [`MAX_DEPTH`], counting indentation
/// (block nesting) and open brackets (flow nesting) outside quotes.
fn too_deep(text: &str) -> Option<usize> {
    let mut flow = 0usize;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '-', '?', ':']).len();
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    flow += 1;
                    if flow > MAX_DEPTH {
                        return Some(i + 1);
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        if indent > 4 * MAX_DEPTH {
            return Some(i + 1);
        }
    }
    None
}

/// The index of the line, at or after `from` within the top-level `section`, that gives `id` as an
/// entry's `id`: the report names a rule by file and line. YAML can say the same thing other ways
/// (flow style, anchors); then the rule is named by section and ID instead.
fn entry_line(lines: &[&str], section: &str, id: &str, from: usize) -> Option<usize> {
    let start = lines
        .iter()
        .position(|l| l.trim_end() == format!("{section}:"))?;
    for (i, line) in lines.iter().enumerate().skip((start + 1).max(from)) {
        if !line.is_empty() && !line.starts_with([' ', '\t', '-', '#']) {
            return None;
        }
        let item = line.trim_start().trim_start_matches('-').trim_start();
        let Some(value) = item.strip_prefix("id:") else {
            continue;
        };
        let value = value.trim();
        let value = value.split(" #").next().unwrap_or(value).trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        if unquoted == id {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_reads_as_trivy_does() {
        let rules = parse_plain(
            ".trivyignore",
            "# accepted risk\nCVE-2011-3374\n\n  CVE-2005-2541 exp:2030-01-31 # until upgrade\nCVE-1 # see exp:2031-02-01\nexp:2020-01-01\n",
        )
        .unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["CVE-2011-3374", "CVE-2005-2541", "CVE-1", "exp:2020-01-01"]
        );
        assert_eq!(rules[0].kind, None);
        assert_eq!(rules[1].expires, date::parse_day("2030-01-31"));
        assert_eq!(rules[1].origin, ".trivyignore:4");
        // Trivy finds the first `exp:` word anywhere after the ID, comment or not.
        assert_eq!(rules[2].expires, date::parse_day("2031-02-01"));
        assert_eq!(rules[3].expires, None, "a lone word is an ID");
        let err = parse_plain("f", "CVE-1\nCVE-2 exp:9999-99-99").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("ignore file f:2: `exp:9999-99-99`"),
            "{err}"
        );
        assert!(parse_plain("f", "CVE-1 exp:2026-2-1").is_err());
        assert!(parse_plain("f", &"x".repeat(70_000)).is_err());
    }

    /// Merge keys as yaml.v3 applies them (and so Trivy): a `paths` restriction that arrives by
    /// merge holds the rule to those paths.
    #[test]
    fn yaml_merge_keys_apply_as_in_trivy() {
        let paths = |text: &str| -> Vec<Vec<String>> {
            parse_yaml("f", text)
                .unwrap()
                .into_iter()
                .map(|r| r.paths)
                .collect()
        };
        let vendor = vec!["vendor/**".to_string()];
        for text in [
            "base: &v {paths: [\"vendor/**\"]}\nvulnerabilities:\n  - id: CVE-1\n    <<: *v\n",
            "vulnerabilities:\n  - id: CVE-1\n    <<: {paths: [\"vendor/**\"]}\n",
            "vulnerabilities:\n  - id: CVE-1\n    !!merge <<: {paths: [\"vendor/**\"]}\n",
            "a: &a {paths: [\"vendor/**\"]}\nb: &b {paths: [other]}\nvulnerabilities:\n  - id: CVE-1\n    <<: [*a, *b]\n",
            // A merged mapping's own merge, and the outer mapping's key over both.
            "a: &a {paths: [\"vendor/**\"], statement: a}\nb: &b {<<: *a, statement: b}\nvulnerabilities:\n  - {id: CVE-1, <<: *b}\n",
            "a: &a {paths: [other]}\nvulnerabilities:\n  - id: CVE-1\n    paths: [\"vendor/**\"]\n    <<: *a\n",
        ] {
            assert_eq!(paths(text), std::slice::from_ref(&vendor), "{text}");
        }
        let rules = parse_yaml(
            "f",
            "a: &a {statement: a}\nb: &b {<<: *a, statement: b}\nc: &c {<<: *b}\nvulnerabilities:\n  - {id: CVE-1, <<: *c}\n  - {id: CVE-2, <<: [*a, *b]}\n",
        )
        .unwrap();
        assert_eq!(rules[0].statement, "b");
        assert_eq!(rules[1].statement, "a", "the earlier of a merge list wins");
        // A whole section by merge (top level), as yaml.v3 reads it.
        let rules = parse_yaml(
            "f",
            "base: &s {secrets: [{id: aws-access-key-id}]}\n<<: *s\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 1);
        for bad in [
            "vulnerabilities:\n  - id: CVE-1\n    <<: 3\n",
            "vulnerabilities:\n  - id: CVE-1\n    <<: [x]\n",
        ] {
            let e = parse_yaml("f", bad).unwrap_err().to_string();
            assert!(e.contains("merge key"), "{e}");
        }
    }

    /// What the parsed YAML cannot tell: a quoted or tagged `<<` (not a merge to yaml.v3) is
    /// refused rather than merged; aliases are expanded only when the file merges, and then at
    /// most [`MAX_NODES`] nodes of them; a merge where Trivy decodes nothing is never looked at.
    #[test]
    fn yaml_merges_are_read_only_where_trivy_merges() {
        for odd in [
            "vulnerabilities:\n  - \"<<\": {id: CVE-1}\n",
            "vulnerabilities:\n  - id: CVE-1\n    !merge <<: {paths: [a]}\n",
            "vulnerabilities:\n  - id: CVE-1\n    !!str <<: {paths: [a]}\n",
        ] {
            let e = parse_yaml("f", odd).unwrap_err().to_string();
            assert!(e.contains("a `<<` key is quoted or tagged"), "{odd}: {e}");
        }
        let bomb =
            |merge: bool| {
                let items = vec!["*a"; 20_000].join(", ");
                format!(
                "notes: {{base: &a [{}], many: [{items}]}}\nvulnerabilities:\n  - id: CVE-1\n{}",
                vec!["x"; 20_000].join(", "),
                if merge { "    <<: {statement: s}\n" } else { "" }
            )
            };
        let t = std::time::Instant::now();
        assert_eq!(parse_yaml("f", &bomb(false)).unwrap().len(), 1);
        let e = parse_yaml("f", &bomb(true)).unwrap_err().to_string();
        assert!(e.contains("expand to more than 1000000 nodes"), "{e}");
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
        let unused = "notes: {shared: {<<: 3}}\nvulnerabilities:\n  - {<<: {id: CVE-1}}\n";
        assert_eq!(parse_yaml("f", unused).unwrap()[0].id, "CVE-1");
    }

    /// Go's scanner stops at a line of 64 KiB or more, `\r` included: such a line is refused
    /// (Trivy would silently ignore nothing from it on); one byte shorter is read.
    #[test]
    fn plain_lines_of_64_kib_are_refused_as_trivy_stops_there() {
        let line = |len: usize, end: &str| {
            let id = "CVE-2019-14697 # ";
            format!("{id}{}{end}CVE-2\n", "x".repeat(len - id.len()))
        };
        assert_eq!(parse_plain("f", &line(65_535, "\n")).unwrap().len(), 2);
        assert_eq!(parse_plain("f", &line(65_534, "\r\n")).unwrap().len(), 2);
        for (len, end) in [(65_536, "\n"), (65_535, "\r\n"), (65_536, "\r\n")] {
            let e = parse_plain("f", &line(len, end)).unwrap_err().to_string();
            assert!(
                e.contains("f:1: the line is 64 KiB or longer"),
                "{len} {end:?}: {e}"
            );
        }
        // The last line, with no line break after it.
        assert!(parse_plain("f", &"x".repeat(65_536)).is_err());
        assert!(parse_plain("f", &"x".repeat(65_535)).is_ok());
    }

    #[test]
    fn yaml() {
        let rules = parse_yaml(
            ".trivyignore.yaml",
            "vulnerabilities:\n  - id: CVE-2022-40897\n    paths: [\"usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA\"]\n    purls: [\"pkg:pypi/setuptools@58.1.0\"]\n    statement: Accept the risk\n  - id: CVE-2023-0001\n    expired_at: 2023-09-01\nmisconfigurations:\n  - id: AVD-DS-0002\nsecrets:\n  - id: aws-access-key-id\n    paths: [\"foo/*\"]\nlicenses:\n  - id: 2021\nother: ignored\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 5);
        assert_eq!(rules[0].statement, "Accept the risk");
        assert_eq!(rules[0].purls[0].name, "setuptools");
        assert_eq!(rules[1].expires, date::parse_day("2023-09-01"));
        assert_eq!(rules[2].kind, Some(Kind::Misconfiguration));
        assert_eq!(rules[4].id, "2021");
        let origins: Vec<&str> = rules.iter().map(|r| r.origin.as_str()).collect();
        assert_eq!(
            origins,
            [
                ".trivyignore.yaml:2",
                ".trivyignore.yaml:6",
                ".trivyignore.yaml:9",
                ".trivyignore.yaml:11",
                ".trivyignore.yaml:14"
            ]
        );
        for bad in [
            "vulnerabilities: 3",
            "vulnerabilities:\n  - paths: [x]\n",
            "vulnerabilities:\n  - id: C\n    paths: [\"a[\"]\n",
            "vulnerabilities:\n  - id: C\n    purls: [\"npm/x\"]\n",
            "vulnerabilities:\n  - id: C\n    expired_at: tomorrow\n",
        ] {
            assert!(parse_yaml("f", bad).is_err(), "{bad}");
        }
        let deep = format!("vulnerabilities: {}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_yaml("f", &deep)
            .unwrap_err()
            .to_string()
            .contains("nested deeper"));
    }

    #[test]
    fn a_quoted_expiry_must_be_rfc_3339_as_trivy_reads_it() {
        let file = |v: &str| {
            format!("vulnerabilities:\n  - id: A\n  - id: B\n    expired_at: {v}\nsecrets:\n  - id: S\n    expired_at: {v}\n")
        };
        let day = scanlens_model::date::parse_day("2099-01-01");
        for ok in [
            "2099-01-01",
            "2099-01-01 00:00:00",
            "\"2099-01-01T00:00:00Z\"",
        ] {
            let rules = parse_yaml("f", &file(ok)).unwrap();
            assert_eq!(rules[1].expires, day, "{ok}");
            assert_eq!(rules[2].expires, day, "{ok}");
        }
        for bad in [
            "\"2099-01-01\"",
            "'2099-01-01'",
            "\"2099-01-01 00:00:00\"",
            "2099-01-01T00:00:00",
        ] {
            let e = parse_yaml("f", &file(bad)).unwrap_err().to_string();
            assert!(e.contains("not a date trivy reads"), "{bad}: {e}");
        }
    }
}
