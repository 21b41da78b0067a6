//! Deterministic random numbers and weighted sampling.
//!
//! - [`Rng`]: xoshiro256++ (Blackman & Vigna 2019) seeded through SplitMix64,
//!   bit-for-bit the same from Rust, C, C++ and C#.
//! - [`AliasTable`]: Vose's alias method, O(n) build, O(1) sample.
//! - [`CdfSampler`]: prefix sums + binary search, O(log n) sample.
//! - [`Prd`]: pseudo-random distribution (probability grows each failed try).

mod alias;
mod cdf;
mod prd;
mod rng;

pub use alias::AliasTable;
pub use cdf::CdfSampler;
pub use prd::{prd_c_from_p, prd_p_from_c, Prd};
pub use rng::Rng;

use std::fmt;

/// Why a set of weights or a probability was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightError {
    /// No weights were given.
    Empty,
    /// More categories than fit in a `u32`.
    TooMany(usize),
    /// A weight is negative.
    Negative {
        /// Position of the weight.
        index: usize,
        /// The weight.
        value: f64,
    },
    /// A weight is NaN or infinite.
    NotFinite {
        /// Position of the weight.
        index: usize,
        /// The weight.
        value: f64,
    },
    /// Every weight is zero.
    AllZero,
    /// The weights are finite but their sum overflows f64.
    SumOverflow,
    /// A probability outside (0, 1].
    Probability(f64),
}

impl fmt::Display for WeightError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightError::Empty => write!(f, "weights are empty"),
            WeightError::TooMany(n) => write!(f, "{n} weights exceed the limit of 2^32 - 1"),
            WeightError::Negative { index, value } => write!(f, "weight {index} is negative ({value})"),
            WeightError::NotFinite { index, value } => write!(f, "weight {index} is not finite ({value})"),
            WeightError::AllZero => write!(f, "all weights are zero"),
            WeightError::SumOverflow => write!(f, "the sum of the weights overflows"),
            WeightError::Probability(p) => write!(f, "probability {p} is outside (0, 1]"),
        }
    }
}

impl std::error::Error for WeightError {}

/// Checks weights and returns their sum.
fn validate_weights(weights: &[f64]) -> Result<f64, WeightError> {
    if weights.is_empty() {
        return Err(WeightError::Empty);
    }
    if weights.len() > u32::MAX as usize {
        return Err(WeightError::TooMany(weights.len()));
    }
    let mut sum = 0.0f64;
    for (index, &value) in weights.iter().enumerate() {
        if !value.is_finite() {
            return Err(WeightError::NotFinite { index, value });
        }
        if value < 0.0 {
            return Err(WeightError::Negative { index, value });
        }
        sum += value;
    }
    if sum == 0.0 {
        return Err(WeightError::AllZero);
    }
    if !sum.is_finite() {
        return Err(WeightError::SumOverflow);
    }
    Ok(sum)
}

#[cfg(test)]
mod tests;
