//! Read-only queries: circle, box, k nearest, all pairs, per-entity radius.
//! None of them allocates except the `*_vec` conveniences.

use super::grid::{Entry, Grid};
use super::{dist_sq, finite, radius, IdPair, SpatialError};

/// One result of [`Grid::nearest`]: an id and its squared distance (as
/// computed by [`super::dist_sq`]) from the query point.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Hit {
    /// The entity's id.
    pub id: u64,
    /// Squared XZ distance in world units², computed in `f64`.
    pub dist_sq: f64,
}

impl Hit {
    /// Nearest-first order; equal distances are ordered by id.
    #[inline(always)]
    fn before(&self, other: &Hit) -> bool {
        self.dist_sq < other.dist_sq || (self.dist_sq == other.dist_sq && self.id < other.id)
    }
}

/// Copies visited ids into `out` while counting them all.
struct Sink<'a> {
    out: &'a mut [u64],
    count: usize,
}

impl Sink<'_> {
    #[inline(always)]
    fn push(&mut self, id: u64) {
        if let Some(slot) = self.out.get_mut(self.count) {
            *slot = id;
        }
        self.count += 1;
    }
}

impl Grid {
    /// Inclusive cell ranges `(c0, c1, r0, r1)` covering `[x0, x1] × [z0, z1]`.
    #[inline(always)]
    fn cell_range(&self, x0: f64, z0: f64, x1: f64, z1: f64) -> (u32, u32, u32, u32) {
        (self.col_of(x0), self.col_of(x1), self.row_of(z0), self.row_of(z1))
    }

    /// Calls `f` for every entry in the cells of the given ranges.
    #[inline(always)]
    fn for_each_in_cells(&self, (c0, c1, r0, r1): (u32, u32, u32, u32), mut f: impl FnMut(&Entry)) {
        for row in r0..=r1 {
            let base = (row * self.cols) as usize;
            for cell in &self.cells[base + c0 as usize..=base + c1 as usize] {
                cell.entries.iter().for_each(&mut f);
            }
        }
    }

    /// Calls `f` for every entity within distance `r` of `(x, z)` (inclusive),
    /// with no checks; `r` must be finite and `>= 0`.
    #[inline]
    pub(super) fn circle_unchecked(&self, x: f32, z: f32, r: f32, mut f: impl FnMut(&Entry)) {
        let (xd, zd, rd) = (f64::from(x), f64::from(z), f64::from(r));
        let r2 = rd * rd;
        let range = self.cell_range(xd - rd, zd - rd, xd + rd, zd + rd);
        self.for_each_in_cells(range, |e| {
            if dist_sq(e.x, e.z, x, z) <= r2 {
                f(e)
            }
        });
    }

    /// Calls `f` for every entity within distance `r` of `(x, z)`
    /// (inclusive: `dist_sq <= r²`), in storage order.
    ///
    /// # Errors
    /// Non-finite inputs or a negative radius.
    pub fn for_each_in_circle(&self, x: f32, z: f32, r: f32, f: impl FnMut(&Entry)) -> Result<(), SpatialError> {
        finite(x, "x")?;
        finite(z, "z")?;
        radius(r, "radius")?;
        self.circle_unchecked(x, z, r, f);
        Ok(())
    }

    /// Writes the ids within distance `r` of `(x, z)` into `out` (as many as
    /// fit) and returns how many there are in all; more than `out.len()`
    /// means the result was truncated.
    ///
    /// # Errors
    /// As [`Grid::for_each_in_circle`].
    pub fn query_circle(&self, x: f32, z: f32, r: f32, out: &mut [u64]) -> Result<usize, SpatialError> {
        let mut sink = Sink { out, count: 0 };
        self.for_each_in_circle(x, z, r, |e| sink.push(e.id))?;
        Ok(sink.count)
    }

    /// [`Grid::query_circle`] into a new vector.
    ///
    /// # Errors
    /// As [`Grid::for_each_in_circle`].
    pub fn query_circle_vec(&self, x: f32, z: f32, r: f32) -> Result<Vec<u64>, SpatialError> {
        let mut v = Vec::new();
        self.for_each_in_circle(x, z, r, |e| v.push(e.id))?;
        Ok(v)
    }

    /// Calls `f` for every entity in the closed box
    /// `min_x <= x <= max_x, min_z <= z <= max_z`, in storage order.
    ///
    /// # Errors
    /// Non-finite inputs or `min > max` on an axis.
    pub fn for_each_in_box(
        &self,
        min_x: f32,
        min_z: f32,
        max_x: f32,
        max_z: f32,
        mut f: impl FnMut(&Entry),
    ) -> Result<(), SpatialError> {
        finite(min_x, "min_x")?;
        finite(min_z, "min_z")?;
        finite(max_x, "max_x")?;
        finite(max_z, "max_z")?;
        if min_x > max_x || min_z > max_z {
            return Err(SpatialError::InvertedBox);
        }
        let range = self.cell_range(f64::from(min_x), f64::from(min_z), f64::from(max_x), f64::from(max_z));
        self.for_each_in_cells(range, |e| {
            if e.x >= min_x && e.x <= max_x && e.z >= min_z && e.z <= max_z {
                f(e)
            }
        });
        Ok(())
    }

    /// Writes the ids in the closed box into `out` (as many as fit) and
    /// returns how many there are in all.
    ///
    /// # Errors
    /// As [`Grid::for_each_in_box`].
    pub fn query_box(&self, min_x: f32, min_z: f32, max_x: f32, max_z: f32, out: &mut [u64]) -> Result<usize, SpatialError> {
        let mut sink = Sink { out, count: 0 };
        self.for_each_in_box(min_x, min_z, max_x, max_z, |e| sink.push(e.id))?;
        Ok(sink.count)
    }

    /// Calls `f` for every other entity within entity `id`'s own radius of
    /// it (the entity itself is skipped).
    ///
    /// # Errors
    /// `UnknownId`.
    pub fn for_each_near_entity(&self, id: u64, mut f: impl FnMut(&Entry)) -> Result<(), SpatialError> {
        let index = *self.index.get(&id).ok_or(SpatialError::UnknownId(id))?;
        let e = self.entities[index as usize];
        let me = self.cells[e.cell as usize].entries[e.slot as usize];
        self.circle_unchecked(me.x, me.z, e.radius, |other| {
            if other.id != id {
                f(other)
            }
        });
        Ok(())
    }

    /// Writes the ids within entity `id`'s radius of it (itself excluded)
    /// into `out` and returns how many there are in all.
    ///
    /// # Errors
    /// `UnknownId`.
    pub fn query_entity(&self, id: u64, out: &mut [u64]) -> Result<usize, SpatialError> {
        let mut sink = Sink { out, count: 0 };
        self.for_each_near_entity(id, |e| sink.push(e.id))?;
        Ok(sink.count)
    }

    /// The `out.len()` entities nearest to `(x, z)` within `max_dist`
    /// (inclusive; `f32::INFINITY` for no limit), nearest first, ties by
    /// smaller id. Returns how many were written (fewer when fewer exist).
    /// `out` itself is the working heap: nothing is allocated.
    ///
    /// The search scans rings of cells outward and stops when the nearest
    /// unvisited cell is farther than the k-th hit.
    ///
    /// ```
    /// use tessera::spatial::{Grid, Hit};
    /// let mut grid = Grid::new(0.0, 0.0, 100.0, 100.0, 10.0).unwrap();
    /// for (id, x) in [(1, 10.0), (2, 30.0), (3, 35.0), (4, 90.0)] {
    ///     grid.insert(id, x, 0.0, 0.0).unwrap();
    /// }
    /// let mut out = [Hit::default(); 2];
    /// assert_eq!(grid.nearest(33.0, 0.0, f32::INFINITY, &mut out).unwrap(), 2);
    /// assert_eq!((out[0].id, out[0].dist_sq), (3, 4.0));
    /// assert_eq!((out[1].id, out[1].dist_sq), (2, 9.0));
    /// ```
    ///
    /// # Errors
    /// Non-finite position, NaN or negative `max_dist`.
    pub fn nearest(&self, x: f32, z: f32, max_dist: f32, out: &mut [Hit]) -> Result<usize, SpatialError> {
        finite(x, "x")?;
        finite(z, "z")?;
        if max_dist.is_nan() {
            return Err(SpatialError::NotFinite { what: "max_dist".into(), value: max_dist });
        }
        if max_dist < 0.0 {
            return Err(SpatialError::NegativeRadius(max_dist));
        }
        let k = out.len();
        if k == 0 || self.entities.is_empty() {
            return Ok(0);
        }
        let limit = f64::from(max_dist) * f64::from(max_dist);
        let (xd, zd) = (f64::from(x), f64::from(z));
        let (qc, qr) = (self.col_of(xd) as i64, self.row_of(zd) as i64);
        let (cols, rows) = (i64::from(self.cols), i64::from(self.rows));
        let cs = f64::from(self.cell_size);
        let mut len = 0usize;
        let scan = |entries: &[Entry], out: &mut [Hit], len: &mut usize| {
            for e in entries {
                let hit = Hit { id: e.id, dist_sq: dist_sq(e.x, e.z, x, z) };
                if hit.dist_sq > limit {
                    continue;
                }
                if *len < k {
                    out[*len] = hit;
                    *len += 1;
                    sift_up(&mut out[..*len]);
                } else if hit.before(&out[0]) {
                    out[0] = hit;
                    sift_down(out);
                }
            }
        };
        let mut d = 0i64;
        loop {
            // Ring d: cells at Chebyshev distance exactly d from (qc, qr).
            let (c0, c1) = ((qc - d).max(0), (qc + d).min(cols - 1));
            for row in (qr - d).max(0)..=(qr + d).min(rows - 1) {
                let base = (row * cols) as usize;
                if row == qr - d || row == qr + d {
                    for cell in &self.cells[base + c0 as usize..=base + c1 as usize] {
                        scan(&cell.entries, out, &mut len);
                    }
                } else {
                    // d > 0 here: only the ring's two side cells.
                    for col in [qc - d, qc + d] {
                        if (0..cols).contains(&col) {
                            scan(&self.cells[base + col as usize].entries, out, &mut len);
                        }
                    }
                }
            }
            // Everything unvisited lies beyond a side of the block of rings
            // 0..=d. Sides at the grid border are open (border cells hold the
            // clamped outside points), so they bound nothing.
            let mut lb = f64::INFINITY;
            if qc - d > 0 {
                lb = lb.min(xd - (f64::from(self.min_x) + (qc - d) as f64 * cs));
            }
            if qc + d < cols - 1 {
                lb = lb.min(f64::from(self.min_x) + (qc + d + 1) as f64 * cs - xd);
            }
            if qr - d > 0 {
                lb = lb.min(zd - (f64::from(self.min_z) + (qr - d) as f64 * cs));
            }
            if qr + d < rows - 1 {
                lb = lb.min(f64::from(self.min_z) + (qr + d + 1) as f64 * cs - zd);
            }
            if lb == f64::INFINITY {
                break;
            }
            let lb = lb.max(0.0);
            let bound = if len == k { out[0].dist_sq } else { limit };
            // A hair of slack so rounding never ends the search early.
            if lb * lb * (1.0 - 1e-9) > bound {
                break;
            }
            d += 1;
        }
        out[..len].sort_unstable_by(|a, b| a.dist_sq.total_cmp(&b.dist_sq).then(a.id.cmp(&b.id)));
        Ok(len)
    }

    /// Calls `f` once for every unordered pair of entities within distance
    /// `r` of each other (inclusive), as `IdPair { a, b }` with `a < b`.
    ///
    /// The half-neighbour scan: each cell is paired with itself and with the
    /// neighbours ahead of it (same row to the right, and the rows above up
    /// to `ceil(r / cell_size)` cells away), so every pair of cells, and so
    /// every pair of entities, is examined exactly once.
    ///
    /// ```
    /// use tessera::spatial::{Grid, IdPair};
    /// let mut grid = Grid::new(0.0, 0.0, 100.0, 100.0, 10.0).unwrap();
    /// grid.insert(1, 9.0, 0.0, 0.0).unwrap();
    /// grid.insert(2, 11.0, 0.0, 0.0).unwrap(); // another cell, distance 2
    /// grid.insert(3, 60.0, 0.0, 0.0).unwrap();
    /// let mut pairs = Vec::new();
    /// grid.for_each_pair_within(2.0, |p| pairs.push(p)).unwrap();
    /// assert_eq!(pairs, vec![IdPair { a: 1, b: 2 }]);
    /// ```
    ///
    /// # Errors
    /// A non-finite or negative `r`.
    pub fn for_each_pair_within(&self, r: f32, mut f: impl FnMut(IdPair)) -> Result<(), SpatialError> {
        radius(r, "r")?;
        let r2 = f64::from(r) * f64::from(r);
        let (cols, rows) = (i64::from(self.cols), i64::from(self.rows));
        // Points within r differ by at most ceil(r / cell) cells per axis
        // (exact division: a pair at exactly r across a border is kept).
        let reach = (f64::from(r) / f64::from(self.cell_size)).ceil().min(cols.max(rows) as f64) as i64;
        #[inline(always)]
        fn emit(a: &Entry, b: &Entry, r2: f64, f: &mut impl FnMut(IdPair)) {
            if dist_sq(a.x, a.z, b.x, b.z) <= r2 {
                let (lo, hi) = if a.id < b.id { (a.id, b.id) } else { (b.id, a.id) };
                f(IdPair { a: lo, b: hi });
            }
        }
        for row in 0..rows {
            for col in 0..cols {
                let here = &self.cells[(row * cols + col) as usize].entries;
                if here.is_empty() {
                    continue;
                }
                for (i, a) in here.iter().enumerate() {
                    for b in &here[i + 1..] {
                        emit(a, b, r2, &mut f);
                    }
                }
                // Same row, to the right.
                let row_base = (row * cols) as usize;
                for other in &self.cells[row_base + col as usize + 1..row_base + (col + reach).min(cols - 1) as usize + 1] {
                    for a in here {
                        for b in &other.entries {
                            emit(a, b, r2, &mut f);
                        }
                    }
                }
                // Rows above, full width of the reach.
                let (c0, c1) = ((col - reach).max(0) as usize, (col + reach).min(cols - 1) as usize);
                for up in row + 1..=(row + reach).min(rows - 1) {
                    let base = (up * cols) as usize;
                    for other in &self.cells[base + c0..=base + c1] {
                        for a in here {
                            for b in &other.entries {
                                emit(a, b, r2, &mut f);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes every pair within `r` into `out` (as many as fit) and returns
    /// how many there are in all.
    ///
    /// # Errors
    /// As [`Grid::for_each_pair_within`].
    pub fn pairs_within(&self, r: f32, out: &mut [IdPair]) -> Result<usize, SpatialError> {
        let mut count = 0usize;
        self.for_each_pair_within(r, |p| {
            if let Some(slot) = out.get_mut(count) {
                *slot = p;
            }
            count += 1;
        })?;
        Ok(count)
    }
}

/// Restores the max-heap (by [`Hit::before`]) after appending the last element.
fn sift_up(heap: &mut [Hit]) {
    let mut i = heap.len() - 1;
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent].before(&heap[i]) {
            heap.swap(parent, i);
            i = parent;
        } else {
            break;
        }
    }
}

/// Restores the max-heap after replacing the root.
fn sift_down(heap: &mut [Hit]) {
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut top = i;
        if l < heap.len() && heap[top].before(&heap[l]) {
            top = l;
        }
        if r < heap.len() && heap[top].before(&heap[r]) {
            top = r;
        }
        if top == i {
            return;
        }
        heap.swap(i, top);
        i = top;
    }
}
