//! After warm-up, path queries allocate nothing: every scenario of the
//! Simple map is run twice on one query object, and the second round is
//! counted by a global allocator wrapper.

mod svo_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use svo_support::{center, data_path, read_scenarios};
use tessera::svo::{PathOptions, Svo, SvoQuery};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    run(&mut q, &mut pts);
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed) - before, 0);
}
