//! Pseudo-random distribution (PRD): streaks are rarer than with plain dice.

use super::{Rng, WeightError};

/// Nominal probability produced by increment `c`: on the k-th try since the
/// last success the chance is `min(1, k·c)`; the result is 1 / E(tries).
pub fn prd_p_from_c(c: f64) -> f64 {
    let mut expected_tries = 0.0;
    let mut none_yet = 1.0; // probability that every earlier try failed
    let mut k = 1u64;
    loop {
        let p_k = (k as f64 * c).min(1.0);
        expected_tries += k as f64 * none_yet * p_k;
        none_yet *= 1.0 - p_k;
        if p_k >= 1.0 || none_yet < 1e-18 {
            return 1.0 / expected_tries;
        }
        k += 1;
    }
}

/// The increment `c` whose PRD has nominal probability `p`, by bisection
/// (`prd_p_from_c` is increasing in `c`, and `c ≤ p`).
///
/// ```
/// use tessera::random::prd_c_from_p;
/// assert!((prd_c_from_p(0.25).unwrap() - 0.0847).abs() < 5e-5);
/// ```
///
/// # Errors
/// [`WeightError::Probability`] when `p` is not in (0, 1].
pub fn prd_c_from_p(p: f64) -> Result<f64, WeightError> {
    if !(p > 0.0 && p <= 1.0) {
        return Err(WeightError::Probability(p));
    }
    if p == 1.0 {
        return Ok(1.0); // certain success: the first try already has chance 1
    }
    let (mut lo, mut hi) = (0.0f64, p);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if prd_p_from_c(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(hi)
}

/// One PRD instance (per unit, per ability …): plain data, `#[repr(C)]`, so
/// it crosses the C ABI as a value.
///
/// ```
/// use tessera::random::{Prd, Rng};
/// let mut prd = Prd::new(0.2).unwrap();
/// let mut rng = Rng::new(3);
/// let hits = (0..100_000).filter(|_| prd.roll(&mut rng)).count();
/// assert!((hits as f64 / 100_000.0 - 0.2).abs() < 0.005);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C)]
pub struct Prd {
    /// Increment per failed try.
    pub c: f64,
    /// Tries since the last success.
    pub failures: u32,
    /// Reserved; zero.
    pub reserved: u32,
}

impl Prd {
    /// A fresh instance for nominal probability `p`.
    ///
    /// # Errors
    /// [`WeightError::Probability`] when `p` is not in (0, 1].
    pub fn new(p: f64) -> Result<Prd, WeightError> {
        Ok(Prd { c: prd_c_from_p(p)?, failures: 0, reserved: 0 })
    }

    /// One try: true on success (which resets the streak).
    #[inline]
    pub fn roll(&mut self, rng: &mut Rng) -> bool {
        let chance = self.c * f64::from(self.failures + 1);
        if rng.next_f64() < chance {
            self.failures = 0;
            true
        } else {
            self.failures += 1;
            false
        }
    }
}
