//! Property tests: random alloc/free/get/clear sequences against a HashMap model.

use proptest::prelude::*;
use std::collections::{HashMap, VecDeque};
use tessera::pool::{FullPolicy, Handle, Pool, PoolConfig, PoolError};

#[derive(Debug, Clone)]
enum Op {
    Alloc(u64),
    /// `alloc` rather than `alloc_evicting`: an evicted object is dropped by the pool.
    AllocPlain(u64),
    /// Free the k-th live handle (mod count), or a handle freed before.
    Free(usize),
    FreeStale(usize),
    Get(usize),
    GetStale(usize),
    Mutate(usize, u64),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<u64>().prop_map(Op::Alloc),
        2 => any::<u64>().prop_map(Op::AllocPlain),
        3 => any::<usize>().prop_map(Op::Free),
        1 => any::<usize>().prop_map(Op::FreeStale),
        3 => any::<usize>().prop_map(Op::Get),
        1 => any::<usize>().prop_map(Op::GetStale),
        1 => (any::<usize>(), any::<u64>()).prop_map(|(k, v)| Op::Mutate(k, v)),
        1 => Just(Op::Clear),
    ]
}

fn policy() -> impl Strategy<Value = FullPolicy> {
    prop_oneof![Just(FullPolicy::Fail), Just(FullPolicy::Grow), Just(FullPolicy::EvictOldest)]
}

/// Runs `ops` on a pool and on the model (map + allocation order + capacity rules).
fn check<T: Clone + PartialEq + std::fmt::Debug>(
    policy: FullPolicy,
    capacity: u32,
    debug_fill: bool,
    ops: &[Op],
    make: impl Fn(u64) -> T,
) -> Result<(), TestCaseError> {
    let mut config = PoolConfig::new(capacity, policy);
    config.debug_fill = debug_fill;
    let mut pool = Pool::with_config(config).unwrap();
    let mut model: HashMap<Handle, T> = HashMap::new();
    let mut order: VecDeque<Handle> = VecDeque::new(); // allocation order of live handles
    let mut dead: Vec<Handle> = Vec::new();
    let mut high_water = 0usize;
    let mut evictions = 0u64;
    for op in ops {
        match op {
            Op::Alloc(v) | Op::AllocPlain(v) => {
                let full = model.len() == capacity as usize;
                let result = match op {
                    Op::Alloc(_) => pool.alloc_evicting(make(*v)).map(|(h, e)| (h, e.map(|e| (e.handle, Some(e.value))))),
                    // The plain call does not report the evicted object: the model knows which one it must be.
                    _ => pool.alloc(make(*v)).map(|h| (h, None)),
                };
                match result {
                    Ok((h, evicted)) => {
                        prop_assert!(!model.contains_key(&h), "handle reused while live");
                        prop_assert!(!dead.contains(&h), "a dead handle was reissued");
                        match (policy, full) {
                            (FullPolicy::EvictOldest, true) => {
                                let old = order.pop_front().unwrap();
                                let old_value = model.remove(&old);
                                match evicted {
                                    Some((handle, value)) => {
                                        prop_assert_eq!(handle, old);
                                        prop_assert_eq!(value, old_value);
                                    }
                                    None => prop_assert!(
                                        matches!(op, Op::AllocPlain(_)),
                                        "alloc_evicting did not report the evicted object"
                                    ),
                                }
                                prop_assert!(pool.get(old).is_none(), "the evicted handle is stale");
                                dead.push(old);
                                evictions += 1;
                            }
                            (FullPolicy::Fail, true) => prop_assert!(false, "Fail pool accepted past capacity"),
                            _ => prop_assert!(evicted.is_none()),
                        }
                        model.insert(h, make(*v));
                        order.push_back(h);
                    }
                    Err(e) => {
                        prop_assert_eq!(e, PoolError::Full);
                        prop_assert!(policy == FullPolicy::Fail && full);
                    }
                }
            }
            Op::Free(k) | Op::Get(k) | Op::Mutate(k, _) if !order.is_empty() => {
                let h = order[k % order.len()];
                match op {
                    Op::Free(_) => {
                        prop_assert_eq!(pool.free(h).ok(), model.remove(&h));
                        order.retain(|x| *x != h);
                        dead.push(h);
                    }
                    Op::Get(_) => prop_assert_eq!(pool.get(h), model.get(&h)),
                    Op::Mutate(_, v) => {
                        *pool.get_mut(h).unwrap() = make(*v);
                        model.insert(h, make(*v));
                    }
                    _ => unreachable!(),
                }
            }
            Op::FreeStale(k) if !dead.is_empty() => {
                let h = dead[k % dead.len()];
                prop_assert_eq!(pool.free(h), Err(PoolError::StaleHandle));
            }
            Op::GetStale(k) if !dead.is_empty() => {
                let h = dead[k % dead.len()];
                prop_assert!(pool.get(h).is_none());
                prop_assert!(!pool.contains(h));
            }
            Op::Clear => {
                pool.clear();
                dead.extend(order.drain(..));
                model.clear();
            }
            _ => {}
        }
        high_water = high_water.max(model.len());
        prop_assert_eq!(pool.len(), model.len());
        // The high-water mark is derived, not counted: it must match the model after every step.
        let stats = pool.stats();
        prop_assert_eq!(stats.high_water as usize, high_water);
        prop_assert_eq!((stats.live as usize, stats.evictions), (model.len(), evictions));
        if policy != FullPolicy::Grow {
            prop_assert_eq!(pool.capacity(), capacity as usize);
        }
    }
    // Iteration: exactly the model, in ascending slot order.
    let got: Vec<(Handle, T)> = pool.iter().map(|(h, v)| (h, v.clone())).collect();
    let mut want: Vec<(Handle, T)> = model.iter().map(|(h, v)| (*h, v.clone())).collect();
    want.sort_by_key(|(h, _)| h.index);
    prop_assert_eq!(got, want);
    if policy == FullPolicy::EvictOldest {
        prop_assert_eq!(pool.allocation_order(), order.iter().copied().collect::<Vec<_>>());
    }
    let stats = pool.stats();
    prop_assert_eq!(stats.high_water as usize, high_water);
    prop_assert_eq!(stats.evictions, evictions);
    for h in &dead {
        prop_assert!(pool.get(*h).is_none());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn small_objects_agree_with_the_model(
        policy in policy(), capacity in 1u32..12, fill in any::<bool>(),
        ops in prop::collection::vec(op(), 1..300),
    ) {
        check(policy, capacity, fill, &ops, |v| v)?;
    }

    #[test]
    fn boxed_objects_agree_with_the_model(
        policy in policy(), capacity in 1u32..6,
        ops in prop::collection::vec(op(), 1..200),
    ) {
        // Heap-owning values catch double drops and leaks (under the test allocator's checks).
        check(policy, capacity, true, &ops, |v| vec![v; (v % 5) as usize])?;
    }

    #[test]
    fn big_objects_agree_with_the_model(
        policy in policy(), capacity in 1u32..6,
        ops in prop::collection::vec(op(), 1..150),
    ) {
        check(policy, capacity, false, &ops, |v| [v; 32])?;
    }
}
