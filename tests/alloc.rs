//! Stepping a warmed-up run allocates nothing: a counting global allocator
//! (its own test binary, since a global allocator affects the whole binary)
//! counts allocations over 50 `step()` calls of scenarios/bench.toml. The
//! same allocator keeps the peak of live heap bytes, to check that a sweep
//! with its plots does not grow with the number of runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use coalsim_core::engine::Simulation;
use coalsim_core::scenario::ScenarioFile;

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
thread_local! {
    /// Allocations are counted on the thread that turned counting on only
    /// (a thread pool of another test may still be winding down).
    static COUNT_HERE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn counted() -> bool {
    COUNTING.load(Ordering::Relaxed) && COUNT_HERE.try_with(|c| c.get()).unwrap_or(false)
}
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// The current measurement window of the heap peak: every block records
/// the window it was allocated in (in a header before it), and only blocks
/// of the current window count as live. Freeing a block allocated earlier
/// (a thread pool of an earlier sweep or another test winding down on its
/// own threads, whenever the scheduler lets it) therefore cannot lower the
/// baseline in the middle of a measurement.
static WINDOW: AtomicU64 = AtomicU64::new(0);
/// Heap bytes allocated in the current window and not yet freed, and their
/// peak (signed: a block being freed on another thread just as a window
/// opens can take a few bytes more off than the window added).
static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);
/// The tests of this binary measure the whole process: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Bytes before each block holding its window (a multiple of the block's
/// alignment, so the block keeps it).
fn header(layout: Layout) -> usize {
    layout.align().max(16)
}

/// The layout asked of the system allocator: header and block.
fn outer(layout: Layout) -> Layout {
    // Cannot overflow for any layout a program can hold (isize::MAX bytes).
    Layout::from_size_align(layout.size() + header(layout), layout.align()).unwrap()
}

/// Writes the current window into the header of the block at `base` and
/// counts its `size` bytes as live; returns the block.
unsafe fn stamp(base: *mut u8, layout: Layout, size: usize) -> *mut u8 {
    if base.is_null() {
        return base;
    }
    let block = unsafe { base.add(header(layout)) };
    unsafe {
        block
            .sub(8)
            .cast::<u64>()
            .write_unaligned(WINDOW.load(Ordering::Relaxed))
    };
    let now = LIVE.fetch_add(size as i64, Ordering::Relaxed) + size as i64;
    PEAK.fetch_max(now, Ordering::Relaxed);
    block
}

/// Stops counting the block at `block` as live if it was allocated in the
/// current window; returns the start of its header.
unsafe fn unstamp(block: *mut u8, layout: Layout) -> *mut u8 {
    let window = unsafe { block.sub(8).cast::<u64>().read_unaligned() };
    if window == WINDOW.load(Ordering::Relaxed) {
        LIVE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
    }
    unsafe { block.sub(header(layout)) }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { stamp(System.alloc(outer(layout)), layout, layout.size()) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counted() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { stamp(System.alloc_zeroed(outer(layout)), layout, layout.size()) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counted() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        let base = unsafe { unstamp(ptr, layout) };
        let new = unsafe { System.realloc(base, outer(layout), new_size + header(layout)) };
        if new.is_null() {
            // The old block is still there, still of its window (uncounted
            // if that is the current one: a negligible undercount).
            return new;
        }
        unsafe { stamp(new, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(unstamp(ptr, layout), outer(layout)) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn stepping_a_warmed_up_run_allocates_nothing() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    COUNT_HERE.with(|c| c.set(true));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench.toml");
    let file = ScenarioFile::open(Some(&path)).unwrap();
    // As written, and with proposals sounded out first (under its rule and
    // under the weighted rule, which sorts the members' power).
    let sounded = |rule: &str| {
        let set = [
            (
                "dynamics.proposals".to_string(),
                toml::Value::String("sounded".into()),
            ),
            (
                "governance.decision_rule".to_string(),
                toml::Value::String(rule.into()),
            ),
        ];
        file.with_overrides("alloc", &set).unwrap()
    };
    let scenarios = [file.base.clone(), sounded("majority"), sounded("weighted")];
    // The counter works: a Vec that grows is counted.
    COUNTING.store(true, Ordering::SeqCst);
    let v: Vec<u64> = std::hint::black_box((0..100).collect());
    COUNTING.store(false, Ordering::SeqCst);
    assert!(ALLOCATIONS.swap(0, Ordering::SeqCst) >= 1);
    drop(v);
    // Several runs, so that a lucky run with a quiet stretch does not hide
    // an allocation; the counter only runs during the 50 counted steps.
    let mut stepped = 0;
    for (s, run) in scenarios
        .iter()
        .flat_map(|s| (0..20).map(move |run| (s, run)))
    {
        let mut sim = Simulation::new(s, s.seed, run);
        for _ in 0..5 {
            sim.step();
        }
        // Only this thread's allocations are counted.
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
    assert!(stepped > 1500, "the runs should mostly last 55 rounds");
}

/// Peak live heap bytes allocated by a 2-variant sweep of `runs` runs on
/// one thread, files and plots written (by any thread: the sweep's pool
/// too), counted from the sweep's start only.
fn sweep_peak(runs: u64, dir: &Path) -> u64 {
    let file = ScenarioFile::open(None).unwrap();
    let vary =
        coalsim_core::study::sweep::parse_vary("governance.decision_rule=consensus,majority")
            .unwrap();
    let arms = coalsim_core::study::sweep::arms(&file, &[vary]).unwrap();
    let cfg = coalsim_core::study::compare::CompareConfig {
        runs,
        seed: 3,
        chunk: 256,
    };
    // A new window: only what is allocated from here on counts.
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    WINDOW.fetch_add(1, Ordering::SeqCst);
    coalsim_report::sweep::run_comparison(&arms, &cfg, Some(1), dir, "sweep", None, &[], true)
        .unwrap();
    PEAK.load(Ordering::SeqCst).max(0) as u64
}

#[test]
fn a_sweep_with_plots_does_not_grow_with_the_runs() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = std::env::temp_dir().join(format!("coalsim-alloc-{}", std::process::id()));
    // Warm up once (fonts, thread pool), then compare 200 with 2,000 runs.
    sweep_peak(32, &tmp.join("w"));
    let small = sweep_peak(200, &tmp.join("a"));
    let large = sweep_peak(2000, &tmp.join("b"));
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!("peak live heap: {small} bytes for 200 runs, {large} for 2,000");
    // runs.csv is 10 times longer; what is held in memory must not be
    // (3.7 MB both; holding every run's row would add over 1 MB).
    assert!(
        (large as f64) < 1.1 * small as f64,
        "peak live heap: {small} bytes for 200 runs, {large} for 2,000"
    );
}
