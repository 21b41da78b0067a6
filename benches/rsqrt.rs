//! Fast inverse square root over a 1M-element f32 batch: each tessera variant
//! beside `1.0 / x.sqrt()` and SSE `_mm_rsqrt_ps` + one Newton step.
//! Run: `cargo bench --bench rsqrt`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use tessera::random::Rng;
use tessera::rsqrt::{rsqrt_f32_into, Magic};

const N: usize = 1 << 20;

fn inputs() -> Vec<f32> {
    let mut rng = Rng::new(1);
    // Positive normal floats over many binades, as lengths squared in a game would be.
    (0..N).map(|_| 10f32.powf(rng.next_f32() * 8.0 - 4.0)).collect()
}

fn std_rsqrt(input: &[f32], output: &mut [f32]) {
    for (o, &x) in output.iter_mut().zip(input) {
        *o = 1.0 / x.sqrt();
    }
}

#[cfg(target_arch = "x86_64")]
fn sse_rsqrt_newton(input: &[f32], output: &mut [f32]) {
    use std::arch::x86_64::*;
    // SAFETY: SSE is part of the x86_64 baseline; loads and stores stay within the chunks.
    unsafe {
        let half = _mm_set1_ps(0.5);
        let three_halves = _mm_set1_ps(1.5);
        for (o, i) in output.chunks_exact_mut(4).zip(input.chunks_exact(4)) {
            let x = _mm_loadu_ps(i.as_ptr());
            let y = _mm_rsqrt_ps(x);
            let hx = _mm_mul_ps(half, x);
            let y = _mm_mul_ps(y, _mm_sub_ps(three_halves, _mm_mul_ps(hx, _mm_mul_ps(y, y))));
            _mm_storeu_ps(o.as_mut_ptr(), y);
        }
    }
}

fn bench(c: &mut Criterion) {
    let input = inputs();
    let mut output = vec![0.0f32; N];
    let mut group = c.benchmark_group("rsqrt_f32_1M");
    group.throughput(Throughput::Elements(N as u64)).sample_size(20).measurement_time(Duration::from_secs(3));
    group.bench_function("std 1/sqrt", |b| b.iter(|| std_rsqrt(black_box(&input), &mut output)));
    #[cfg(target_arch = "x86_64")]
    group.bench_function("sse _mm_rsqrt_ps + 1 newton", |b| b.iter(|| sse_rsqrt_newton(black_box(&input), &mut output)));
    for magic in Magic::ALL {
        for it in [1u32, 2] {
            group.bench_with_input(BenchmarkId::new(format!("tessera {magic:?}"), format!("{it} newton")), &it, |b, &it| {
                b.iter(|| rsqrt_f32_into(black_box(&input), &mut output, magic, it))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
