//! Building a navmesh from a triangle soup: weld, clean, filter by slope,
//! and merge same-area triangles into convex polygons (Hertel–Mehlhorn).

use super::geom::{tri_area_2d, Vec3};
use super::{BuildError, BuildErrorKind, MeshInput, NavMesh};
use std::collections::HashMap;

/// Options for [`NavMesh::from_triangles`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoupSettings {
    /// Vertices closer than this (per axis, world units) are welded. [Limit: >= 0]
    pub weld_distance: f32,
    /// Triangles steeper than this many degrees are dropped; 90 or more keeps all.
    pub max_slope_degrees: f32,
    /// Largest corner count of a merged polygon. [Limit: 3..=32]
    pub max_poly_verts: u32,
}

impl Default for SoupSettings {
    fn default() -> Self {
        SoupSettings { weld_distance: 1e-3, max_slope_degrees: 90.0, max_poly_verts: 12 }
    }
}

fn bad(m: impl Into<String>) -> BuildError {
    BuildError::new(BuildErrorKind::BadInput, None, m)
}

pub(crate) fn build(vertices: &[Vec3], indices: &[u32], areas: &[u8], s: &SoupSettings) -> Result<NavMesh, BuildError> {
    if indices.len() % 3 != 0 {
        return Err(bad(format!("{} indices is not a whole number of triangles", indices.len())));
    }
    let ntris = indices.len() / 3;
    if !areas.is_empty() && areas.len() != ntris {
        return Err(bad(format!("{} areas for {ntris} triangles", areas.len())));
    }
    let weld_ok = s.weld_distance.is_finite() && s.weld_distance >= 0.0;
    if !weld_ok || !s.max_slope_degrees.is_finite() {
        return Err(bad("weld_distance and max_slope_degrees must be finite, weld_distance >= 0"));
    }
    if !(3..=super::MAX_POLY_VERTS as u32).contains(&s.max_poly_verts) {
        return Err(bad("max_poly_verts must be in 3..=32"));
    }
    for (i, v) in vertices.iter().enumerate() {
        if !v.iter().all(|c| c.is_finite()) {
            return Err(BuildError::new(BuildErrorKind::NonFinite, None, format!("vertex {i} is not finite")));
        }
    }
    if let Some(&i) = indices.iter().find(|&&i| i as usize >= vertices.len()) {
        return Err(BuildError::new(BuildErrorKind::IndexOutOfRange, None, format!("index {i} is out of range")));
    }
    // Weld: snap to a grid of cell = weld distance, checking the 27 neighbouring cells.
    let cell = s.weld_distance.max(1e-9);
    let key = |v: Vec3| [(v[0] / cell).floor() as i64, (v[1] / cell).floor() as i64, (v[2] / cell).floor() as i64];
    let mut grid: HashMap<[i64; 3], Vec<u32>> = HashMap::new();
    let mut welded: Vec<Vec3> = Vec::new();
    let mut remap = vec![0u32; vertices.len()];
    for (i, &v) in vertices.iter().enumerate() {
        let k = key(v);
        let mut found = None;
        'search: for dx in -1..=1 {
            for dy in -1..=1 {
                for dz in -1..=1 {
                    if let Some(list) = grid.get(&[k[0] + dx, k[1] + dy, k[2] + dz]) {
                        for &w in list {
                            let u = welded[w as usize];
                            if (0..3).all(|a| (u[a] - v[a]).abs() <= s.weld_distance) {
                                found = Some(w);
                                break 'search;
                            }
                        }
                    }
                }
            }
        }
        remap[i] = found.unwrap_or_else(|| {
            welded.push(v);
            let w = (welded.len() - 1) as u32;
            grid.entry(k).or_default().push(w);
            w
        });
    }
    // Clean triangles: drop degenerate and steep ones; orient to the navmesh winding.
    let cos_max = if s.max_slope_degrees >= 90.0 { -1.0 } else { s.max_slope_degrees.to_radians().cos() };
    let mut polys: Vec<Vec<u32>> = Vec::new();
    let mut parea: Vec<u8> = Vec::new();
    for t in 0..ntris {
        let mut tri = [remap[indices[3 * t] as usize], remap[indices[3 * t + 1] as usize], remap[indices[3 * t + 2] as usize]];
        if tri[0] == tri[1] || tri[1] == tri[2] || tri[0] == tri[2] {
            continue;
        }
        let (a, b, c) = (welded[tri[0] as usize], welded[tri[1] as usize], welded[tri[2] as usize]);
        let ab = super::geom::sub(b, a);
        let ac = super::geom::sub(c, a);
        let n = [ab[1] * ac[2] - ab[2] * ac[1], ab[2] * ac[0] - ab[0] * ac[2], ab[0] * ac[1] - ab[1] * ac[0]];
        let nl = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let area2 = tri_area_2d(a, b, c);
        if nl < 1e-9 || area2.abs() < 1e-9 {
            continue;
        }
        if n[1].abs() / nl < cos_max {
            continue;
        }
        if area2 < 0.0 {
            tri.swap(1, 2);
        }
        polys.push(tri.to_vec());
        parea.push(areas.get(t).copied().unwrap_or(0));
    }
    if polys.is_empty() {
        return Err(bad("no walkable triangles remain after cleaning"));
    }
    merge(&welded, &mut polys, &mut parea, s.max_poly_verts as usize);
    let sizes: Vec<u32> = polys.iter().map(|p| p.len() as u32).collect();
    let flat: Vec<u32> = polys.concat();
    NavMesh::build(&MeshInput { vertices: &welded, indices: &flat, poly_sizes: &sizes, areas: &parea, ..MeshInput::default() })
}

/// Merges polygons pairwise across shared edges, longest edge first, while
/// the union stays strictly convex and within `max_verts` corners.
fn merge(v: &[Vec3], polys: &mut Vec<Vec<u32>>, areas: &mut Vec<u8>, max_verts: usize) {
    loop {
        let mut edges: HashMap<(u32, u32), usize> = HashMap::new();
        let mut cands: Vec<(f32, usize, usize, u32, u32)> = Vec::new();
        for (pi, p) in polys.iter().enumerate() {
            for k in 0..p.len() {
                let (a, b) = (p[k], p[(k + 1) % p.len()]);
                if let Some(&qi) = edges.get(&(b, a)) {
                    if areas[qi] == areas[pi] && p.len() + polys[qi].len() - 2 <= max_verts {
                        cands.push((super::geom::dist_2d(v[a as usize], v[b as usize]), qi, pi, b, a));
                    }
                }
                edges.insert((a, b), pi);
            }
        }
        cands.sort_by(|x, y| y.0.total_cmp(&x.0));
        let mut used = vec![false; polys.len()];
        let mut merged_any = false;
        for &(_, pi, qi, a, b) in &cands {
            if used[pi] || used[qi] {
                continue;
            }
            // polys[pi] has edge a→b, polys[qi] has b→a.
            if let Some(m) = try_merge(v, &polys[pi], &polys[qi], a, b) {
                polys[pi] = m;
                polys[qi].clear();
                used[pi] = true;
                used[qi] = true;
                merged_any = true;
            }
        }
        if !merged_any {
            break;
        }
        let mut keep_areas = Vec::new();
        let mut keep = Vec::new();
        for (p, a) in polys.drain(..).zip(areas.drain(..)) {
            if !p.is_empty() {
                keep.push(p);
                keep_areas.push(a);
            }
        }
        *polys = keep;
        *areas = keep_areas;
    }
}

fn try_merge(v: &[Vec3], p: &[u32], q: &[u32], a: u32, b: u32) -> Option<Vec<u32>> {
    let ia = p.iter().position(|&x| x == a)?;
    let ib = q.iter().position(|&x| x == b)?;
    // Walk p from b round to a, then q from a (exclusive) round to b (exclusive).
    let mut out = Vec::with_capacity(p.len() + q.len() - 2);
    let n = p.len();
    for k in 0..n {
        out.push(p[(ia + 1 + k) % n]);
    }
    let m = q.len();
    for k in 2..m {
        out.push(q[(ib + k) % m]);
    }
    let len = out.len();
    for k in 0..len {
        let (x, y, z) = (v[out[k] as usize], v[out[(k + 1) % len] as usize], v[out[(k + 2) % len] as usize]);
        if tri_area_2d(x, y, z) <= 1e-7 {
            return None;
        }
    }
    Some(out)
}
