//! "Fix first": what to act on before reading the list, planned once after the gate and shown
//! the same way by `summary.md`, the page and the viewer (each renders [`FixFirst`] in its own
//! markup; `report.json` carries it as `fix_first`).
//!
//! 1. Known exploited: the vulnerabilities in CISA's KEV catalog, at most [`MAX_KEV`] (as
//!    indices into the report's findings), or that no catalog was read.
//! 2. Upgrades: the first [`MAX_UPGRADES`] entries of the fix plan of the vulnerabilities to act
//!    on, most urgent first, and how many vulnerabilities no version fixes yet.
//! 3. Secrets: the files holding secrets, most severe first, at most [`MAX_SECRET_FILES`], each
//!    with what it holds and where, under one instruction ([`present::secret_remedy`]).
//! 4. Checks: the failed configuration checks, one entry per check ID (its places counted),
//!    most severe first, at most [`MAX_CHECKS`], each with Trivy's own resolution.
//! 5. Licenses: those Trivy classes forbidden or restricted, one entry per license with the
//!    packages (or files) under it, at most [`MAX_LICENSES`].
//! 6. Base images: per image whose layers are told apart, how many findings its base image
//!    brings and how many its own Dockerfile layers bring.
//!
//! With `--severity` (the gate's `severities`) every part reads only the severities that count,
//! as the gate and the findings table do, and no part lists what the gate excluded (an ignore
//! file's accepted risk, `--ignore-unfixed`, `--ignore-status`): it is not to act on. Upgrades are
//! planned again from the rest when the gate left any vulnerability out. The base-image counts
//! are the exception: they count every finding the image's layers bring.
//!
//! Every list is cut at a bound, with the total kept, so the plan stays small whatever the report
//! holds.

use crate::present;
use crate::report::{Artifact, Finding, Kind, Report, Severity, SeverityCounts};
use crate::triage::{LayerOrigin, Remediation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// Known-exploited findings listed at most.
pub const MAX_KEV: usize = 10;
/// Fix-plan entries listed at most.
pub const MAX_UPGRADES: usize = 10;
/// Files with secrets listed at most.
pub const MAX_SECRET_FILES: usize = 10;
/// Secrets named per file at most.
pub const SECRETS_PER_FILE: usize = 5;
/// Failed checks (distinct IDs) listed at most.
pub const MAX_CHECKS: usize = 10;
/// Licenses listed at most.
pub const MAX_LICENSES: usize = 10;
/// Packages or files named per license at most.
pub const PACKAGES_PER_LICENSE: usize = 5;

/// What to act on first. Empty (see [`FixFirst::is_empty`]) when there is nothing to fix.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct FixFirst {
    /// The vulnerabilities to act on: counted, not excluded by the gate, of a severity that counts.
    pub vulnerabilities: u32,
    /// Of those, the ones no version fixes yet.
    pub unfixed: u32,
    /// Those in CISA's KEV catalog, as indices into `findings`; `null` when no catalog was read.
    pub known_exploited: Option<Cut<u32>>,
    /// The IDs of counted vulnerabilities in the catalog that the gate leaves out (an ignore
    /// file, `--ignore-unfixed`, `--ignore-status`, `--severity`), each once: not in the plan, but
    /// named in it, so that its "known exploited" never reads as none while the list holds one.
    #[serde(default, skip_serializing_if = "Cut::is_empty")]
    pub known_exploited_left_out: Cut<String>,
    /// The fix plan of the vulnerabilities to act on, most urgent first.
    pub upgrades: Cut<Remediation>,
    pub secrets: Secrets,
    pub checks: Checks,
    pub licenses: Licenses,
    /// One entry per image whose layers are told apart (`--base-image`).
    pub base_images: Vec<BaseImage>,
}

/// The first entries of a longer list, and how long it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Cut_of_{T}"))]
pub struct Cut<T> {
    pub total: u32,
    pub shown: Vec<T>,
}

impl<T> Default for Cut<T> {
    fn default() -> Self {
        Cut {
            total: 0,
            shown: Vec::new(),
        }
    }
}

impl<T> Cut<T> {
    /// The first `max` of `all`, made into entries by `entry`: only those are made (an upgrade
    /// cloned, a file's secrets named), however long the list.
    fn of<S>(all: Vec<S>, max: usize, entry: impl FnMut(S) -> T) -> Cut<T> {
        Cut {
            total: all.len() as u32,
            shown: all.into_iter().take(max).map(entry).collect(),
        }
    }

    /// No entry at all.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many entries were left out.
    pub fn more(&self) -> u32 {
        self.total.saturating_sub(self.shown.len() as u32)
    }

    /// ` and 2 more` after the names of a cut list, or nothing.
    pub fn and_more(&self) -> String {
        match self.more() {
            0 => String::new(),
            n => format!(" and {n} more"),
        }
    }

    /// After a cut list, the line that says so, `what` naming its entries: `3 more files with
    /// secrets in report.json.`; nothing when none was left out.
    pub fn more_in_report(&self, what: &str) -> Option<String> {
        (self.more() > 0).then(|| format!("{} more {what} in report.json.", self.more()))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Secrets {
    /// Secrets to act on.
    pub findings: u32,
    /// Those by severity.
    pub counts: SeverityCounts,
    /// What to do, worded for where they were found (an image, files, or both).
    pub remedy: String,
    /// The files holding them, one entry per file of one artifact, most severe first.
    pub files: Cut<SecretFile>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct SecretFile {
    /// Index into `artifacts`.
    pub artifact: u32,
    pub path: String,
    pub severity: Severity,
    /// Most severe first, then by line.
    pub secrets: Cut<Named>,
}

/// A finding named by its title (its ID when it has none), and where in its file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Named {
    /// Index into `findings`.
    pub finding: u32,
    pub name: String,
    /// `line 4`, `lines 4–6`, or empty.
    pub lines: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Checks {
    /// Failures to act on.
    pub findings: u32,
    /// Those by severity.
    pub counts: SeverityCounts,
    /// One entry per check ID, most severe first.
    pub checks: Cut<Check>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Check {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Trivy's resolution, or empty.
    pub resolution: String,
    /// Where it fails: how many times, in how many files.
    pub failures: u32,
    pub files: u32,
    /// The one file, when there is one: index into `artifacts` and path.
    pub artifact: u32,
    pub path: String,
    /// The lines, when it fails once.
    pub lines: String,
    /// Index into `findings` of its first failure.
    pub finding: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Licenses {
    /// License findings to act on (forbidden or restricted).
    pub findings: u32,
    /// Those by severity.
    pub counts: SeverityCounts,
    /// Distinct packages or files under them.
    pub packages: u32,
    /// One entry per license, most severe first.
    pub licenses: Cut<License>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct License {
    pub name: String,
    /// Trivy's category: `forbidden` or `restricted`.
    pub category: String,
    pub severity: Severity,
    /// The packages (or license files) under it.
    pub packages: Cut<Place>,
}

/// A package or file in one artifact.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Place {
    /// Index into `artifacts`.
    pub artifact: u32,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct BaseImage {
    /// Index into `artifacts`.
    pub artifact: u32,
    /// Findings the base image's layers bring (a newer base image fixes them).
    pub base: u64,
    /// Findings the Dockerfile's own layers bring.
    pub own: u64,
}

impl FixFirst {
    /// Nothing to fix: no vulnerability, secret, failed check or license to act on, no known
    /// exploited one left out, and no layer split to tell.
    pub fn is_empty(&self) -> bool {
        self.vulnerabilities == 0
            && self.known_exploited_left_out.total == 0
            && self.secrets.findings == 0
            && self.checks.findings == 0
            && self.licenses.findings == 0
            && self.base_images.is_empty()
    }
}

/// What each part says, in plain text, the words `summary.md`, the page and the viewer share;
/// each adds its own markup (a bold label, a list) and escaping.
impl FixFirst {
    /// Known exploitation: whether it was checked and what was found, when there are
    /// vulnerabilities to act on or known exploited ones the gate leaves out.
    pub fn kev_headline(&self) -> Option<String> {
        self.kev_headline_with(str::to_string)
    }

    /// [`FixFirst::kev_headline`], with the IDs it names written by `id` (a renderer's escaping
    /// of Trivy's text).
    pub fn kev_headline_with(&self, id: impl Fn(&str) -> String) -> Option<String> {
        if self.vulnerabilities == 0 && self.known_exploited_left_out.is_empty() {
            return None;
        }
        let left = &self.known_exploited_left_out;
        // `CVE-1, which the gate leaves out (...), is` or `2 that the gate leaves out (...) are
        // (CVE-1, CVE-2)`, read after the catalog's name or before it.
        let gate =
            "the gate leaves out (an ignore file, --ignore-unfixed, --ignore-status or --severity)";
        let (which, it) = match left.shown.as_slice() {
            [one] if left.total == 1 => (format!("{}, which {gate}, is", id(one)), "it"),
            ids => (
                format!(
                    "{} that {gate} are ({}{})",
                    left.total,
                    ids.iter().map(|s| id(s)).collect::<Vec<_>>().join(", "),
                    left.and_more()
                ),
                "they",
            ),
        };
        Some(match &self.known_exploited {
            None => "not checked: add --feeds DIR (from scanlens feeds fetch) to mark CISA's KEV catalog and EPSS scores.".to_string(),
            Some(_) if !left.is_empty() && self.vulnerabilities == 0 => format!(
                "no vulnerability to act on, but {which} in CISA's KEV catalog: check that {it} should be left out."
            ),
            Some(k) if k.total == 0 && !left.is_empty() => format!(
                "none of these vulnerabilities is in CISA's KEV catalog, but {which}: check that {it} should be left out."
            ),
            Some(k) if k.total == 0 => {
                "none of these vulnerabilities is in CISA's KEV catalog.".to_string()
            }
            Some(k) if !left.is_empty() => format!(
                "{} finding(s) in CISA's KEV catalog; act on these first. Also {which} in the catalog: check that {it} should be left out.",
                k.total
            ),
            Some(k) => format!("{} finding(s) in CISA's KEV catalog; act on these first.", k.total),
        })
    }

    /// What follows the label "Upgrades": `most urgent first, 12 in all`, when there are any.
    pub fn upgrades_headline(&self) -> Option<String> {
        (self.upgrades.total > 0)
            .then(|| format!("most urgent first, {} in all", self.upgrades.total))
    }

    /// After the upgrades listed, how many more there are and where the whole plan is.
    pub fn upgrades_more(&self) -> Option<String> {
        (self.upgrades.more() > 0).then(|| {
            format!(
                "{} more upgrades to act on; report.json's remediation has the whole plan.",
                self.upgrades.more()
            )
        })
    }

    /// `3 of 40 vulnerabilities have no fixed version yet.`, when any has none.
    pub fn unfixed_line(&self) -> Option<String> {
        (self.unfixed > 0).then(|| {
            format!(
                "{} of {} vulnerabilities have no fixed version yet.",
                self.unfixed, self.vulnerabilities
            )
        })
    }
}

impl Named {
    /// `AWS Key (line 4)`, or the name alone when there are no lines.
    pub fn with_lines(&self) -> String {
        match self.lines.as_str() {
            "" => self.name.clone(),
            at => format!("{} ({at})", self.name),
        }
    }
}

/// A file or package as Fix first names it: `name in artifact` when the report has several
/// artifacts (the same path in two images is two entries), else the name alone.
pub fn named_in(artifacts: &[Artifact], artifact: u32, name: &str) -> String {
    match artifacts.get(artifact as usize) {
        Some(a) if artifacts.len() > 1 => format!("{name} in {}", a.name),
        _ => name.to_string(),
    }
}

impl SecretFile {
    /// The entry as the page and the viewer write it, its key (the file) apart so that each can
    /// mark it: `/app/.env in app:1` and `: AWS Key (line 4), Token (line 9) and 2 more`.
    pub fn entry(&self, artifacts: &[Artifact]) -> (String, String) {
        let named: Vec<String> = self.secrets.shown.iter().map(Named::with_lines).collect();
        (
            named_in(artifacts, self.artifact, &self.path),
            format!(": {}{}", named.join(", "), self.secrets.and_more()),
        )
    }
}

/// An upgrade's entry, its key apart: `upgrade openssl 3.0.11 → 3.0.13: fixes 2 (2 high)` and
/// ` in app (debian 12) (note)`.
pub fn upgrade_entry(r: &Remediation) -> (String, String) {
    let note = r.note.as_ref().map_or(String::new(), |n| format!(" ({n})"));
    (present::upgrade(r), format!(" in {}{note}", r.target))
}

impl Secrets {
    /// `19 in 13 file(s) (7 critical, 12 low).` and the remedy: the part's line in summary.md,
    /// the page and the viewer.
    pub fn headline(&self) -> String {
        format!(
            "{} in {} file(s) ({}). {}",
            self.findings,
            self.files.total,
            present::severity_counts(&self.counts),
            self.remedy
        )
    }
}

impl Checks {
    pub fn headline(&self) -> String {
        format!(
            "{} failure(s) of {} check(s) ({}), most severe first, with Trivy's fix:",
            self.findings,
            self.checks.total,
            present::severity_counts(&self.counts)
        )
    }
}

impl Check {
    /// The entry, its key (the ID) apart: `DS-0002` and
    /// ` Image user should not be 'root' (Dockerfile, line 4): Add 'USER …'`.
    pub fn entry(&self, artifacts: &[Artifact]) -> (String, String) {
        let place = self.place(&named_in(artifacts, self.artifact, &self.path));
        let fix = match self.resolution.as_str() {
            "" => String::new(),
            r => format!(": {r}"),
        };
        (self.id.clone(), format!(" {} ({place}){fix}", self.title))
    }

    /// Where it fails, given how its one file is named (`file`): `Dockerfile, line 4`,
    /// `Dockerfile, 3 places`, `5 places in 2 files`.
    pub fn place(&self, file: &str) -> String {
        match (self.failures, self.files) {
            (1, 1) if self.lines.is_empty() => file.to_string(),
            (1, 1) => format!("{file}, {}", self.lines),
            (n, 1) => format!("{file}, {n} places"),
            (n, files) => format!("{n} places in {files} files"),
        }
    }
}

impl License {
    /// The entry, its key (the license) apart: `GPL-3.0` and ` (forbidden): a, b and 3 more`.
    pub fn entry(&self, artifacts: &[Artifact]) -> (String, String) {
        let named: Vec<String> = self
            .packages
            .shown
            .iter()
            .map(|p| named_in(artifacts, p.artifact, &p.name))
            .collect();
        (
            self.name.clone(),
            format!(
                " ({}): {}{}",
                self.category,
                named.join(", "),
                self.packages.and_more()
            ),
        )
    }
}

impl Licenses {
    pub fn headline(&self) -> String {
        format!(
            "{} package(s) or file(s) under {} license(s) Trivy classes as forbidden or restricted ({}). Replace each, or record the exception your policy approves (a licenses entry in .trivyignore.yaml):",
            self.packages,
            self.licenses.total,
            present::severity_counts(&self.counts)
        )
    }
}

impl BaseImage {
    /// What the image's layers bring; the image's name goes before it.
    pub fn sentence(&self) -> String {
        // Saturating: the viewer reads these counts back from the page, so they are not trusted
        // to stay small (u128 arithmetic would add 1.4 KB of division code to the wasm).
        let total = self.base.saturating_add(self.own);
        format!(
            "{} of {total} findings in its layers ({}%) come from the base image: a newer base image fixes those; {} come from the Dockerfile's own layers.",
            self.base,
            match self.base.checked_mul(100) {
                Some(b100) => b100 / total.max(1),
                None => self.base / (total / 100).max(1),
            }
            .min(100),
            self.own
        )
    }
}

/// The plan for a report whose gate has been applied and whose fix plan is made.
pub fn plan(report: &Report) -> FixFirst {
    let in_scope = |s: Severity| report.gate.as_ref().is_none_or(|g| g.in_scope(s));
    let acted_on = |f: &Finding| f.is_counted() && f.excluded.is_none() && in_scope(f.severity);
    let kev_read = report.feeds.as_ref().is_some_and(|f| f.kev.is_some());
    let mut by_kind: [Vec<(u32, &Finding)>; 4] = Default::default();
    // Known-exploited vulnerabilities the gate leaves out, found in the same pass.
    let mut left_out: Vec<&str> = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        if !acted_on(f) {
            if kev_read
                && f.kind == Kind::Vulnerability
                && f.is_counted()
                && f.kev.listed().is_some()
            {
                left_out.push(&f.id);
            }
            continue;
        }
        let slot = match f.kind {
            Kind::Vulnerability => 0,
            Kind::Secret => 1,
            Kind::Misconfiguration => 2,
            // Only the licenses Trivy classes as needing action; notice and permissive ones do
            // not.
            Kind::License
                if f.license
                    .as_ref()
                    .is_some_and(|l| matches!(l.category.as_str(), "forbidden" | "restricted")) =>
            {
                3
            }
            _ => continue,
        };
        by_kind[slot].push((i as u32, f));
    }
    let [vulns, secrets, checks, licenses] = by_kind;
    FixFirst {
        vulnerabilities: vulns.len() as u32,
        unfixed: vulns.iter().filter(|(_, f)| f.is_unfixed()).count() as u32,
        known_exploited: kev_read.then(|| known_exploited(&vulns)),
        known_exploited_left_out: each_once(left_out),
        upgrades: upgrades(report, acted_on),
        secrets: secrets_part(report, &secrets),
        checks: checks_part(&checks),
        licenses: licenses_part(&licenses),
        base_images: base_images(report),
    }
}

fn counts(found: &[(u32, &Finding)]) -> SeverityCounts {
    let mut c = SeverityCounts::default();
    for (_, f) in found {
        c.add(f.severity);
    }
    c
}

/// `found` grouped by `key`, the group with the most severe finding first, then the larger group,
/// then by key: a deterministic order whatever the report's.
fn most_severe_first<'a, K: Ord + Clone>(
    found: &[(u32, &'a Finding)],
    key: impl Fn(&'a Finding) -> K,
) -> Vec<(K, Vec<(u32, &'a Finding)>)> {
    let mut groups: BTreeMap<K, Vec<(u32, &'a Finding)>> = BTreeMap::new();
    for &(i, f) in found {
        groups.entry(key(f)).or_default().push((i, f));
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    let worst = |fs: &[(u32, &Finding)]| fs.iter().map(|(_, f)| f.severity).min();
    groups.sort_by(|a, b| {
        (worst(&a.1), std::cmp::Reverse(a.1.len()), &a.0).cmp(&(
            worst(&b.1),
            std::cmp::Reverse(b.1.len()),
            &b.0,
        ))
    });
    groups
}

fn known_exploited(vulns: &[(u32, &Finding)]) -> Cut<u32> {
    let kev = vulns.iter().filter(|(_, f)| f.kev.listed().is_some());
    Cut::of(kev.collect(), MAX_KEV, |(i, _)| *i)
}

/// The IDs, each once, in order, cut at [`MAX_KEV`].
fn each_once(mut ids: Vec<&str>) -> Cut<String> {
    ids.sort_unstable();
    ids.dedup();
    Cut::of(ids, MAX_KEV, str::to_string)
}

fn upgrades(report: &Report, acted_on: impl Fn(&Finding) -> bool + Copy) -> Cut<Remediation> {
    // The plan of the vulnerabilities to act on: report.json's covers every counted one, and an
    // excluded or out-of-scope one would choose versions, notes and order here. Planned again
    // only when the gate left some out, as planning 100,000 findings takes tens of ms.
    let all_acted_on = report
        .findings
        .iter()
        .all(|f| f.kind != Kind::Vulnerability || !f.is_counted() || acted_on(f));
    let replanned;
    let plan: &[Remediation] = if all_acted_on {
        &report.remediation
    } else {
        replanned = crate::remediation::plan_where(report, acted_on);
        &replanned
    };
    let plan: Vec<&Remediation> = plan.iter().filter(|r| !r.fixes.is_empty()).collect();
    Cut::of(plan, MAX_UPGRADES, Remediation::clone)
}

fn secrets_part(report: &Report, secrets: &[(u32, &Finding)]) -> Secrets {
    if secrets.is_empty() {
        return Secrets::default();
    }
    let types = secrets.iter().map(|(_, f)| {
        report
            .artifacts
            .get(f.artifact as usize)
            .map_or("", |a| a.artifact_type.as_str())
    });
    let remedy = present::secret_remedy(types).to_string();
    // One entry per file of one artifact.
    let files = most_severe_first(secrets, |f| (f.artifact, f.target.as_str()));
    let file = |((artifact, path), mut found): ((u32, &str), Vec<(u32, &Finding)>)| {
        found.sort_by_key(|(_, f)| (f.severity, f.secret.as_ref().and_then(|s| s.start_line)));
        let severity = found[0].1.severity;
        let named = |(i, f): (u32, &Finding)| Named {
            finding: i,
            name: if f.title.is_empty() { &f.id } else { &f.title }.clone(),
            lines: f
                .secret
                .as_ref()
                .and_then(|s| present::location(s.start_line, s.end_line))
                .unwrap_or_default(),
        };
        SecretFile {
            artifact,
            path: path.to_string(),
            severity,
            secrets: Cut::of(found, SECRETS_PER_FILE, named),
        }
    };
    Secrets {
        findings: secrets.len() as u32,
        counts: counts(secrets),
        remedy,
        files: Cut::of(files, MAX_SECRET_FILES, file),
    }
}

fn checks_part(checks: &[(u32, &Finding)]) -> Checks {
    if checks.is_empty() {
        return Checks::default();
    }
    // One entry per check ID: the same fix applies at each place.
    let ids = most_severe_first(checks, |f| f.id.as_str());
    let entry = |(id, found): (&str, Vec<(u32, &Finding)>)| {
        // The group's first failure (in the report's order) speaks for it: one check ID has one
        // title and one resolution.
        let (first_i, first) = found[0];
        let mut files: Vec<(u32, &str)> = found
            .iter()
            .map(|(_, f)| (f.artifact, f.target.as_str()))
            .collect();
        files.sort_unstable();
        files.dedup();
        let detail = first.misconfiguration.as_ref();
        let (artifact, path) = match files.as_slice() {
            [(artifact, path)] => (*artifact, path.to_string()),
            _ => (0, String::new()),
        };
        Check {
            id: id.to_string(),
            title: first.title.clone(),
            severity: found
                .iter()
                .map(|(_, f)| f.severity)
                .min()
                .unwrap_or_default(),
            resolution: detail
                .map(|m| m.resolution.trim().to_string())
                .unwrap_or_default(),
            failures: found.len() as u32,
            files: files.len() as u32,
            artifact,
            path,
            lines: match found.len() {
                1 => detail
                    .and_then(|m| present::location(m.start_line, m.end_line))
                    .unwrap_or_default(),
                _ => String::new(),
            },
            finding: first_i,
        }
    };
    Checks {
        findings: checks.len() as u32,
        counts: counts(checks),
        checks: Cut::of(ids, MAX_CHECKS, entry),
    }
}

/// A license finding's package, or its license file, in one artifact.
fn licensed(f: &Finding) -> Place {
    let name = match f.package.as_deref() {
        Some(p) if !p.name.is_empty() => p.name.as_str(),
        _ => f
            .license
            .as_ref()
            .map(|l| l.file_path.as_str())
            .filter(|p| !p.is_empty())
            .unwrap_or(f.target.as_str()),
    };
    Place {
        artifact: f.artifact,
        name: name.to_string(),
    }
}

fn licenses_part(licenses: &[(u32, &Finding)]) -> Licenses {
    if licenses.is_empty() {
        return Licenses::default();
    }
    let distinct = |found: &[(u32, &Finding)]| {
        let mut all: Vec<Place> = found.iter().map(|(_, f)| licensed(f)).collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    // One entry per license: the same decision applies to each package under it.
    let by_license = most_severe_first(licenses, |f| f.id.as_str());
    let entry = |(name, found): (&str, Vec<(u32, &Finding)>)| License {
        name: name.to_string(),
        category: found[0]
            .1
            .license
            .as_ref()
            .map_or(String::new(), |l| l.category.clone()),
        severity: found
            .iter()
            .map(|(_, f)| f.severity)
            .min()
            .unwrap_or_default(),
        packages: Cut::of(
            distinct(&found),
            PACKAGES_PER_LICENSE,
            std::convert::identity,
        ),
    };
    Licenses {
        findings: licenses.len() as u32,
        counts: counts(licenses),
        packages: distinct(licenses).len() as u32,
        licenses: Cut::of(by_license, MAX_LICENSES, entry),
    }
}

fn base_images(report: &Report) -> Vec<BaseImage> {
    let mut out = Vec::new();
    for (i, a) in report.artifacts.iter().enumerate() {
        let (mut base, mut own) = (0, 0);
        for l in &a.layers {
            match l.origin {
                LayerOrigin::Base => base += l.findings,
                LayerOrigin::Own => own += l.findings,
                LayerOrigin::Unknown => {}
            }
        }
        if base + own == 0 || a.layers.iter().all(|l| l.origin == LayerOrigin::Unknown) {
            continue;
        }
        out.push(BaseImage {
            artifact: i as u32,
            base,
            own,
        });
    }
    out
}

/// Makes the report's fix plan (`remediation`) and its [`FixFirst`], once every enrichment and
/// the gate are applied: the plan's order uses KEV and EPSS, and Fix first leaves out what the
/// gate excluded.
pub fn plan_all(report: &mut Report) {
    report.remediation = crate::remediation::plan(report);
    report.fix_first = plan(report);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vulnerability in `target`, in CISA's catalog or not, which the gate left out or not.
    fn vuln(id: &str, target: &str, kev: bool, excluded: bool) -> Finding {
        Finding {
            id: id.into(),
            target: target.into(),
            severity: Severity::Critical,
            kind: Kind::Vulnerability,
            kev: if kev {
                crate::triage::Feed::Listed(Default::default())
            } else {
                crate::triage::Feed::Unlisted
            },
            excluded: excluded.then_some(crate::report::Exclusion::Unfixed),
            ..Default::default()
        }
    }

    /// What the gate leaves out of the plan is still named under "Known exploited", each ID
    /// once, so the plan never reads "none" while the list holds one; without a catalog read it
    /// says nothing of it.
    #[test]
    fn known_exploited_vulnerabilities_the_gate_leaves_out_are_named_not_hidden() {
        let mut r = Report {
            findings: vec![
                vuln("CVE-1", "a", true, false),
                vuln("CVE-2", "a", true, true),
                vuln("CVE-2", "b", true, true),
                vuln("CVE-3", "a", true, true),
                vuln("CVE-4", "a", false, true),
            ],
            feeds: Some(crate::triage::Feeds {
                kev: Some("2025.08.25".into()),
                epss: None,
            }),
            ..Default::default()
        };
        let p = plan(&r);
        assert_eq!(p.known_exploited.as_ref().map(|k| k.total), Some(1));
        assert_eq!(p.known_exploited_left_out.total, 2);
        assert_eq!(p.known_exploited_left_out.shown, ["CVE-2", "CVE-3"]);
        assert_eq!(
            p.kev_headline_with(|id| format!("`{id}`")).as_deref(),
            Some("1 finding(s) in CISA's KEV catalog; act on these first. Also 2 that the gate leaves out (an ignore file, --ignore-unfixed, --ignore-status or --severity) are (`CVE-2`, `CVE-3`) in the catalog: check that they should be left out.")
        );
        // Only the left-out one: the plan is not empty, and says so.
        r.findings.remove(0);
        r.findings.truncate(2);
        let p = plan(&r);
        assert!(!p.is_empty());
        assert_eq!(
            p.kev_headline().as_deref(),
            Some("no vulnerability to act on, but CVE-2, which the gate leaves out (an ignore file, --ignore-unfixed, --ignore-status or --severity), is in CISA's KEV catalog: check that it should be left out.")
        );
        r.feeds = None;
        let p = plan(&r);
        assert!(p.known_exploited_left_out.is_empty());
        assert!(p.is_empty());
    }

    #[test]
    fn the_words_around_cut_lists_and_entries() {
        let cut = |total: u32, shown: usize| Cut {
            total,
            shown: vec![(); shown],
        };
        assert_eq!(cut(7, 5).and_more(), " and 2 more");
        assert_eq!(cut(5, 5).and_more(), "");
        assert_eq!(
            cut(13, 10).more_in_report("files with secrets").as_deref(),
            Some("3 more files with secrets in report.json.")
        );
        assert_eq!(cut(10, 10).more_in_report("checks"), None);
        let named = |lines: &str| Named {
            finding: 0,
            name: "AWS Key".into(),
            lines: lines.into(),
        };
        assert_eq!(named("line 4").with_lines(), "AWS Key (line 4)");
        assert_eq!(named("").with_lines(), "AWS Key");
        let artifact = |name: &str| Artifact {
            name: name.into(),
            ..Artifact::default()
        };
        let two = [artifact("app:1"), artifact("api:2")];
        assert_eq!(named_in(&two, 1, "/app/.env"), "/app/.env in api:2");
        assert_eq!(named_in(&two[..1], 0, "/app/.env"), "/app/.env");
        let plan = FixFirst {
            vulnerabilities: 40,
            unfixed: 3,
            upgrades: Cut {
                total: 12,
                shown: vec![Remediation::default(); MAX_UPGRADES],
            },
            ..FixFirst::default()
        };
        assert_eq!(
            plan.upgrades_headline().as_deref(),
            Some("most urgent first, 12 in all")
        );
        assert_eq!(
            plan.upgrades_more().as_deref(),
            Some("2 more upgrades to act on; report.json's remediation has the whole plan.")
        );
        assert_eq!(FixFirst::default().upgrades_headline(), None);
        assert_eq!(FixFirst::default().upgrades_more(), None);
    }

    #[test]
    fn a_base_image_line_reads_any_counts_without_overflow() {
        let b = |base: u64, own: u64| BaseImage {
            artifact: 0,
            base,
            own,
        };
        assert!(b(3, 1)
            .sentence()
            .starts_with("3 of 4 findings in its layers (75%)"));
        // No panic, and never above 100%.
        assert!(b(u64::MAX, u64::MAX).sentence().contains("%)"));
        assert!(b(u64::MAX, 0).sentence().contains("(100%)"));
        assert!(b(0, 0)
            .sentence()
            .starts_with("0 of 0 findings in its layers (0%)"));
    }

    #[test]
    fn entries_keep_their_key_apart_and_name_the_artifact_when_there_are_several() {
        let artifact = |name: &str| Artifact {
            name: name.into(),
            ..Artifact::default()
        };
        let two = [artifact("app:1"), artifact("api:2")];
        let file = SecretFile {
            artifact: 1,
            path: "/app/.env".into(),
            severity: Severity::Critical,
            secrets: Cut {
                total: 3,
                shown: vec![Named {
                    finding: 0,
                    name: "AWS Key".into(),
                    lines: "line 4".into(),
                }],
            },
        };
        assert_eq!(
            file.entry(&two),
            (
                "/app/.env in api:2".into(),
                ": AWS Key (line 4) and 2 more".into()
            )
        );
        let check = Check {
            id: "DS-0002".into(),
            title: "Root user".into(),
            resolution: "Add USER".into(),
            failures: 3,
            files: 1,
            path: "Dockerfile".into(),
            ..Check::default()
        };
        assert_eq!(
            check.entry(&two[..1]),
            (
                "DS-0002".into(),
                " Root user (Dockerfile, 3 places): Add USER".into()
            )
        );
        let license = License {
            name: "GPL-3.0".into(),
            category: "forbidden".into(),
            severity: Severity::High,
            packages: Cut {
                total: 1,
                shown: vec![Place {
                    artifact: 0,
                    name: "left-pad".into(),
                }],
            },
        };
        assert_eq!(
            license.entry(&two),
            ("GPL-3.0".into(), " (forbidden): left-pad in app:1".into())
        );
        let up = Remediation {
            target: "app (debian 12)".into(),
            package: "openssl".into(),
            installed: "3.0.11".into(),
            upgrade_to: Some("3.0.13".into()),
            fixes: vec!["CVE-1".into()],
            note: Some("a note".into()),
            ..Remediation::default()
        };
        let (key, rest) = upgrade_entry(&up);
        assert!(key.starts_with("upgrade openssl 3.0.11 → 3.0.13"), "{key}");
        assert_eq!(rest, " in app (debian 12) (a note)");
    }
}
