use super::*;
use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Counts drops so leaks and double drops show up.
struct Tracked(Rc<Cell<u32>>, #[allow(dead_code)] u32);
impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn fail_policy_rejects_when_full_and_reuses_freed_slots() {
    let mut pool = Pool::new(3, FullPolicy::Fail).unwrap();
    let hs: Vec<Handle> = (0..3).map(|i| pool.alloc(i).unwrap()).collect();
    assert_eq!(pool.alloc(99), Err(PoolError::Full));
    assert_eq!(pool.len(), 3);
    assert_eq!(pool.free(hs[1]), Ok(1));
    let again = pool.alloc(7).unwrap();
    assert_eq!(again.index, hs[1].index);
    assert_eq!(pool.get(hs[1]), None);
    assert_eq!(pool.get(again), Some(&7));
    assert_eq!(pool.capacity(), 3);
}

#[test]
fn zero_capacity_is_only_for_grow() {
    assert_eq!(Pool::<u8>::new(0, FullPolicy::Fail).unwrap_err(), PoolError::ZeroCapacity);
    assert_eq!(Pool::<u8>::new(0, FullPolicy::EvictOldest).unwrap_err(), PoolError::ZeroCapacity);
    let mut grow = Pool::new(0, FullPolicy::Grow).unwrap();
    assert_eq!(grow.capacity(), 0);
    let h = grow.alloc(5u8).unwrap();
    assert_eq!(grow.get(h), Some(&5));
    assert!(grow.capacity() >= 1);
}

#[test]
fn grow_never_moves_objects() {
    let mut pool = Pool::new(4, FullPolicy::Grow).unwrap();
    let mut seen = Vec::new();
    for i in 0..1000u64 {
        let h = pool.alloc([i; 4]).unwrap();
        seen.push((h, pool.get(h).unwrap() as *const [u64; 4], i));
    }
    assert!(pool.capacity() >= 1000);
    for (h, addr, i) in seen {
        let now = pool.get(h).unwrap();
        assert_eq!(now as *const _, addr, "object {i} moved");
        assert_eq!(*now, [i; 4]);
    }
}

#[test]
fn grow_stops_at_max_capacity() {
    let mut config = PoolConfig::new(4, FullPolicy::Grow);
    config.max_capacity = 10;
    let mut pool = Pool::with_config(config).unwrap();
    for i in 0..10 {
        pool.alloc(i).unwrap();
    }
    assert_eq!(pool.alloc(10), Err(PoolError::Full));
    assert_eq!(pool.capacity(), 10);
}

#[test]
fn evict_oldest_matches_a_fifo_model() {
    // Model: live handles in allocation order.
    let mut pool = Pool::new(5, FullPolicy::EvictOldest).unwrap();
    let mut model: VecDeque<(Handle, u32)> = VecDeque::new();
    let mut rng = crate::random::Rng::new(11);
    for step in 0..5000u32 {
        if rng.below(3) > 0 || model.is_empty() {
            let (h, evicted) = pool.alloc_evicting(step).unwrap();
            if model.len() == 5 {
                let (old, value) = model.pop_front().unwrap();
                assert_eq!(evicted, Some(Evicted { handle: old, value }));
                assert!(pool.get(old).is_none());
            } else {
                assert_eq!(evicted, None);
            }
            model.push_back((h, step));
        } else {
            let k = rng.below(model.len() as u64) as usize;
            let (h, v) = model.remove(k).unwrap();
            assert_eq!(pool.free(h), Ok(v));
        }
        let order: Vec<Handle> = model.iter().map(|(h, _)| *h).collect();
        assert_eq!(pool.allocation_order(), order);
    }
    assert_eq!(pool.stats().high_water, 5);
}

#[test]
fn drops_every_object_exactly_once() {
    let drops = Rc::new(Cell::new(0));
    {
        let mut pool = Pool::new(4, FullPolicy::EvictOldest).unwrap();
        let a = pool.alloc(Tracked(drops.clone(), 0)).unwrap();
        for i in 1..6 {
            pool.alloc(Tracked(drops.clone(), i)).unwrap(); // evicts 2 objects in total
        }
        assert_eq!(drops.get(), 2);
        assert!(pool.free(a).is_err()); // a was evicted first
        pool.clear();
        assert_eq!(drops.get(), 6);
        pool.alloc(Tracked(drops.clone(), 9)).unwrap();
        pool.alloc(Tracked(drops.clone(), 10)).unwrap();
    }
    assert_eq!(drops.get(), 8);
}

#[test]
fn clear_makes_every_handle_stale() {
    let mut pool = Pool::new(8, FullPolicy::Fail).unwrap();
    let hs: Vec<Handle> = (0..8).map(|i| pool.alloc(i).unwrap()).collect();
    pool.free(hs[3]).unwrap();
    pool.clear();
    assert!(pool.is_empty());
    assert!(hs.iter().all(|&h| pool.get(h).is_none()));
    let fresh: Vec<Handle> = (0..8).map(|i| pool.alloc(i).unwrap()).collect();
    assert!(fresh.iter().all(|h| !hs.contains(h)));
    assert_eq!(pool.iter().map(|(_, v)| *v).collect::<Vec<_>>(), (0..8).collect::<Vec<_>>());
}

#[test]
fn iteration_is_in_slot_order_over_live_objects_only() {
    let mut pool = Pool::new(200, FullPolicy::Fail).unwrap();
    let hs: Vec<Handle> = (0..200).map(|i| pool.alloc(i).unwrap()).collect();
    for h in hs.iter().filter(|h| h.index % 3 != 0) {
        pool.free(*h).unwrap();
    }
    let expect: Vec<(Handle, u32)> = hs.iter().filter(|h| h.index % 3 == 0).map(|h| (*h, h.index)).collect();
    let got: Vec<(Handle, u32)> = pool.iter().map(|(h, v)| (h, *v)).collect();
    assert_eq!(got, expect);
    for (_, v) in pool.iter_mut() {
        *v += 1000;
    }
    assert!(expect.iter().all(|(h, v)| pool.get(*h) == Some(&(v + 1000))));
    assert_eq!(pool.handles().collect::<Vec<_>>(), expect.iter().map(|(h, _)| *h).collect::<Vec<_>>());
}

#[test]
fn forged_handles_are_rejected() {
    let mut pool = Pool::new(4, FullPolicy::Fail).unwrap();
    let h = pool.alloc(1u8).unwrap();
    pool.free(h).unwrap();
    // The free slot's current generation is even: a handle carrying it must not match.
    let forged = Handle { index: h.index, generation: h.generation + 1 };
    assert!(pool.get(forged).is_none());
    assert!(pool.get(Handle { index: 99, generation: 1 }).is_none());
    assert!(pool.get(Handle { index: 3, generation: 0 }).is_none()); // never used slot
    assert_eq!(pool.free(Handle::from_bits(0)), Err(PoolError::StaleHandle));
}

#[test]
fn handles_past_the_capacity_inside_a_rounded_up_chunk_are_rejected() {
    // A Grow pool of 5 allocates a chunk of 8 slots: slots 5..8 exist in
    // memory but are not usable until the pool grows.
    let mut pool = Pool::new(5, FullPolicy::Grow).unwrap();
    let live: Vec<_> = (0..5u32).map(|v| pool.alloc(v).unwrap()).collect();
    for index in 5..8 {
        for generation in 0..4 {
            assert!(pool.get(Handle { index, generation }).is_none());
            assert_eq!(pool.free(Handle { index, generation }), Err(PoolError::StaleHandle));
        }
    }
    // Growing makes them usable in order, and the old handles still work.
    let grown = pool.alloc(5).unwrap();
    assert_eq!(grown.index, 5);
    assert!(live.iter().enumerate().all(|(v, h)| pool.get(*h) == Some(&(v as u32))));
    assert_eq!(pool.iter().map(|(_, v)| *v).collect::<Vec<_>>(), (0..6).collect::<Vec<_>>());
}

#[test]
fn debug_fill_overwrites_freed_bytes() {
    let mut config = PoolConfig::new(2, FullPolicy::Fail);
    config.debug_fill = true;
    let mut pool = RawPool::new(32, 8, config).unwrap();
    let (h, _) = pool.alloc().unwrap();
    pool.get_mut(h).unwrap().fill(0x11);
    let ptr = pool.element_ptr(h).unwrap();
    pool.free(h).unwrap();
    // SAFETY: the slot memory stays allocated while the pool lives; we only read it.
    let bytes = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), 32) };
    assert!(bytes[4..].iter().all(|&b| b == 0xDD), "{bytes:?}");
    config.debug_fill = false;
    let mut plain = RawPool::new(32, 8, config).unwrap();
    let (h, _) = plain.alloc().unwrap();
    plain.get_mut(h).unwrap().fill(0x11);
    let ptr = plain.element_ptr(h).unwrap();
    plain.free(h).unwrap();
    // SAFETY: as above.
    let bytes = unsafe { core::slice::from_raw_parts(ptr.as_ptr(), 32) };
    assert!(bytes[4..].iter().all(|&b| b == 0x11));
}

#[test]
fn raw_pool_alignment_and_layout_checks() {
    let cfg = PoolConfig::new(4, FullPolicy::Fail);
    assert_eq!(RawPool::new(0, 4, cfg).unwrap_err(), PoolError::ZeroElementSize);
    assert_eq!(RawPool::new(RawPool::MAX_ELEM_SIZE + 1, 4, cfg).unwrap_err(), PoolError::ElementTooLarge(RawPool::MAX_ELEM_SIZE + 1));
    assert_eq!(RawPool::new(8, 3, cfg).unwrap_err(), PoolError::BadAlignment(3));
    assert_eq!(RawPool::new(8, 0, cfg).unwrap_err(), PoolError::BadAlignment(0));
    assert_eq!(RawPool::new(8, 8192, cfg).unwrap_err(), PoolError::BadAlignment(8192));
    for align in [1usize, 2, 4, 8, 16, 64, 4096] {
        for size in [1usize, 3, 5, 17, 100] {
            let mut pool = RawPool::new(size, align, PoolConfig::new(7, FullPolicy::Grow)).unwrap();
            for _ in 0..20 {
                let (h, _) = pool.alloc().unwrap();
                let p = pool.element_ptr(h).unwrap().as_ptr() as usize;
                assert_eq!(p % align, 0, "size {size} align {align}");
                assert_eq!(pool.get(h).unwrap().len(), size);
            }
        }
    }
}

#[test]
fn zero_sized_and_tiny_types_work() {
    let mut pool = Pool::new(3, FullPolicy::Fail).unwrap();
    let a = pool.alloc(()).unwrap();
    let b = pool.alloc(()).unwrap();
    assert_eq!(pool.free(a), Ok(()));
    assert_eq!(pool.get(b), Some(&()));
    let mut bytes = Pool::new(3, FullPolicy::Grow).unwrap();
    let hs: Vec<Handle> = (0..50u8).map(|i| bytes.alloc(i).unwrap()).collect();
    assert!(hs.iter().enumerate().all(|(i, h)| bytes.get(*h) == Some(&(i as u8))));
}

#[test]
fn concurrent_double_free_race_has_one_winner() {
    let pool = ConcurrentPool::new(64).unwrap();
    for round in 0..200u32 {
        let h = pool.alloc(round).unwrap();
        let wins: u32 = std::thread::scope(|s| {
            let a = s.spawn(|| pool.free(h).is_ok() as u32);
            let b = s.spawn(|| pool.free(h).is_ok() as u32);
            a.join().unwrap() + b.join().unwrap()
        });
        assert_eq!(wins, 1);
        assert!(!pool.contains(h));
    }
    assert!(pool.is_empty());
}

#[test]
fn concurrent_pool_agrees_with_per_thread_models() {
    let mut pool = ConcurrentPool::new(4 * 256).unwrap();
    let kept: Vec<Vec<(Handle, u64)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4u64)
            .map(|t| {
                let pool = &pool;
                s.spawn(move || {
                    let mut rng = crate::random::Rng::new(t + 1);
                    let mut mine: Vec<(Handle, u64)> = Vec::new();
                    for step in 0..20_000u64 {
                        if mine.len() < 256 && (mine.is_empty() || rng.below(2) == 0) {
                            let v = t << 32 | step;
                            mine.push((pool.alloc(v).unwrap(), v));
                        } else {
                            let (h, v) = mine.swap_remove(rng.below(mine.len() as u64) as usize);
                            assert_eq!(pool.with(h, |x| *x), Ok(v));
                            assert_eq!(pool.free(h), Ok(v));
                            assert_eq!(pool.free(h), Err(PoolError::StaleHandle));
                        }
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut expect: Vec<(Handle, u64)> = kept.into_iter().flatten().collect();
    expect.sort();
    let got: Vec<(Handle, u64)> = pool.iter().map(|(h, v)| (h, *v)).collect();
    assert_eq!(got, expect);
    assert_eq!(pool.len(), expect.len());
    let (h, v) = expect[0];
    assert_eq!(pool.get(h), Some(&v));
    pool.clear();
    assert!(pool.get(h).is_none() && pool.is_empty());
}

#[test]
fn concurrent_pool_full_and_zero() {
    assert_eq!(ConcurrentPool::<u8>::new(0).unwrap_err(), PoolError::ZeroCapacity);
    let pool = ConcurrentPool::new(2).unwrap();
    pool.alloc(1).unwrap();
    pool.alloc(2).unwrap();
    assert_eq!(pool.alloc(3), Err(PoolError::Full));
}

#[test]
fn stats_track_high_water_and_evictions() {
    let mut pool = Pool::new(3, FullPolicy::EvictOldest).unwrap();
    let a = pool.alloc(1).unwrap();
    let _b = pool.alloc(2).unwrap();
    pool.free(a).unwrap();
    for i in 0..5 {
        pool.alloc(i).unwrap();
    }
    // live: 1 + 5 allocs into 3 slots -> 3 evictions.
    assert_eq!(pool.stats(), PoolStats { capacity: 3, live: 3, high_water: 3, evictions: 3 });
}
