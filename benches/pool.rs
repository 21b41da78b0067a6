//! Object pools side by side: tessera `Pool<T>`, `slotmap::SlotMap`,
//! `Box::new`/drop, and a `Vec<Option<T>>` + free-index `Vec<usize>` baseline,
//! with 16-byte and 256-byte objects.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use slotmap::{DefaultKey, SlotMap};
use std::hint::black_box;
use std::time::Duration;
use tessera::pool::{FullPolicy, Pool, PoolConfig};

const N: usize = 1024;

/// The hand-written baseline: values in `Vec<Option<T>>`, free indices in a side `Vec`.
struct VecPool<T> {
    items: Vec<Option<T>>,
    free: Vec<usize>,
}

impl<T> VecPool<T> {
    fn with_capacity(n: usize) -> Self {
        VecPool { items: Vec::with_capacity(n), free: Vec::with_capacity(n) }
    }
    #[inline]
    fn alloc(&mut self, v: T) -> usize {
        if let Some(i) = self.free.pop() {
            self.items[i] = Some(v);
            i
        } else {
            self.items.push(Some(v));
            self.items.len() - 1
        }
    }
    #[inline]
    fn free(&mut self, i: usize) -> Option<T> {
        let v = self.items.get_mut(i)?.take()?;
        self.free.push(i);
        Some(v)
    }
}

fn pool<T>() -> Pool<T> {
    let mut config = PoolConfig::new(N as u32, FullPolicy::Fail);
    config.debug_fill = false;
    Pool::with_config(config).unwrap()
}

fn bench_size<const W: usize>(c: &mut Criterion, label: &str) {
    let make = |i: usize| [i as u64; W];

    let mut g = c.benchmark_group(format!("pool/alloc_free_pair/{label}"));
    {
        let mut p = pool::<[u64; W]>();
        for i in 0..N / 2 {
            p.alloc(make(i)).unwrap();
        }
        g.bench_function(BenchmarkId::new("tessera_pool", label), |b| {
            b.iter(|| {
                let h = p.alloc(make(black_box(1))).unwrap();
                p.free(h).unwrap()[W - 1]
            })
        });
        let mut s: SlotMap<DefaultKey, [u64; W]> = SlotMap::with_capacity(N);
        for i in 0..N / 2 {
            s.insert(make(i));
        }
        g.bench_function(BenchmarkId::new("slotmap", label), |b| {
            b.iter(|| {
                let k = s.insert(make(black_box(1)));
                s.remove(k).unwrap()[W - 1]
            })
        });
        let mut v = VecPool::with_capacity(N);
        for i in 0..N / 2 {
            v.alloc(make(i));
        }
        g.bench_function(BenchmarkId::new("vec_option_freelist", label), |b| {
            b.iter(|| {
                let i = v.alloc(make(black_box(1)));
                v.free(i).unwrap()[W - 1]
            })
        });
        g.bench_function(BenchmarkId::new("box_new_drop", label), |b| {
            b.iter(|| black_box(Box::new(make(black_box(1))))[W - 1])
        });
    }
    g.finish();

    let mut g = c.benchmark_group(format!("pool/alloc_all_free_all/{label}"));
    {
        let mut p = pool::<[u64; W]>();
        let mut hs = Vec::with_capacity(N);
        g.bench_function(BenchmarkId::new("tessera_pool", label), |b| {
            b.iter(|| {
                hs.extend((0..N).map(|i| p.alloc(make(i)).unwrap()));
                for h in hs.drain(..) {
                    black_box(p.free(h).unwrap());
                }
            })
        });
        let mut s: SlotMap<DefaultKey, [u64; W]> = SlotMap::with_capacity(N);
        let mut ks = Vec::with_capacity(N);
        g.bench_function(BenchmarkId::new("slotmap", label), |b| {
            b.iter(|| {
                ks.extend((0..N).map(|i| s.insert(make(i))));
                for k in ks.drain(..) {
                    black_box(s.remove(k).unwrap());
                }
            })
        });
        let mut v = VecPool::with_capacity(N);
        let mut is = Vec::with_capacity(N);
        g.bench_function(BenchmarkId::new("vec_option_freelist", label), |b| {
            b.iter(|| {
                is.extend((0..N).map(|i| v.alloc(make(i))));
                for i in is.drain(..) {
                    black_box(v.free(i).unwrap());
                }
            })
        });
        let mut bs: Vec<Box<[u64; W]>> = Vec::with_capacity(N);
        g.bench_function(BenchmarkId::new("box_new_drop", label), |b| {
            b.iter(|| {
                bs.extend((0..N).map(|i| Box::new(make(i))));
                for x in bs.drain(..) {
                    black_box(x);
                }
            })
        });
    }
    g.finish();

    // Iteration over a half-empty container (every other object freed).
    let mut g = c.benchmark_group(format!("pool/iterate_half_live/{label}"));
    {
        let mut p = pool::<[u64; W]>();
        let hs: Vec<_> = (0..N).map(|i| p.alloc(make(i)).unwrap()).collect();
        hs.iter().step_by(2).for_each(|h| assert!(p.free(*h).is_ok()));
        g.bench_function(BenchmarkId::new("tessera_pool", label), |b| {
            b.iter(|| black_box(&p).iter().map(|(_, v)| v[0]).sum::<u64>())
        });
        let mut s: SlotMap<DefaultKey, [u64; W]> = SlotMap::with_capacity(N);
        let ks: Vec<_> = (0..N).map(|i| s.insert(make(i))).collect();
        ks.iter().step_by(2).for_each(|k| assert!(s.remove(*k).is_some()));
        g.bench_function(BenchmarkId::new("slotmap", label), |b| {
            b.iter(|| black_box(&s).values().map(|v| v[0]).sum::<u64>())
        });
        let mut v = VecPool::with_capacity(N);
        let is: Vec<_> = (0..N).map(|i| v.alloc(make(i))).collect();
        is.iter().step_by(2).for_each(|i| assert!(v.free(*i).is_some()));
        g.bench_function(BenchmarkId::new("vec_option_freelist", label), |b| {
            b.iter(|| black_box(&v).items.iter().flatten().map(|v| v[0]).sum::<u64>())
        });
        let bs: Vec<Box<[u64; W]>> = (0..N / 2).map(|i| Box::new(make(2 * i + 1))).collect();
        g.bench_function(BenchmarkId::new("vec_of_boxes", label), |b| {
            b.iter(|| black_box(&bs).iter().map(|v| v[0]).sum::<u64>())
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_size::<2>(c, "16B");
    bench_size::<32>(c, "256B");
}

criterion_group! {
    name = pool_benches;
    config = Criterion::default().sample_size(15).measurement_time(Duration::from_millis(800)).warm_up_time(Duration::from_millis(300));
    targets = benches
}
criterion_main!(pool_benches);
