//! Small geometry helpers on the XZ projection (Y is up). The sign
//! conventions follow Recast/Detour: polygons are counter-clockwise seen from
//! +Y, which makes [`tri_area_2d`] of three consecutive polygon corners
//! non-negative.

/// A point or vector (x, y, z), Y up.
pub type Vec3 = [f32; 3];

/// Twice the signed XZ area of triangle (a, b, c), Detour's `dtTriArea2D`:
/// non-negative for consecutive corners of a navmesh polygon.
#[inline]
pub fn tri_area_2d(a: Vec3, b: Vec3, c: Vec3) -> f32 {
    let (abx, abz) = (b[0] - a[0], b[2] - a[2]);
    let (acx, acz) = (c[0] - a[0], c[2] - a[2]);
    acx * abz - abx * acz
}

/// `u.z * v.x - u.x * v.z` (Detour's `dtVperp2D`).
#[inline]
pub fn perp_2d(u: Vec3, v: Vec3) -> f32 {
    u[2] * v[0] - u[0] * v[2]
}

/// a - b.
#[inline]
pub fn sub(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// a + (b - a) t.
#[inline]
pub fn lerp(a: Vec3, b: Vec3, t: f32) -> Vec3 {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// Euclidean distance in 3D.
#[inline]
pub fn dist(a: Vec3, b: Vec3) -> f32 {
    let d = sub(a, b);
    (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
}

/// Distance in the XZ plane.
#[inline]
pub fn dist_2d(a: Vec3, b: Vec3) -> f32 {
    dist_sqr_2d(a, b).sqrt()
}

/// Squared distance in the XZ plane.
#[inline]
pub fn dist_sqr_2d(a: Vec3, b: Vec3) -> f32 {
    let dx = a[0] - b[0];
    let dz = a[2] - b[2];
    dx * dx + dz * dz
}

/// Squared XZ distance from `p` to segment (a, b) and the segment parameter
/// of the closest point.
#[inline]
pub fn dist_pt_seg_sqr_2d(p: Vec3, a: Vec3, b: Vec3) -> (f32, f32) {
    let pqx = b[0] - a[0];
    let pqz = b[2] - a[2];
    let dx = p[0] - a[0];
    let dz = p[2] - a[2];
    let d = pqx * pqx + pqz * pqz;
    let mut t = pqx * dx + pqz * dz;
    if d > 0.0 {
        t /= d;
    }
    let t = t.clamp(0.0, 1.0);
    let ex = a[0] + t * pqx - p[0];
    let ez = a[2] + t * pqz - p[2];
    (ex * ex + ez * ez, t)
}

/// Whether two points are equal within 1e-3 (Detour's `dtVequal`).
#[inline]
pub fn vequal(a: Vec3, b: Vec3) -> bool {
    let d = sub(a, b);
    d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < (1.0 / 16384.0) * (1.0 / 16384.0)
}

/// Intersection parameters (s on ab, t on pq) of two XZ segments, when they are not parallel.
#[inline]
pub fn intersect_seg_seg_2d(a: Vec3, b: Vec3, p: Vec3, q: Vec3) -> Option<(f32, f32)> {
    let u = sub(b, a);
    let v = sub(q, p);
    let w = sub(a, p);
    let d = perp_2d(u, v);
    if d.abs() < 1e-6 {
        return None;
    }
    Some((perp_2d(v, w) / d, perp_2d(u, w) / d))
}

/// Height at `p` over triangle (a, b, c) in XZ, if `p` lies inside it (with a small tolerance).
#[inline]
pub fn closest_height_on_triangle(p: Vec3, a: Vec3, b: Vec3, c: Vec3) -> Option<f32> {
    let v0 = sub(c, a);
    let v1 = sub(b, a);
    let v2 = sub(p, a);
    let denom = v0[0] * v1[2] - v0[2] * v1[0];
    if denom.abs() < 1e-12 {
        return None;
    }
    let u = v1[2] * v2[0] - v1[0] * v2[2];
    let v = v0[0] * v2[2] - v0[2] * v2[0];
    let (u, v, denom) = if denom < 0.0 { (-u, -v, -denom) } else { (u, v, denom) };
    let eps = 1e-4 * denom;
    if u >= -eps && v >= -eps && u + v <= denom + eps {
        Some(a[1] + (v0[1] * u + v1[1] * v) / denom)
    } else {
        None
    }
}

/// Whether `p` is inside the convex polygon `verts` (navmesh winding) in XZ, edges included.
#[inline]
pub fn point_in_poly_2d(p: Vec3, verts: &[Vec3]) -> bool {
    let n = verts.len();
    let mut j = n - 1;
    for i in 0..n {
        if tri_area_2d(verts[j], verts[i], p) < 0.0 {
            return false;
        }
        j = i;
    }
    true
}

/// The corner after `i` of an `n`-gon (a comparison, not the division of `(i + 1) % n`,
/// which costs tens of cycles on a query's hot path).
#[inline(always)]
pub fn next_corner(i: usize, n: usize) -> usize {
    if i + 1 == n {
        0
    } else {
        i + 1
    }
}

/// Clips segment p0→p1 against a convex polygon in XZ (Detour's
/// `dtIntersectSegmentPoly2D`): `(tmin, tmax, seg_min, seg_max)` where the
/// segment indices are the entering and leaving edges (-1 for none).
pub fn intersect_segment_poly_2d(p0: Vec3, p1: Vec3, verts: &[Vec3]) -> Option<(f32, f32, i32, i32)> {
    intersect_segment_poly_2d_by(p0, p1, verts.len(), |i| verts[i])
}

/// [`intersect_segment_poly_2d`] with the polygon's `n` corners given by
/// `corner(i)`, so a caller can read them from the mesh without copying.
/// Only X and Z are used.
#[inline]
pub fn intersect_segment_poly_2d_by(p0: Vec3, p1: Vec3, n: usize, corner: impl Fn(usize) -> Vec3) -> Option<(f32, f32, i32, i32)> {
    const EPS: f32 = 1e-6;
    /// Distance (world units) within which a segment running along an edge counts as on it.
    const GRAZE: f32 = 1e-4;
    let (mut tmin, mut tmax) = (0.0f32, 1.0f32);
    let (mut seg_min, mut seg_max) = (-1i32, -1i32);
    let (dx, dz) = (p1[0] - p0[0], p1[2] - p0[2]);
    let parallel_eps2 = EPS * EPS * (dx * dx + dz * dz).max(1.0);
    let mut j = n - 1;
    let mut vj = corner(j);
    for i in 0..n {
        let vi = corner(i);
        let (ex, ez) = (vi[0] - vj[0], vi[2] - vj[2]);
        // perp(edge, p0 - vj) and perp(dir, edge), as `perp_2d`.
        let num = ez * (p0[0] - vj[0]) - ex * (p0[2] - vj[2]);
        let den = dz * ex - dx * ez;
        // Squared distances of both ends from the edge line, times |edge|^2 (no square roots);
        // the far end's only when the near one is on the line (rare: this runs per edge).
        let elen2 = ex * ex + ez * ez;
        let g2 = GRAZE * GRAZE * elen2;
        let along = num * num <= g2 && {
            let num1 = ez * (p1[0] - vj[0]) - ex * (p1[2] - vj[2]);
            num1 * num1 <= g2
        };
        if along {
            // The segment runs along this edge (within float noise): it stays inside its half-plane.
        } else if den * den < parallel_eps2 * elen2.max(1.0) {
            // Parallel: inside or outside the half-plane.
            if num < 0.0 && num * num > g2 {
                return None;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                if t > tmin {
                    tmin = t;
                    seg_min = j as i32;
                    if tmin > tmax {
                        return None;
                    }
                }
            } else if t < tmax {
                tmax = t;
                seg_max = j as i32;
                if tmax < tmin {
                    return None;
                }
            }
        }
        j = i;
        vj = vi;
    }
    Some((tmin, tmax, seg_min, seg_max))
}
