//! Runs every scenario of one Moving AI voxel map through a single query
//! object, several rounds, and prints the mean time (wall clock, and CPU time
//! of the thread, which other jobs on a shared machine disturb less) and
//! expansions per query (a driver for profilers:
//! `cargo run --release --example svo_profile -- Simple 5`).
//! Arguments: map, rounds, and optionally the longest fraction of scenarios
//! to keep (`0.2` = the top quintile of optimal length). `TESS_NO_SMOOTH=1`
//! turns string pulling off; `TESS_EUCLIDEAN=1` uses the Euclidean
//! heuristic; `TESS_DUMP=1` prints optimal length, expansions, point count
//! and microseconds per query to stderr.

#[path = "../tests/svo_support/mod.rs"]
mod svo_support;

use std::sync::Arc;
use std::time::Instant;
use svo_support::{center, data_path, read_scenarios};
use tessera::svo::{Heuristic, PathOptions, Svo, SvoQuery};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "Simple".into());
    let rounds: usize = args.next().map_or(3, |r| r.parse().unwrap());
    let text = std::fs::read_to_string(data_path(&format!("{name}.3dmap"))).unwrap();
    let svo = Arc::new(Svo::from_3dmap(&text).unwrap());
    let mut scen = read_scenarios(&std::fs::read_to_string(data_path(&format!("{name}.3dmap.3dscen"))).unwrap());
    // An optional third argument keeps the longest fraction of scenarios (0.2 = top quintile).
    if let Some(top) = args.next().map(|t| t.parse::<f64>().unwrap()) {
        scen.sort_by(|a, b| a.optimal.total_cmp(&b.optimal));
        scen.drain(..((1.0 - top) * scen.len() as f64) as usize);
    }
    let mut q = SvoQuery::new(svo, 1 << 20);
    let opts = PathOptions {
        smooth: std::env::var("TESS_NO_SMOOTH").is_err(),
        heuristic: if std::env::var("TESS_EUCLIDEAN").is_ok() { Heuristic::Euclidean } else { Heuristic::Octile },
        ..PathOptions::default()
    };
    let mut pts = Vec::new();
    let (mut expanded, mut length) = (0u64, 0f64);
    let t = Instant::now();
    let cpu = thread_cpu_seconds();
    for _ in 0..rounds {
        for s in &scen {
            let t1 = Instant::now();
            let info = q.find_path(center(s.start), center(s.goal), &opts, &mut pts).unwrap();
            assert!(info.found);
            expanded += u64::from(info.expanded);
            if std::env::var("TESS_DUMP").is_ok() {
                eprintln!("{} {} {} {:.2}", s.optimal, info.expanded, pts.len(), t1.elapsed().as_secs_f64() * 1e6);
            }
            length += f64::from(info.length);
        }
    }
    let cpu = thread_cpu_seconds() - cpu;
    let n = (rounds * scen.len()) as f64;
    println!(
        "{name}: {:.2} us/query ({:.2} us CPU), {:.1} expansions/query, mean length {:.3}",
        t.elapsed().as_secs_f64() * 1e6 / n,
        cpu * 1e6 / n,
        expanded as f64 / n,
        length / n
    );
}

/// CPU time used by the calling thread so far.
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
