//! Prefix-sum sampler.

use super::{validate_weights, Rng, WeightError};

/// Samples category `i` with probability `weights[i] / sum` by binary search
/// over prefix sums: O(n) build, O(log n) sample, and cheap to rebuild. The
/// reference the alias table is measured against.
///
/// ```
/// use tessera::random::{CdfSampler, Rng};
/// let s = CdfSampler::new(&[0.0, 2.0, 2.0]).unwrap();
/// let mut rng = Rng::new(1);
/// assert!((0..1000).all(|_| s.sample(&mut rng) != 0));
/// ```
#[derive(Debug, Clone)]
pub struct CdfSampler {
    cumulative: Vec<f64>,
    last_positive: u32,
}

impl CdfSampler {
    /// Builds the prefix sums; the same rules as [`super::AliasTable::new`].
    ///
    /// # Errors
    /// The first [`WeightError`] found.
    pub fn new(weights: &[f64]) -> Result<CdfSampler, WeightError> {
        validate_weights(weights)?;
        let mut total = 0.0;
        let cumulative = weights
            .iter()
            .map(|&w| {
                total += w;
                total
            })
            .collect();
        let last_positive = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0) as u32;
        Ok(CdfSampler { cumulative, last_positive })
    }

    /// Number of categories.
    pub fn len(&self) -> u32 {
        self.cumulative.len() as u32
    }

    /// Always false: a sampler has at least one category.
    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// One category index.
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> u32 {
        let total = self.cumulative[self.cumulative.len() - 1];
        let u = rng.next_f64() * total;
        let i = self.cumulative.partition_point(|&c| c <= u) as u32;
        // u * total can round up to total itself: fall back to the last real category.
        i.min(self.last_positive)
    }

    /// Fills `out` with independent samples.
    pub fn sample_into(&self, rng: &mut Rng, out: &mut [u32]) {
        for o in out {
            *o = self.sample(rng);
        }
    }
}
