//! Fast inverse square root: the bit-level seed trick plus Newton steps.
//!
//! `1/sqrt(x)` is approximated by reinterpreting the float's bits as an
//! integer, computing `MAGIC - (bits >> 1)`, and refining with Newton–Raphson
//! steps `y ← y·(1.5 − 0.5·x·y²)`. Three seeds are offered ([`Magic`]); the
//! measured error of each is tabled in `docs/RSQRT.md`.
//!
//! Special inputs follow IEEE `1/sqrt(x)`: `+0 → +inf`, `−0 → −inf`,
//! negative or NaN → NaN, `+inf → +0`. Subnormal inputs are scaled into the
//! normal range first, so they get the same relative error as normal ones.
//!
//! ```
//! use tessera::rsqrt::{rsqrt_f32, Magic};
//! let y = rsqrt_f32(4.0, Magic::Quake, 2);
//! assert!((y - 0.5).abs() < 1e-5);
//! assert_eq!(rsqrt_f32(0.0, Magic::Quake, 1), f32::INFINITY);
//! assert!(rsqrt_f32(-1.0, Magic::Lomont, 1).is_nan());
//! ```

mod batch;
pub mod accuracy;
pub use batch::*;

/// Choice of seed constant (and, for Moroz, of the first Newton step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Magic {
    /// Quake III Arena: `0x5f3759df` (f64: `0x5fe6ec85e7de30da`).
    Quake,
    /// Lomont 2003: `0x5f375a86` (f64: `0x5fe6eb50c7b537a9`).
    Lomont,
    /// Moroz, Walczyk, Hrynchyshyn, Holimath & Cieśliński 2018: `0x5f1ffff9`
    /// with a modified first step `y ← 0.703952253·y·(2.38924456 − x·y²)`.
    /// The f64 constant is the f32 one widened bit for bit
    /// (`0x5fe3ffff20000000`) with the same coefficients.
    Moroz,
}

/// Largest supported number of Newton iterations.
pub const MAX_ITERATIONS: u32 = 4;

impl Magic {
    /// All seeds, in ABI order.
    pub const ALL: [Magic; 3] = [Magic::Quake, Magic::Lomont, Magic::Moroz];

    /// The seed for its ABI number (0 Quake, 1 Lomont, 2 Moroz).
    pub fn from_index(index: u32) -> Option<Magic> {
        Self::ALL.get(index as usize).copied()
    }

    /// 32-bit seed constant.
    pub const fn constant_f32(self) -> u32 {
        match self {
            Magic::Quake => 0x5f37_59df,
            Magic::Lomont => 0x5f37_5a86,
            Magic::Moroz => 0x5f1f_fff9,
        }
    }

    /// 64-bit seed constant.
    pub const fn constant_f64(self) -> u64 {
        match self {
            Magic::Quake => 0x5fe6_ec85_e7de_30da,
            Magic::Lomont => 0x5fe6_eb50_c7b5_37a9,
            Magic::Moroz => 0x5fe3_ffff_2000_0000,
        }
    }
}

/// Approximates `1/sqrt(x)` for f32 with `iterations` Newton steps
/// (clamped to [`MAX_ITERATIONS`]). See the module docs for special inputs.
///
/// Written with selects rather than branches, so loops over it vectorise.
#[inline(always)]
pub fn rsqrt_f32(x: f32, magic: Magic, iterations: u32) -> f32 {
    // Subnormal: scale by 2^24 (exact), so 1/sqrt(x) = 2^12 / sqrt(x·2^24).
    let tiny = x < f32::MIN_POSITIVE;
    let scaled = if tiny { x * 16_777_216.0 } else { x };
    let y = rsqrt_f32_normal(scaled, magic, iterations) * if tiny { 4096.0 } else { 1.0 };
    let y = if x == 0.0 { f32::INFINITY.copysign(x) } else { y };
    let y = if x == f32::INFINITY { 0.0 } else { y };
    // Negatives and NaN (but not -0, which compares equal to 0).
    if x.is_nan() || x < 0.0 { f32::NAN } else { y }
}

/// The approximation for positive normal finite `x` only; any other input
/// gives a meaningless (but never undefined) value. Branch-free, for batches.
#[inline(always)]
pub fn rsqrt_f32_normal(x: f32, magic: Magic, iterations: u32) -> f32 {
    let mut y = f32::from_bits(magic.constant_f32().wrapping_sub(x.to_bits() >> 1));
    let mut steps = iterations.min(MAX_ITERATIONS);
    if magic == Magic::Moroz && steps > 0 {
        y *= 0.703_952_25 * (2.389_244_6 - x * y * y);
        steps -= 1;
    }
    let half = 0.5 * x;
    for _ in 0..steps {
        y *= 1.5 - half * y * y;
    }
    y
}

/// Approximates `1/sqrt(x)` for f64; same contract as [`rsqrt_f32`].
#[inline(always)]
pub fn rsqrt_f64(x: f64, magic: Magic, iterations: u32) -> f64 {
    // Subnormal: scale by 2^54 (exact), so 1/sqrt(x) = 2^27 / sqrt(x·2^54).
    let tiny = x < f64::MIN_POSITIVE;
    let scaled = if tiny { x * 18_014_398_509_481_984.0 } else { x };
    let y = rsqrt_f64_normal(scaled, magic, iterations) * if tiny { 134_217_728.0 } else { 1.0 };
    let y = if x == 0.0 { f64::INFINITY.copysign(x) } else { y };
    let y = if x == f64::INFINITY { 0.0 } else { y };
    if x.is_nan() || x < 0.0 { f64::NAN } else { y }
}

/// f64 counterpart of [`rsqrt_f32_normal`].
#[inline(always)]
pub fn rsqrt_f64_normal(x: f64, magic: Magic, iterations: u32) -> f64 {
    let mut y = f64::from_bits(magic.constant_f64().wrapping_sub(x.to_bits() >> 1));
    let mut steps = iterations.min(MAX_ITERATIONS);
    if magic == Magic::Moroz && steps > 0 {
        y *= 0.703_952_253 * (2.389_244_56 - x * y * y);
        steps -= 1;
    }
    let half = 0.5 * x;
    for _ in 0..steps {
        y *= 1.5 - half * y * y;
    }
    y
}

/// Scales `v` to unit length using [`rsqrt_f32`]. The zero vector stays zero;
/// a vector with a NaN component gives NaNs.
///
/// ```
/// use tessera::rsqrt::{normalize3, Magic};
/// let n = normalize3([3.0, 0.0, 4.0], Magic::Lomont, 2);
/// assert!((n[0] - 0.6).abs() < 1e-5 && (n[2] - 0.8).abs() < 1e-5);
/// assert_eq!(normalize3([0.0; 3], Magic::Quake, 1), [0.0; 3]);
/// ```
#[inline]
pub fn normalize3(v: [f32; 3], magic: Magic, iterations: u32) -> [f32; 3] {
    let len2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    if len2 == 0.0 {
        return [0.0; 3];
    }
    let s = rsqrt_f32(len2, magic, iterations);
    [v[0] * s, v[1] * s, v[2] * s]
}

#[cfg(test)]
mod tests;
