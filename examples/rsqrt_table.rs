//! Prints the fast inverse square root error tables of docs/RSQRT.md:
//! exhaustive over every f32 in [1, 4) and sampled for f64.
//! Run: `cargo run --release --example rsqrt_table`

use tessera::rsqrt::accuracy::{measure_f32, measure_f64, measure_normalize};
use tessera::rsqrt::{rsqrt_f32, Magic};

fn main() {
    println!("### f32: every input in [1, 4) (2^24 values; the error repeats with period 4)\n");
    println!("| constant | iterations | max relative error | mean relative error | worst input |");
    println!("|---|---|---|---|---|");
    for magic in Magic::ALL {
        for it in 0..=3 {
            let s = measure_f32(magic, it);
            println!("| {magic:?} `{:#010x}` | {it} | {:.4e} | {:.4e} | {:.7} |", magic.constant_f32(), s.max_rel, s.mean_rel, s.worst_input);
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        let (max, mean) = sse_rsqrt_newton_error();
        println!("| SSE `_mm_rsqrt_ps` (this CPU) | 1 | {max:.4e} | {mean:.4e} | |");
    }
    println!("\n### f64: 2^22 evenly spaced inputs in [1, 4)\n");
    println!("| constant | iterations | max relative error | mean relative error |");
    println!("|---|---|---|---|");
    for magic in Magic::ALL {
        for it in 0..=4 {
            let s = measure_f64(magic, it, 1 << 22);
            println!("| {magic:?} `{:#018x}` | {it} | {:.4e} | {:.4e} |", magic.constant_f64(), s.max_rel, s.mean_rel);
        }
    }
    println!("\n### rsqrt(1.0)\n");
    println!("| constant | 1 iteration | 2 iterations |");
    println!("|---|---|---|");
    for magic in Magic::ALL {
        println!("| {magic:?} | {:.6} | {:.6} |", rsqrt_f32(1.0, magic, 1), rsqrt_f32(1.0, magic, 2));
    }
    println!("\n### normalize3: 200,000 directions (axes, near-axes and a sphere spread, lengths 1e-3..1e3)\n");
    println!("| constant | iterations | worst angle error (degrees) | worst length error |1 - |n||");
    println!("|---|---|---|---|");
    for magic in Magic::ALL {
        for it in 0..=3 {
            let (angle, length) = measure_normalize(magic, it, 200_000);
            println!("| {magic:?} | {it} | {angle:.2e} | {length:.3e} |");
        }
    }
}

/// The hardware estimate plus one Newton step, over every f32 in [1, 4)
/// (the benchmark's peer; its accuracy depends on the CPU).
#[cfg(target_arch = "x86_64")]
fn sse_rsqrt_newton_error() -> (f64, f64) {
    use std::arch::x86_64::{_mm_cvtss_f32, _mm_rsqrt_ss, _mm_set_ss};
    let (mut max, mut sum, mut n) = (0.0f64, 0.0f64, 0u64);
    for bits in 1.0f32.to_bits()..4.0f32.to_bits() {
        let x = f32::from_bits(bits);
        // SAFETY: SSE is part of the x86_64 baseline.
        let y = unsafe { _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(x))) };
        let y = y * (1.5 - 0.5 * x * y * y);
        let exact = 1.0 / f64::from(x).sqrt();
        let rel = ((f64::from(y) - exact) / exact).abs();
        max = max.max(rel);
        sum += rel;
        n += 1;
    }
    (max, sum / n as f64)
}
