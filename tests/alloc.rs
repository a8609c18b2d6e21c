//! Stepping a warmed-up run allocates nothing: a counting global allocator
//! (its own test binary, since a global allocator affects the whole binary)
//! counts allocations over 50 `step()` calls of scenarios/bench.toml.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use coalsim::engine::Simulation;
use coalsim::scenario::ScenarioFile;

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn stepping_a_warmed_up_run_allocates_nothing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench.toml");
    let file = ScenarioFile::open(Some(&path)).unwrap();
    let s = &file.base;
    // The counter works: a Vec that grows is counted.
    COUNTING.store(true, Ordering::SeqCst);
    let v: Vec<u64> = std::hint::black_box((0..100).collect());
    COUNTING.store(false, Ordering::SeqCst);
    assert!(ALLOCATIONS.swap(0, Ordering::SeqCst) >= 1);
    drop(v);
    // Several runs, so that a lucky run with a quiet stretch does not hide
    // an allocation; the counter only runs during the 50 counted steps.
    let mut stepped = 0;
    for run in 0..20 {
        let mut sim = Simulation::new(s, s.seed, run);
        for _ in 0..5 {
            sim.step();
        }
        // Only this thread allocates here (the test harness waits).
        ALLOCATIONS.store(0, Ordering::SeqCst);
        COUNTING.store(true, Ordering::SeqCst);
        for _ in 0..50 {
            if sim.outcome.is_none() {
                stepped += 1;
            }
            sim.step();
        }
        COUNTING.store(false, Ordering::SeqCst);
        let n = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(n, 0, "run {run}: {n} allocation(s) in 50 warmed-up steps");
    }
    assert!(stepped > 500, "the runs should mostly last 55 rounds");
}
