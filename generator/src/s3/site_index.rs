//! `PREFIX/site-data/index.json`, rebuilt from the listing of the immutable records beside it
//! and written with a conditional write, so concurrent publishers never lose each other's scans.
//!
//! Each publisher has written its records before it gets here. It reads the index (and its
//! ETag), lists the records, merges those the index lacks ([`records::merge`] is a union), and
//! writes the index only if nobody wrote it since (`If-Match: ETAG`, or `If-None-Match: *` for
//! the first). When another publisher won the race, S3 answers 412 and this one starts over from
//! the newer index, after a short randomised pause. Every successful write is a superset of the
//! index it replaced and holds the writer's own records, so once every publisher has returned,
//! the index lists every record.

use super::{layout, Client, Condition, S3Error, S3Url};
use crate::site::records::{self, ScanRecord};
use crate::site::{self, ScanId, SiteIndex, Slug, SITE_VERSION};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// How many times a publisher tries again after losing the race. With N publishers at once,
/// each round lets at least one through, so N - 1 retries always suffice; this is room for 30.
pub const ATTEMPTS: u32 = 30;
/// The largest index read: about 100,000 scans.
const INDEX_LIMIT: u64 = 256 << 20;
/// The largest record read: one scan's entry and its search terms.
const RECORD_LIMIT: u64 = 16 << 20;

/// What the update did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Scans the index lists now.
    pub scans: usize,
    /// Conditional writes lost to another publisher.
    pub conflicts: u32,
    /// Listed keys that are not records scanlens writes, or records it refused.
    pub ignored: Vec<String>,
}

/// The index as the bucket holds it, with every record it does not list yet merged in.
pub struct Merged {
    pub index: SiteIndex,
    /// How to write it back without losing another publisher's write.
    pub condition: Condition,
    /// Whether records were merged in.
    pub changed: bool,
    /// Listed keys that are not records scanlens writes, or records it refused.
    pub ignored: Vec<String>,
}

/// Records fetched so far, by key (`None`: refused), so a retry does not fetch them again.
pub type Fetched = HashMap<String, Option<ScanRecord>>;

/// Reads the index and merges in the records it lacks.
pub fn merged(client: &Client, dest: &S3Url, fetched: &mut Fetched) -> anyhow::Result<Merged> {
    let index_key = layout::index_key(dest);
    let (mut index, condition) = match client.get(&dest.bucket, &index_key, INDEX_LIMIT)? {
        Some(o) => {
            let label = format!("s3://{}/{index_key}", dest.bucket);
            let index = site::parse_index(label.into(), &o.body)?;
            if o.etag.is_empty() {
                anyhow::bail!("the S3 endpoint gave no ETag for s3://{}/{index_key}; scanlens needs one to update the index safely (use AWS S3 or a server that supports conditional writes)", dest.bucket);
            }
            (index, Condition::Unchanged(o.etag))
        }
        None => (
            SiteIndex {
                version: SITE_VERSION,
                images: Vec::new(),
            },
            Condition::Absent,
        ),
    };
    let listed: BTreeSet<(Slug, ScanId)> = index
        .images
        .iter()
        .flat_map(|i| {
            let s = site::slug(&i.name);
            i.scans.iter().map(move |e| (s.clone(), e.id.clone()))
        })
        .collect();
    let mut changed = false;
    let mut ignored = Vec::new();
    for key in client.list(&dest.bucket, &layout::records_prefix(dest))? {
        let Some(at) = layout::record_of(dest, &key) else {
            ignored.push(key);
            continue;
        };
        if listed.contains(&at) {
            continue;
        }
        if !fetched.contains_key(&key) {
            let record = read_record(client, dest, &key, &at)?;
            fetched.insert(key.clone(), record);
        }
        match &fetched[&key] {
            Some(r) => changed |= records::merge(&mut index, r)?,
            None => ignored.push(key),
        }
    }
    Ok(Merged {
        index,
        condition,
        changed,
        ignored,
    })
}

/// Merges every record under the prefix into the index until a write of it succeeds (or the
/// index already lists them all).
pub fn update(client: &Client, dest: &S3Url) -> anyhow::Result<Outcome> {
    let index_key = layout::index_key(dest);
    let mut fetched = Fetched::new();
    let mut outcome = Outcome::default();
    for attempt in 0..=ATTEMPTS {
        let Merged {
            mut index,
            condition,
            changed,
            ignored,
        } = merged(client, dest, &mut fetched)?;
        outcome.ignored = ignored;
        outcome.scans = index.images.iter().map(|i| i.scans.len()).sum();
        if !changed {
            return Ok(outcome);
        }
        site::drop_old_terms(&mut index);
        index.version = SITE_VERSION;
        let body = serde_json::to_vec_pretty(&index)?;
        match client.put_if(
            &dest.bucket,
            &index_key,
            &body,
            "application/json",
            &condition,
        ) {
            Ok(_) => return Ok(outcome),
            Err(S3Error::PreconditionFailed { .. }) => {
                outcome.conflicts += 1;
                std::thread::sleep(pause(attempt));
            }
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!(
        "s3://{}/{index_key} kept changing while {} publishers' writes won; run publish again (the scans' records are in place, so nothing is lost)",
        dest.bucket,
        ATTEMPTS
    )
}

/// A record, or `None` (ignored, said once) if it is not one scanlens writes, or it is not where
/// its contents say it belongs.
fn read_record(
    client: &Client,
    dest: &S3Url,
    key: &str,
    at: &(Slug, ScanId),
) -> anyhow::Result<Option<ScanRecord>> {
    let Some(o) = client.get(&dest.bucket, key, RECORD_LIMIT)? else {
        return Ok(None); // Listed, then deleted: nothing to add.
    };
    let record = match ScanRecord::parse(&o.body) {
        Ok(r) if (site::slug(&r.image), r.id().clone()) == *at => r,
        _ => return Ok(None),
    };
    Ok(Some(record))
}

/// Between 50% and 150% of a delay that doubles from 50 ms up to 1.6 s: publishers that lost
/// together do not retry together.
fn pause(attempt: u32) -> Duration {
    let base = 50u64 << attempt.min(5);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let noise = (u64::from(nanos) ^ u64::from(std::process::id()).wrapping_mul(2654435761)) % 1000;
    Duration::from_millis(base / 2 + base * noise / 1000)
}

/// One line for the listed keys that were ignored.
pub fn ignored_notice(dest: &S3Url, ignored: &[String]) -> Option<String> {
    let first = ignored.first()?;
    Some(format!(
        "scanlens: ignored {} objects under s3://{}/{} that are not records scanlens writes, such as {}; remove them",
        ignored.len(),
        dest.bucket,
        layout::records_prefix(dest),
        first.escape_debug().to_string().chars().take(120).collect::<String>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_and_stay_bounded() {
        for attempt in 0..40 {
            let p = pause(attempt);
            assert!(
                p >= Duration::from_millis(25) && p <= Duration::from_millis(2400),
                "{p:?}"
            );
        }
    }
}
