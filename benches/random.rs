//! Weighted sampling: tessera's alias table beside `rand_distr::WeightedAliasIndex`
//! (driven by rand's SmallRng, xoshiro256++ like tessera's Rng) and tessera's
//! prefix-sum sampler; plus build time for 1M weights.
//! Run: `cargo bench --bench random`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::Distribution;
use std::hint::black_box;
use std::time::Duration;
use tessera::random::{AliasTable, CdfSampler, Rng};

const DRAWS: usize = 100_000;

fn weights(n: usize) -> Vec<f64> {
    let mut rng = Rng::new(3);
    (0..n).map(|_| rng.next_f64() * rng.next_f64() * 100.0).collect()
}

fn sampling(c: &mut Criterion) {
    for n in [16usize, 1_000, 1_000_000] {
        let w = weights(n);
        let alias = AliasTable::new(&w).unwrap();
        let cdf = CdfSampler::new(&w).unwrap();
        let peer = WeightedAliasIndex::new(w.clone()).unwrap();
        let mut group = c.benchmark_group(format!("sample_{n}_categories"));
        group.throughput(Throughput::Elements(DRAWS as u64)).sample_size(20).measurement_time(Duration::from_secs(2));
        group.bench_function("tessera alias", |b| {
            let mut rng = Rng::new(1);
            b.iter(|| (0..DRAWS).fold(0u64, |acc, _| acc + u64::from(alias.sample(&mut rng))))
        });
        group.bench_function("rand_distr WeightedAliasIndex", |b| {
            let mut rng = SmallRng::seed_from_u64(1);
            b.iter(|| (0..DRAWS).fold(0u64, |acc, _| acc + peer.sample(&mut rng) as u64))
        });
        group.bench_function("tessera prefix-sum", |b| {
            let mut rng = Rng::new(1);
            b.iter(|| (0..DRAWS).fold(0u64, |acc, _| acc + u64::from(cdf.sample(&mut rng))))
        });
        group.finish();
    }
}

fn building(c: &mut Criterion) {
    let w = weights(1_000_000);
    let mut group = c.benchmark_group("build_1M_weights");
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    group.bench_with_input(BenchmarkId::from_parameter("tessera alias"), &w, |b, w| b.iter(|| AliasTable::new(black_box(w)).unwrap()));
    group.bench_with_input(BenchmarkId::from_parameter("rand_distr WeightedAliasIndex"), &w, |b, w| {
        b.iter(|| WeightedAliasIndex::new(black_box(w.clone())).unwrap())
    });
    group.bench_with_input(BenchmarkId::from_parameter("tessera prefix-sum"), &w, |b, w| b.iter(|| CdfSampler::new(black_box(w)).unwrap()));
    group.finish();
}

criterion_group!(benches, sampling, building);
criterion_main!(benches);
