//! Exhaustive error measurement, used by the tests and by `docs/RSQRT.md`.

use super::{normalize3, rsqrt_f32, rsqrt_f64, Magic};

/// Relative error statistics of an approximation against `1/sqrt(x)` in f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorStats {
    /// Largest |approx − exact| / exact.
    pub max_rel: f64,
    /// Mean |approx − exact| / exact.
    pub mean_rel: f64,
    /// Input where the largest error occurs.
    pub worst_input: f64,
    /// Number of inputs measured.
    pub samples: u64,
}

fn accumulate(inputs: impl Iterator<Item = (f64, f64)>) -> ErrorStats {
    let (mut max_rel, mut sum, mut worst_input, mut samples) = (0.0f64, 0.0f64, 0.0f64, 0u64);
    for (x, approx) in inputs {
        let exact = 1.0 / x.sqrt();
        let rel = ((approx - exact) / exact).abs();
        if rel > max_rel {
            max_rel = rel;
            worst_input = x;
        }
        sum += rel;
        samples += 1;
    }
    ErrorStats { max_rel, mean_rel: sum / samples as f64, worst_input, samples }
}

/// Every f32 in [1, 4): 2^24 inputs. The relative error of the seed trick
/// repeats with period 4 (x → 4x shifts the exponent by 2 and the seed's by
/// exactly 1), so this covers every positive normal input.
pub fn measure_f32(magic: Magic, iterations: u32) -> ErrorStats {
    let first = 1.0f32.to_bits();
    let end = 4.0f32.to_bits();
    accumulate((first..end).map(|bits| {
        let x = f32::from_bits(bits);
        (f64::from(x), f64::from(rsqrt_f32(x, magic, iterations)))
    }))
}

/// `samples` evenly spaced f64 inputs across [1, 4) (f64 has too many to enumerate).
pub fn measure_f64(magic: Magic, iterations: u32, samples: u64) -> ErrorStats {
    let first = 1.0f64.to_bits();
    let span = 4.0f64.to_bits() - first;
    accumulate((0..samples).map(|i| {
        let x = f64::from_bits(first + span / samples * i);
        (x, rsqrt_f64(x, magic, iterations))
    }))
}

/// Worst angle (degrees) between `normalize3(v)` and the exact direction, and
/// worst |1 − length|, over `count` deterministic vectors: the three axes,
/// vectors a few degrees off each axis, and a spread over the sphere.
pub fn measure_normalize(magic: Magic, iterations: u32, count: u32) -> (f64, f64) {
    let mut worst_angle = 0.0f64;
    let mut worst_length = 0.0f64;
    let golden = core::f64::consts::PI * (3.0 - 5.0f64.sqrt());
    // Fibonacci sphere points, scaled by lengths spanning 1e-3 .. 1e3.
    let spread = (0..count).map(|i| {
        let z = 1.0 - 2.0 * (f64::from(i) + 0.5) / f64::from(count);
        let r = (1.0 - z * z).sqrt();
        let theta = golden * f64::from(i);
        let scale = 10f64.powf(f64::from(i % 7) - 3.0);
        [r * theta.cos() * scale, z * scale, r * theta.sin() * scale]
    });
    // Each axis exactly, and tilted 0.01° .. 10° towards another axis.
    let near_axes = (0..3).flat_map(|axis| {
        [0.0f64, 0.01, 0.1, 1.0, 4.69, 10.0].into_iter().map(move |deg| {
            let mut v = [0.0; 3];
            v[axis] = deg.to_radians().cos();
            v[(axis + 1) % 3] = deg.to_radians().sin();
            v
        })
    });
    for dir in spread.chain(near_axes) {
        let v = dir.map(|c| c as f32);
        let n = normalize3(v, magic, iterations).map(f64::from);
        let exact_len = v.iter().map(|&c| f64::from(c).powi(2)).sum::<f64>().sqrt();
        let exact = v.map(|c| f64::from(c) / exact_len);
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let cos = ((n[0] * exact[0] + n[1] * exact[1] + n[2] * exact[2]) / len).clamp(-1.0, 1.0);
        worst_angle = worst_angle.max(cos.acos().to_degrees());
        worst_length = worst_length.max((1.0 - len).abs());
    }
    (worst_angle, worst_length)
}
