//! Vose's alias method.

use super::{validate_weights, Rng, WeightError};

/// One bucket: keep the bucket's own index when the coin is below
/// `threshold / 2^32`, otherwise take `alias`. A full bucket aliases itself,
/// so probability 1 needs no special case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
struct Bucket {
    threshold: u32,
    alias: u32,
}

/// Samples category `i` with probability `weights[i] / sum(weights)` in O(1)
/// (Vose 1991). Building is O(n). Immutable once built: share it across
/// threads and give each thread its own [`Rng`].
///
/// A sample costs one 64-bit random number: the high half of `r · n` picks the
/// bucket and the low half is the coin, so buckets are 8 bytes and one
/// memory access is enough. Zero-weight categories are never returned.
///
/// ```
/// use tessera::random::{AliasTable, Rng};
/// let table = AliasTable::new(&[1.0, 0.0, 3.0]).unwrap();
/// let mut rng = Rng::new(7);
/// let mut counts = [0u32; 3];
/// for _ in 0..40_000 {
///     counts[table.sample(&mut rng) as usize] += 1;
/// }
/// assert_eq!(counts[1], 0);
/// assert!((counts[2] as f64 / 40_000.0 - 0.75).abs() < 0.01);
/// ```
#[derive(Debug, Clone)]
pub struct AliasTable {
    buckets: Vec<Bucket>,
}

impl AliasTable {
    /// Builds the table. Weights must be finite, non-negative, not all zero,
    /// with a finite sum, and at most `u32::MAX` of them.
    ///
    /// # Errors
    /// The first [`WeightError`] found.
    pub fn new(weights: &[f64]) -> Result<AliasTable, WeightError> {
        let sum = validate_weights(weights)?;
        let n = weights.len();
        // Scaled probabilities with mean 1. Dividing by the sum first keeps huge weights finite.
        let factor = n as f64 / sum;
        let mut scaled: Vec<f64> = if factor.is_normal() {
            weights.iter().map(|&w| w * factor).collect()
        } else {
            weights.iter().map(|&w| w / sum * n as f64).collect()
        };
        let mut buckets: Vec<Bucket> = (0..n as u32).map(|i| Bucket { threshold: u32::MAX, alias: i }).collect();
        // One work array: the "small" stack grows from the front, the "large" stack from the back.
        let mut work = vec![0u32; n];
        let (mut small, mut large) = (0usize, n);
        for (i, &p) in scaled.iter().enumerate() {
            if p < 1.0 {
                work[small] = i as u32;
                small += 1;
            } else {
                large -= 1;
                work[large] = i as u32;
            }
        }
        while small > 0 && large < n {
            small -= 1;
            let s = work[small] as usize;
            let l = work[large];
            let p = scaled[s];
            buckets[s] = Bucket { threshold: to_threshold(p), alias: l };
            scaled[l as usize] -= 1.0 - p;
            if scaled[l as usize] < 1.0 {
                large += 1;
                work[small] = l;
                small += 1;
            }
        }
        // What is left holds (up to rounding) probability 1 and keeps itself, unless
        // rounding left a zero-weight category here: that one always defers.
        for &i in work[..small].iter().chain(&work[large..]) {
            if weights[i as usize] == 0.0 {
                buckets[i as usize] = Bucket { threshold: 0, alias: first_positive(weights) };
            }
        }
        // Buckets whose threshold rounds to 2^32 keep themselves outright.
        for (i, b) in buckets.iter_mut().enumerate() {
            if b.threshold == u32::MAX {
                b.alias = i as u32;
            }
        }
        Ok(AliasTable { buckets })
    }

    /// Number of categories.
    pub fn len(&self) -> u32 {
        self.buckets.len() as u32
    }

    /// Always false: an alias table has at least one category.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// One category index.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> u32 {
        let m = u128::from(rng.next_u64()) * self.buckets.len() as u128;
        let index = (m >> 64) as usize;
        let coin = (m >> 32) as u32; // high half of the fractional part
        // SAFETY: index = floor(r · n / 2^64) < n.
        let bucket = unsafe { self.buckets.get_unchecked(index) };
        if coin < bucket.threshold {
            index as u32
        } else {
            bucket.alias
        }
    }

    /// Fills `out` with independent samples.
    pub fn sample_into(&self, rng: &mut Rng, out: &mut [u32]) {
        for o in out {
            *o = self.sample(rng);
        }
    }

    /// The exact probability the table assigns to each category (for tests
    /// and diagnostics; O(n)).
    pub fn probabilities(&self) -> Vec<f64> {
        let n = self.buckets.len() as f64;
        let mut p = vec![0.0; self.buckets.len()];
        for (i, b) in self.buckets.iter().enumerate() {
            let keep = f64::from(b.threshold) / 4_294_967_296.0;
            let keep = if b.alias as usize == i { 1.0 } else { keep };
            p[i] += keep / n;
            p[b.alias as usize] += (1.0 - keep) / n;
        }
        p
    }
}

/// `p · 2^32` rounded to nearest; `as` saturates at `u32::MAX`. (Adding 0.5
/// instead of calling `round` avoids a libm call per bucket.)
fn to_threshold(p: f64) -> u32 {
    (p * 4_294_967_296.0 + 0.5) as u32
}

fn first_positive(weights: &[f64]) -> u32 {
    weights.iter().position(|&w| w > 0.0).unwrap_or(0) as u32
}
