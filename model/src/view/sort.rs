//! Stable sorting in one copy. The standard library's sort is generic: every element type and
//! comparison gets its own copy of the whole algorithm (about 3.5 KB of wasm each), and the
//! viewer sorts many kinds of things. Here every sort orders positions (`u32`) through a `dyn`
//! comparison, so the wasm holds the standard sort once; what stays per caller is a small loop
//! that moves the elements into place.

use std::cmp::Ordering;

/// The positions `0..n` in the stable order of `cmp` over positions.
pub fn positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    let mut p: Vec<u32> = (0..n as u32).collect();
    p.sort_by(|&a, &b| cmp(a as usize, b as usize));
    p
}

/// Sorts `v` by `cmp`, stably (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut p = positions(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, &mut p);
}

/// Sorts `v` in its natural order, stably (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Puts element `p[k]` at position `k`, following each cycle of the permutation with swaps
/// (`p` is used up: each visited entry is marked done by pointing at itself).
fn permute<T>(v: &mut [T], p: &mut [u32]) {
    for i in 0..v.len() {
        let mut k = i;
        loop {
            let from = p[k] as usize;
            p[k] = k as u32;
            if from == i {
                break;
            }
            v.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_stable_sort() {
        // Pairs sorted by their first half only: stability shows in the second.
        let mut seed = 7u32;
        for len in [0usize, 1, 2, 3, 10, 100, 1000] {
            let v: Vec<(u32, u32)> = (0..len as u32)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) % 17, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|a| a.0);
            let mut got = v.clone();
            sort_by(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, want, "len {len}");
            let mut want = v.clone();
            want.sort();
            let mut got = v;
            sort(&mut got);
            assert_eq!(got, want, "len {len}");
        }
    }

    #[test]
    fn positions_are_a_stable_order() {
        let keys = [3, 1, 3, 0, 1];
        assert_eq!(
            positions(keys.len(), &mut |a, b| keys[a].cmp(&keys[b])),
            [3, 1, 4, 0, 2]
        );
    }
}
