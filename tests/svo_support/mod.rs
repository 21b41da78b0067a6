//! Independent oracles for the octree tests and benches: a dense voxel
//! bitset read straight from the `.3dmap` text, BFS, a 26-connected A* with
//! the no-corner-cutting rule, and a supercover segment checker.
#![allow(dead_code)]

use std::collections::{BinaryHeap, HashMap, VecDeque};
use tessera::svo::RawVoxelGrid;
use std::path::PathBuf;

/// Path of a file under `data/movingai/voxel/`.
pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/movingai/voxel").join(name)
}

/// A dense voxel grid; anything outside `dims` is blocked (the library's
/// raw grid, which never looks at the octree).
pub struct Grid {
    pub dims: [i64; 3],
    raw: RawVoxelGrid,
}

impl Grid {
    pub fn new(dims: [i64; 3]) -> Grid {
        Grid { dims, raw: RawVoxelGrid::new(dims) }
    }
    fn index(&self, v: [i64; 3]) -> Option<usize> {
        self.raw.index(v)
    }
    pub fn set(&mut self, v: [i64; 3]) {
        self.raw.set(v);
    }
    pub fn blocked(&self, v: [i64; 3]) -> bool {
        self.raw.blocked(v)
    }
    /// The first blocked voxel whose closed cube touches the segment `p`–`q`.
    pub fn segment_hits(&self, p: [f64; 3], q: [f64; 3]) -> Option<[i64; 3]> {
        self.raw.segment_hits(p, q)
    }
    /// Reads a `.3dmap` with a plain whitespace split (independent of the library parser).
    pub fn from_3dmap(text: &str) -> Grid {
        let mut nums = text.split_whitespace().skip(1).map(|s| s.parse::<i64>().unwrap());
        let dims = [nums.next().unwrap(), nums.next().unwrap(), nums.next().unwrap()];
        let mut g = Grid::new(dims);
        while let Some(x) = nums.next() {
            g.set([x, nums.next().unwrap(), nums.next().unwrap()]);
        }
        g
    }

    /// Whether some 6-connected free path joins `a` and `b` (BFS). For
    /// reachability 6- and 26-connectivity without corner cutting agree.
    pub fn reachable(&self, a: [i64; 3], b: [i64; 3]) -> bool {
        if self.blocked(a) || self.blocked(b) {
            return false;
        }
        let mut seen = vec![false; (self.dims[0] * self.dims[1] * self.dims[2]) as usize];
        let mut q = VecDeque::from([a]);
        seen[self.index(a).unwrap()] = true;
        while let Some(v) = q.pop_front() {
            if v == b {
                return true;
            }
            for (axis, s) in [(0, 1), (0, -1), (1, 1), (1, -1), (2, 1), (2, -1)] {
                let mut n = v;
                n[axis] += s;
                if let Some(i) = self.index(n) {
                    if !seen[i] && !self.blocked(n) {
                        seen[i] = true;
                        q.push_back(n);
                    }
                }
            }
        }
        false
    }

    /// The hog2 move rule: every voxel of the box spanned by the move is free.
    pub fn can_move(&self, v: [i64; 3], d: [i64; 3]) -> bool {
        for dx in [0, d[0]] {
            for dy in [0, d[1]] {
                for dz in [0, d[2]] {
                    if self.blocked([v[0] + dx, v[1] + dy, v[2] + dz]) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// 26-connected A* (costs 1, sqrt 2, sqrt 3, no corner cutting) with the
    /// 3D octile heuristic. Returns (length, expanded nodes).
    pub fn astar(&self, a: [i64; 3], b: [i64; 3]) -> Option<(f64, usize)> {
        #[derive(PartialEq)]
        struct E(f64, u64);
        impl Eq for E {}
        impl PartialOrd for E {
            fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for E {
            fn cmp(&self, o: &Self) -> std::cmp::Ordering {
                o.0.total_cmp(&self.0)
            }
        }
        let key = |v: [i64; 3]| (v[0] as u64) | (v[1] as u64) << 21 | (v[2] as u64) << 42;
        let unkey = |k: u64| [(k & 0x1f_ffff) as i64, (k >> 21 & 0x1f_ffff) as i64, (k >> 42) as i64];
        let h = |v: [i64; 3]| octile(v, b);
        let mut g: HashMap<u64, (f64, bool)> = HashMap::new();
        let mut open = BinaryHeap::new();
        g.insert(key(a), (0.0, false));
        open.push(E(h(a), key(a)));
        let mut expanded = 0;
        while let Some(E(_, k)) = open.pop() {
            let (gk, closed) = g[&k];
            if closed {
                continue;
            }
            g.insert(k, (gk, true));
            expanded += 1;
            let v = unkey(k);
            if v == b {
                return Some((gk, expanded));
            }
            for dx in -1..=1i64 {
                for dy in -1..=1i64 {
                    for dz in -1..=1i64 {
                        let n = dx.abs() + dy.abs() + dz.abs();
                        if n == 0 || !self.can_move(v, [dx, dy, dz]) {
                            continue;
                        }
                        let c = [0.0, 1.0, 2f64.sqrt(), 3f64.sqrt()][n as usize];
                        let w = [v[0] + dx, v[1] + dy, v[2] + dz];
                        let ng = gk + c;
                        let e = g.entry(key(w)).or_insert((f64::INFINITY, false));
                        if !e.1 && ng < e.0 {
                            e.0 = ng;
                            open.push(E(ng + h(w), key(w)));
                        }
                    }
                }
            }
        }
        None
    }

}

/// 3D octile distance.
pub fn octile(a: [i64; 3], b: [i64; 3]) -> f64 {
    let mut d = [(a[0] - b[0]).abs(), (a[1] - b[1]).abs(), (a[2] - b[2]).abs()];
    d.sort();
    3f64.sqrt() * d[0] as f64 + 2f64.sqrt() * (d[1] - d[0]) as f64 + (d[2] - d[1]) as f64
}

/// One `.3dscen` line.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub start: [i64; 3],
    pub goal: [i64; 3],
    pub optimal: f64,
}

pub fn read_scenarios(text: &str) -> Vec<Scenario> {
    text.lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<f64> = l.split_whitespace().map(|s| s.parse().unwrap()).collect();
            Scenario {
                start: [f[0] as i64, f[1] as i64, f[2] as i64],
                goal: [f[3] as i64, f[4] as i64, f[5] as i64],
                optimal: f[6],
            }
        })
        .collect()
}

/// Centre of a voxel as a world point (voxel size 1, origin 0).
pub fn center(v: [i64; 3]) -> [f32; 3] {
    [v[0] as f32 + 0.5, v[1] as f32 + 0.5, v[2] as f32 + 0.5]
}
