//! Polyanya (Cui, Harabor & Grastien, IJCAI 2017): exact any-angle
//! Euclidean shortest paths over a polygon mesh, here on the XZ projection.
//!
//! A search node is an interval `[l, r]` on an edge, a root point from which
//! every point of the interval is visible, and the polygon the interval leads
//! into. Expanding a node projects the interval through that polygon
//! (observable successors, same root) and, when an interval end is a mesh
//! corner, turns around it (non-observable successors, rooted at the corner).
//! `f = g + h`, with `h` the shortest distance from the root to the target
//! through the interval (the target mirrored across the interval's line when
//! it lies on the root's side). Roots are pruned when reached again at a
//! higher cost. Arithmetic is in f64.

use super::query::QueryFilter;
use super::{NavMesh, MAX_POLY_VERTS, NO_POLY};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-rotate hasher (as in rustc's FxHash): the keys are float bits, not attacker-controlled.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type P = [f64; 3];
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node {
    root: P,
    root_v: u32,
    l: P,
    r: P,
    lv: u32,
    rv: u32,
    next: u32,
    entry: u8,
    g: f64,
    parent: u32,
    /// Final node: `l` holds the turning point when `lv == 1`.
    is_final: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Item {
    f: f64,
    g: f64,
    node: u32,
}
impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        // Min-heap on f; ties prefer larger g (deeper nodes).
        o.f.total_cmp(&self.f).then(self.g.total_cmp(&o.g))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Per-query scratch, allocated once.
pub(crate) struct Scratch {
    nodes: Vec<Node>,
    cap: usize,
    heap: BinaryHeap<Item>,
    root_g: Vec<f64>,
    root_stamp: Vec<u32>,
    stamp: u32,
    points: Vec<P>,
    /// Distance tolerance for side tests and snapping: a few f32 ulps of the mesh's largest coordinate.
    eps: f64,
    /// Nodes generated so far (polygon, cost, root, interval bits): exact repeats are dropped.
    seen: HashSet<[u64; 4], BuildHasherDefault<FxHasher>>,
}

#[inline]
fn p64(v: [f32; 3]) -> P {
    [f64::from(v[0]), f64::from(v[1]), f64::from(v[2])]
}

/// Signed area (navmesh convention: positive = left/inside of a→b).
#[inline]
fn orient(a: P, b: P, c: P) -> f64 {
    (c[0] - a[0]) * (b[2] - a[2]) - (b[0] - a[0]) * (c[2] - a[2])
}

#[inline]
fn d2(a: P, b: P) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[inline]
fn lerp(a: P, b: P, t: f64) -> P {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// Signed distance of `c` from line a→b (positive on the left); 0 when a == b.
#[inline]
fn side(a: P, b: P, c: P) -> f64 {
    let len = d2(a, b);
    if len < 1e-12 {
        0.0
    } else {
        orient(a, b, c) / len
    }
}

/// Clips s ∈ [lo, hi] on segment p→q to `sign * side(a, b, X) >= 0`.
#[inline]
#[allow(clippy::too_many_arguments)]
fn clip(p: P, q: P, a: P, b: P, sign: f64, lo: &mut f64, hi: &mut f64, eps: f64) {
    let mut f0 = sign * side(a, b, p);
    let mut f1 = sign * side(a, b, q);
    if f0.abs() <= eps {
        f0 = 0.0;
    }
    if f1.abs() <= eps {
        f1 = 0.0;
    }
    if f0 >= 0.0 && f1 >= 0.0 {
        return;
    }
    if f0 < 0.0 && f1 < 0.0 {
        *lo = 1.0;
        *hi = 0.0;
        return;
    }
    let s = f0 / (f0 - f1);
    if f0 < 0.0 {
        *lo = lo.max(s);
    } else {
        *hi = hi.min(s);
    }
}

fn dist_point_seg(p: P, a: P, b: P) -> f64 {
    let (dx, dz) = (b[0] - a[0], b[2] - a[2]);
    let len2 = dx * dx + dz * dz;
    let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[2] - a[2]) * dz) / len2).clamp(0.0, 1.0) } else { 0.0 };
    d2(p, lerp(a, b, t))
}

/// Reflection of `t` across the line a-b (XZ; y kept).
fn reflect(t: P, a: P, b: P) -> P {
    let (dx, dz) = (b[0] - a[0], b[2] - a[2]);
    let len2 = dx * dx + dz * dz;
    if len2 == 0.0 {
        return t;
    }
    let s = ((t[0] - a[0]) * dx + (t[2] - a[2]) * dz) / len2;
    let foot = [a[0] + s * dx, t[1], a[2] + s * dz];
    [2.0 * foot[0] - t[0], t[1], 2.0 * foot[2] - t[2]]
}

/// Shortest root → interval → target distance (admissible heuristic).
fn heuristic(root: P, l: P, r: P, t: P, eps: f64) -> f64 {
    let sr = side(r, l, root);
    if sr.abs() <= eps {
        return d2(root, t);
    }
    let st = side(r, l, t);
    let t = if st * sr > 0.0 { reflect(t, r, l) } else { t };
    if side(root, r, t) >= -eps && side(root, l, t) <= eps {
        d2(root, t)
    } else {
        (d2(root, l) + d2(l, t)).min(d2(root, r) + d2(r, t))
    }
}

impl Scratch {
    pub(crate) fn new(mesh: &NavMesh, max_nodes: usize) -> Scratch {
        let cap = (max_nodes * 8).max(1024);
        Scratch {
            nodes: Vec::with_capacity(cap),
            cap,
            heap: BinaryHeap::with_capacity(cap),
            root_g: vec![0.0; mesh.vertices().len()],
            root_stamp: vec![0; mesh.vertices().len()],
            stamp: 0,
            points: Vec::with_capacity(64),
            eps: {
                let m = mesh.vertices().iter().flat_map(|v| v.iter()).fold(1.0f32, |a, &c| a.max(c.abs()));
                (f64::from(m) * 2.4e-7).max(1e-6)
            },
            seen: HashSet::with_capacity_and_hasher(cap, BuildHasherDefault::default()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn search(
        &mut self,
        mesh: &NavMesh,
        start: u32,
        end: u32,
        s: [f32; 3],
        t: [f32; 3],
        filter: &QueryFilter,
        out: &mut Vec<[f32; 3]>,
    ) -> (Option<f32>, super::PathResult) {
        let mut result = super::PathResult::default();
        let (sp, tp) = (p64(s), p64(t));
        if start == end {
            out.push(s);
            out.push(t);
            return (Some(d2(sp, tp) as f32), result);
        }
        if mesh.component(start) != mesh.component(end) {
            return (None, result);
        }
        self.nodes.clear();
        self.heap.clear();
        self.seen.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.root_stamp.iter_mut().for_each(|x| *x = 0);
            self.stamp = 1;
        }
        // Initial nodes: every passable edge of the start polygon, seen from the start point.
        let idx = mesh.poly_indices(start);
        let neis = mesh.poly_neighbours(start);
        let n = idx.len();
        for j in 0..n {
            let nei = neis[j];
            if nei == NO_POLY || !filter.passes(mesh.flags(nei)) {
                continue;
            }
            let (pv, qv) = (idx[j], idx[(j + 1) % n]);
            let node = Node {
                root: sp,
                root_v: NONE,
                l: p64(mesh.vert(qv)),
                r: p64(mesh.vert(pv)),
                lv: qv,
                rv: pv,
                next: nei,
                entry: mesh.edge_twin(start, j) as u8,
                g: 0.0,
                parent: NONE,
                is_final: false,
            };
            self.push(node, tp, &mut result);
        }
        let mut final_node = NONE;
        while let Some(item) = self.heap.pop() {
            let node = self.nodes[item.node as usize];
            if node.is_final {
                final_node = item.node;
                break;
            }
            if node.root_v != NONE && self.root_stamp[node.root_v as usize] == self.stamp && self.root_g[node.root_v as usize] + 1e-9 < node.g {
                continue;
            }
            self.expand(mesh, item.node, node, end, tp, filter, &mut result);
        }
        if final_node == NONE {
            return (None, result);
        }
        // Reconstruct.
        self.points.clear();
        self.points.push(tp);
        let fnode = self.nodes[final_node as usize];
        if fnode.lv == 1 {
            self.points.push(fnode.l);
        }
        let mut cur = final_node;
        while cur != NONE {
            let nd = self.nodes[cur as usize];
            if *self.points.last().unwrap_or(&tp) != nd.root {
                self.points.push(nd.root);
            }
            cur = nd.parent;
        }
        if *self.points.last().unwrap_or(&tp) != sp {
            self.points.push(sp);
        }
        let mut len = 0.0;
        for w in self.points.windows(2) {
            len += d2(w[0], w[1]);
        }
        out.extend(self.points.iter().rev().map(|p| [p[0] as f32, p[1] as f32, p[2] as f32]));
        (Some(len as f32), result)
    }

    fn push(&mut self, node: Node, target: P, result: &mut super::PathResult) {
        if self.nodes.len() >= self.cap {
            result.out_of_nodes = true;
            return;
        }
        if !node.is_final {
            let key = |p: P| ((p[0] as f32).to_bits() as u64) << 32 | (p[2] as f32).to_bits() as u64;
            // The cost is part of the key: a repeat reached more cheaply must not be dropped
            // (the dearer copy would then be pruned by its root's better cost).
            let tag = u64::from(node.next) << 32 | u64::from((node.g as f32).to_bits());
            if !self.seen.insert([tag, key(node.root), key(node.l), key(node.r)]) {
                return;
            }
        }
        let h = if node.is_final { 0.0 } else { heuristic(node.root, node.l, node.r, target, self.eps) };
        let id = self.nodes.len() as u32;
        self.nodes.push(node);
        self.heap.push(Item { f: node.g + h, g: node.g, node: id });
    }

    #[allow(clippy::too_many_arguments)]
    fn expand(&mut self, mesh: &NavMesh, id: u32, node: Node, end: u32, target: P, filter: &QueryFilter, result: &mut super::PathResult) {
        let q = node.next;
        let idx = mesh.poly_indices(q);
        let neis = mesh.poly_neighbours(q);
        let n = idx.len();
        let mut pts = [[0.0f64; 3]; MAX_POLY_VERTS];
        for (k, &v) in idx.iter().enumerate() {
            pts[k] = p64(mesh.vert(v));
        }
        let e = node.entry as usize;
        let eps = self.eps;
        let (mut root, mut root_v, mut g) = (node.root, node.root_v, node.g);
        let collinear = side(node.r, node.l, root).abs() <= eps;
        let mut all_visible = false;
        if collinear {
            all_visible = true;
            if dist_point_seg(root, node.l, node.r) > eps {
                // The root sees the interval edge-on: only a turn at a corner end leads into `q`.
                let corner = |p: P, v: u32| v != NONE && mesh.is_boundary_vertex(v) && d2(p, p64(mesh.vert(v))) <= eps;
                let (dl, dr) = (d2(root, node.l), d2(root, node.r));
                let mut ends = [(dl, node.l, node.lv), (dr, node.r, node.rv)];
                if dr < dl {
                    ends.swap(0, 1);
                }
                match ends.iter().find(|e| corner(e.1, e.2)) {
                    Some(&(d, p, v)) => {
                        g += d;
                        root = p;
                        root_v = v;
                        if q != end && !self.root_ok(root_v, g) {
                            return;
                        }
                    }
                    None if q == end => all_visible = false,
                    None => return,
                }
            }
        }
        if q == end {
            let (cost, turn) = if all_visible || (side(root, node.r, target) >= -eps && side(root, node.l, target) <= eps) {
                (g + d2(root, target), None)
            } else if side(root, node.l, target) > 0.0 {
                (g + d2(root, node.l) + d2(node.l, target), Some(node.l))
            } else {
                (g + d2(root, node.r) + d2(node.r, target), Some(node.r))
            };
            let fin = Node {
                root,
                root_v,
                l: turn.unwrap_or(target),
                r: target,
                lv: u32::from(turn.is_some()),
                rv: 0,
                next: NO_POLY,
                entry: 0,
                g: cost,
                parent: id,
                is_final: true,
            };
            self.push(fin, target, result);
            return;
        }
        // Edges other than the entry, in order from the right end of the entry edge round to its left end.
        for step in 1..n {
            let j = (e + step) % n;
            let nei = neis[j];
            if nei == NO_POLY || !filter.passes(mesh.flags(nei)) {
                continue;
            }
            let (pv, qv) = (idx[j], idx[(j + 1) % n]);
            let (p, qq) = (pts[j], pts[(j + 1) % n]);
            let entry = mesh.edge_twin(q, j) as u8;
            if all_visible {
                // Edges through the root itself only continue the fan round a corner.
                if dist_point_seg(root, p, qq) <= eps && !(root_v != NONE && mesh.is_boundary_vertex(root_v)) {
                    continue;
                }
                self.emit(p, qq, pv, qv, 0.0, 1.0, root, root_v, g, nei, entry, id, target, result);
                continue;
            }
            // Observable part: inside the cone root→r (right) .. root→l (left).
            let (mut lo, mut hi) = (0.0, 1.0);
            clip(p, qq, root, node.r, 1.0, &mut lo, &mut hi, eps);
            clip(p, qq, root, node.l, -1.0, &mut lo, &mut hi, eps);
            self.emit(p, qq, pv, qv, lo, hi, root, root_v, g, nei, entry, id, target, result);
            // Non-observable parts: turn around a corner at an interval end.
            if node.rv != NONE && mesh.is_boundary_vertex(node.rv) && d2(node.r, p64(mesh.vert(node.rv))) <= eps {
                let (mut lo, mut hi) = (0.0, 1.0);
                clip(p, qq, root, node.r, -1.0, &mut lo, &mut hi, eps);
                let g2 = g + d2(root, node.r);
                if hi - lo > 0.0 && self.root_ok(node.rv, g2) {
                    self.emit(p, qq, pv, qv, lo, hi, node.r, node.rv, g2, nei, entry, id, target, result);
                }
            }
            if node.lv != NONE && mesh.is_boundary_vertex(node.lv) && d2(node.l, p64(mesh.vert(node.lv))) <= eps {
                let (mut lo, mut hi) = (0.0, 1.0);
                clip(p, qq, root, node.l, 1.0, &mut lo, &mut hi, eps);
                let g2 = g + d2(root, node.l);
                if hi - lo > 0.0 && self.root_ok(node.lv, g2) {
                    self.emit(p, qq, pv, qv, lo, hi, node.l, node.lv, g2, nei, entry, id, target, result);
                }
            }
        }
    }

    /// Root pruning check that records the best cost per corner.
    fn root_ok(&mut self, v: u32, g: f64) -> bool {
        let i = v as usize;
        if self.root_stamp[i] == self.stamp {
            if self.root_g[i] + 1e-9 < g {
                return false;
            }
            if g < self.root_g[i] {
                self.root_g[i] = g;
            }
            return true;
        }
        self.root_stamp[i] = self.stamp;
        self.root_g[i] = g;
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        p: P,
        q: P,
        pv: u32,
        qv: u32,
        lo: f64,
        hi: f64,
        root: P,
        root_v: u32,
        g: f64,
        next: u32,
        entry: u8,
        parent: u32,
        target: P,
        result: &mut super::PathResult,
    ) {
        let eps = self.eps;
        let len = d2(p, q);
        if hi <= lo || (hi - lo) * len <= eps {
            return;
        }
        let (r, rv) = if lo * len <= eps { (p, pv) } else { (lerp(p, q, lo), NONE) };
        let (l, lv) = if (1.0 - hi) * len <= eps { (q, qv) } else { (lerp(p, q, hi), NONE) };
        self.push(Node { root, root_v, l, r, lv, rv, next, entry, g, parent, is_final: false }, target, result);
    }
}
