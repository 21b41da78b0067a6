//! The raw voxel grid: a dense bitset over `dims`, independent of the
//! octree, used to validate octree paths voxel by voxel (the `tessera voxel`
//! command and the tests check every returned segment against it).

/// A dense voxel grid; anything outside `dims` is blocked.
///
/// ```
/// use tessera::svo::RawVoxelGrid;
/// let mut g = RawVoxelGrid::new([4, 4, 4]);
/// g.set([1, 1, 1]);
/// assert!(g.blocked([1, 1, 1]) && g.blocked([-1, 0, 0]) && !g.blocked([0, 0, 0]));
/// // A segment through the blocked voxel is caught; one beside it is not.
/// assert_eq!(g.segment_hits([0.5, 1.5, 1.5], [3.5, 1.5, 1.5]), Some([1, 1, 1]));
/// assert_eq!(g.segment_hits([0.5, 0.5, 0.5], [3.5, 0.5, 0.5]), None);
/// ```
#[derive(Debug, Clone)]
pub struct RawVoxelGrid {
    /// Grid size in voxels.
    pub dims: [i64; 3],
    bits: Vec<u64>,
}

impl RawVoxelGrid {
    /// An empty grid.
    pub fn new(dims: [i64; 3]) -> RawVoxelGrid {
        let n = (dims[0] * dims[1] * dims[2]) as usize;
        RawVoxelGrid { dims, bits: vec![0; n.div_ceil(64)] }
    }
    /// Linear index of voxel `v` (x fastest, then y, then z); `None` outside the grid.
    pub fn index(&self, v: [i64; 3]) -> Option<usize> {
        if (0..3).all(|a| v[a] >= 0 && v[a] < self.dims[a]) {
            Some(((v[2] * self.dims[1] + v[1]) * self.dims[0] + v[0]) as usize)
        } else {
            None
        }
    }
    /// Marks voxel `v` blocked.
    ///
    /// # Panics
    /// If `v` is outside the grid.
    pub fn set(&mut self, v: [i64; 3]) {
        let i = self.index(v).expect("in bounds");
        self.bits[i / 64] |= 1 << (i % 64);
    }
    /// Whether voxel `v` is blocked (outside the grid counts as blocked).
    pub fn blocked(&self, v: [i64; 3]) -> bool {
        match self.index(v) {
            Some(i) => self.bits[i / 64] >> (i % 64) & 1 != 0,
            None => true,
        }
    }

    /// Every voxel whose closed unit cube touches the segment `p`–`q`
    /// (voxel coordinates), found by walking the sorted parameters where the
    /// segment crosses an integer plane: at each crossing point and at the
    /// middle of each piece, an axis sitting on an integer (within `EPS`)
    /// touches both voxels beside it. Returns the first blocked voxel.
    pub fn segment_hits(&self, p: [f64; 3], q: [f64; 3]) -> Option<[i64; 3]> {
        const EPS: f64 = 1e-9;
        let d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
        let mut ts = vec![0.0, 1.0];
        for a in 0..3 {
            if d[a] == 0.0 {
                continue;
            }
            let (lo, hi) = (p[a].min(q[a]), p[a].max(q[a]));
            let mut k = lo.ceil();
            while k <= hi {
                ts.push((k - p[a]) / d[a]);
                k += 1.0;
            }
        }
        ts.sort_by(f64::total_cmp);
        let mut samples = Vec::with_capacity(ts.len() * 2);
        for (i, &t) in ts.iter().enumerate() {
            samples.push(t);
            if i + 1 < ts.len() {
                samples.push(0.5 * (t + ts[i + 1]));
            }
        }
        for t in samples {
            let pt = [p[0] + d[0] * t, p[1] + d[1] * t, p[2] + d[2] * t];
            let opts = |c: f64| -> (i64, i64) {
                let r = c.round();
                if (c - r).abs() <= EPS {
                    (r as i64 - 1, r as i64)
                } else {
                    (c.floor() as i64, c.floor() as i64)
                }
            };
            let (x0, x1) = opts(pt[0]);
            let (y0, y1) = opts(pt[1]);
            let (z0, z1) = opts(pt[2]);
            for x in x0..=x1 {
                for y in y0..=y1 {
                    for z in z0..=z1 {
                        if self.blocked([x, y, z]) {
                            return Some([x, y, z]);
                        }
                    }
                }
            }
        }
        None
    }
}
