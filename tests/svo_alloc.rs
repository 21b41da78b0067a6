//! After warm-up, path queries allocate nothing: every scenario of the
//! Simple map is run twice on one query object, and the second round is
//! counted by a global allocator wrapper.

mod alloc_counter;
mod svo_support;

use alloc_counter::allocations;
use std::sync::Arc;
use svo_support::{center, data_path, read_scenarios};
use tessera::svo::{PathOptions, Svo, SvoQuery};

#[test]
fn queries_allocate_nothing_after_warm_up() {
    let text = std::fs::read_to_string(data_path("Simple.3dmap")).unwrap();
    let svo = Arc::new(Svo::from_3dmap(&text).unwrap());
    let scen = read_scenarios(&std::fs::read_to_string(data_path("Simple.3dmap.3dscen")).unwrap());
    let mut q = SvoQuery::new(svo, 1 << 16);
    let mut pts = Vec::new();
    let opts = PathOptions::default();
    let run = |q: &mut SvoQuery, pts: &mut Vec<[f32; 3]>| {
        for s in scen.iter().step_by(10) {
            let info = q.find_path(center(s.start), center(s.goal), &opts, pts).unwrap();
            assert!(info.found);
        }
    };
    run(&mut q, &mut pts);
    assert_eq!(allocations(|| run(&mut q, &mut pts)), 0);
}
