//! Storage: cells, the entity table, the id index; insert, remove, move.

use super::{finite, IdPair, SpatialError, MAX_CELLS};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One entity as stored in its cell: the caller's id and the exact position
/// it was given (not clamped).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// X coordinate in world units.
    pub x: f32,
    /// Z coordinate in world units.
    pub z: f32,
    /// The caller's id.
    pub id: u64,
}

/// A cell: the entries queries scan, and the entity-table index of each.
#[derive(Debug, Clone, Default)]
pub(super) struct Cell {
    pub(super) entries: Vec<Entry>,
    pub(super) owners: Vec<u32>,
}

/// The entity table row: where the entity's entry lives, its radius, and
/// the range of its AOI view list from the last update.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entity {
    pub(super) id: u64,
    pub(super) cell: u32,
    pub(super) slot: u32,
    pub(super) radius: f32,
    pub(super) view_start: u32,
    pub(super) view_len: u32,
}

/// Hints the CPU to bring `ptr`'s cache line in; a no-op off x86-64.
#[inline(always)]
fn prefetch<T>(ptr: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing observable, whatever
    // the address; SSE is part of the x86-64 baseline.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(ptr.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// SplitMix64's finaliser: caller ids are often sequential, so mix them.
#[derive(Default, Clone, Copy)]
pub(super) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}

pub(super) type IdMap = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// A uniform grid of square cells over `[min_x, max_x] × [min_z, max_z]`
/// holding entities identified by the caller's `u64` ids.
/// See the [module docs](super) for the storage and distance rules.
///
/// ```
/// use tessera::spatial::Grid;
/// let mut grid = Grid::new(-50.0, -50.0, 50.0, 50.0, 5.0).unwrap();
/// grid.insert(7, 1.0, 1.0, 0.0).unwrap();
/// grid.move_to(7, 2.0, 1.0).unwrap();          // same cell: entry rewritten in place
/// grid.move_to(7, 500.0, 1.0).unwrap();        // outside: kept, filed in a border cell
/// assert_eq!(grid.position(7), Some((500.0, 1.0)));
/// assert_eq!(grid.query_circle_vec(499.0, 1.0, 1.0).unwrap(), vec![7]);
/// assert!(grid.insert(7, 0.0, 0.0, 0.0).is_err()); // duplicate id
/// ```
#[derive(Debug, Clone)]
pub struct Grid {
    pub(super) min_x: f32,
    pub(super) min_z: f32,
    pub(super) max_x: f32,
    pub(super) max_z: f32,
    pub(super) cell_size: f32,
    /// `1 / cell_size` in f64, for [`Grid::axis_cell`].
    inv_cell: f64,
    pub(super) cols: u32,
    pub(super) rows: u32,
    pub(super) cells: Vec<Cell>,
    pub(super) entities: Vec<Entity>,
    pub(super) index: IdMap,
    /// Entity-table index where `move_batch` found `ids[i]` last time.
    hints: Vec<u32>,
    /// AOI view lists of the last update (see aoi.rs).
    pub(super) views: Vec<u64>,
    pub(super) views_next: Vec<u64>,
    pub(super) enters: Vec<IdPair>,
    pub(super) leaves: Vec<IdPair>,
}

impl Grid {
    /// Creates an empty grid over `[min_x, max_x] × [min_z, max_z]` with
    /// square cells of side `cell_size` (world units). The last row and
    /// column may extend past `max`.
    ///
    /// Pick the cell size near the typical query radius: then a circle query
    /// or the pair scan touches 2 × 2 to 3 × 3 cells.
    ///
    /// # Errors
    /// Non-finite values, `cell_size <= 0`, `max <= min` on an axis, or more
    /// than [`MAX_CELLS`] cells.
    pub fn new(min_x: f32, min_z: f32, max_x: f32, max_z: f32, cell_size: f32) -> Result<Grid, SpatialError> {
        finite(min_x, "min_x")?;
        finite(min_z, "min_z")?;
        finite(max_x, "max_x")?;
        finite(max_z, "max_z")?;
        finite(cell_size, "cell_size")?;
        if cell_size <= 0.0 {
            return Err(SpatialError::CellSize(cell_size));
        }
        let width = f64::from(max_x) - f64::from(min_x);
        let depth = f64::from(max_z) - f64::from(min_z);
        if width <= 0.0 || depth <= 0.0 {
            return Err(SpatialError::EmptyBounds { width: width as f32, depth: depth as f32 });
        }
        let cs = f64::from(cell_size);
        let cols = (width / cs).ceil().max(1.0);
        let rows = (depth / cs).ceil().max(1.0);
        let count = cols * rows;
        if count > MAX_CELLS as f64 {
            return Err(SpatialError::TooManyCells(count.min(u64::MAX as f64) as u64));
        }
        let (cols, rows) = (cols as u32, rows as u32);
        Ok(Grid {
            min_x,
            min_z,
            max_x,
            max_z,
            cell_size,
            inv_cell: 1.0 / cs,
            cols,
            rows,
            cells: vec![Cell::default(); (cols * rows) as usize],
            entities: Vec::new(),
            index: IdMap::default(),
            hints: Vec::new(),
            views: Vec::new(),
            views_next: Vec::new(),
            enters: Vec::new(),
            leaves: Vec::new(),
        })
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when the grid holds no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// Number of cells along X and along Z.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.cols, self.rows)
    }

    /// The cell size in world units.
    pub fn cell_size(&self) -> f32 {
        self.cell_size
    }

    /// The bounds `(min_x, min_z, max_x, max_z)` given at creation.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        (self.min_x, self.min_z, self.max_x, self.max_z)
    }

    /// True when an entity has this id.
    pub fn contains(&self, id: u64) -> bool {
        self.index.contains_key(&id)
    }

    /// The position of entity `id` exactly as last given, or `None`.
    pub fn position(&self, id: u64) -> Option<(f32, f32)> {
        let e = &self.entities[*self.index.get(&id)? as usize];
        let entry = &self.cells[e.cell as usize].entries[e.slot as usize];
        Some((entry.x, entry.z))
    }

    /// The radius of entity `id` (its AOI view radius and its reach for
    /// [`Grid::query_entity`]), or `None`.
    pub fn radius(&self, id: u64) -> Option<f32> {
        Some(self.entities[*self.index.get(&id)? as usize].radius)
    }

    /// Column (X) of a coordinate: `floor((x - min_x) / cell_size)` clamped
    /// to the grid (the floor of the exact quotient, so border points sit on a fixed side).
    #[inline(always)]
    pub(super) fn col_of(&self, x: f64) -> u32 {
        self.axis_cell(x - f64::from(self.min_x), self.cols)
    }

    /// Row (Z) of a coordinate; see [`Grid::col_of`].
    #[inline(always)]
    pub(super) fn row_of(&self, z: f64) -> u32 {
        self.axis_cell(z - f64::from(self.min_z), self.rows)
    }

    /// `floor(d / cell_size)` clamped to `[0, n - 1]`, without a division:
    /// multiply by the inverse, then correct by comparing with the exact
    /// cell edges `c · cell_size` (exact in f64: c < 2^22, cell_size has
    /// 24 significant bits), so the result is the floor of the true quotient.
    #[inline(always)]
    fn axis_cell(&self, d: f64, n: u32) -> u32 {
        let cs = f64::from(self.cell_size);
        let last = f64::from(n - 1);
        let mut c = (d * self.inv_cell).floor().clamp(0.0, last);
        // Only a rounding step away from the truth: one correction suffices.
        if d < c * cs && c > 0.0 {
            c -= 1.0;
        } else if d >= (c + 1.0) * cs && c < last {
            c += 1.0;
        }
        c as u32
    }

    #[inline(always)]
    pub(super) fn cell_of(&self, x: f32, z: f32) -> u32 {
        self.row_of(f64::from(z)) * self.cols + self.col_of(f64::from(x))
    }

    /// Adds entity `id` at `(x, z)` with the given radius (0 for none; see
    /// [`Grid::set_radius`]).
    ///
    /// # Errors
    /// `DuplicateId`, non-finite coordinates or radius, a negative radius,
    /// or `Full`.
    pub fn insert(&mut self, id: u64, x: f32, z: f32, radius: f32) -> Result<(), SpatialError> {
        finite(x, "x")?;
        finite(z, "z")?;
        super::radius(radius, "radius")?;
        if self.index.contains_key(&id) {
            return Err(SpatialError::DuplicateId(id));
        }
        let index = u32::try_from(self.entities.len()).ok().filter(|&n| n < u32::MAX).ok_or(SpatialError::Full)?;
        let cell = self.cell_of(x, z);
        let c = &mut self.cells[cell as usize];
        let slot = c.entries.len() as u32;
        c.entries.push(Entry { x, z, id });
        c.owners.push(index);
        self.entities.push(Entity { id, cell, slot, radius, view_start: 0, view_len: 0 });
        self.index.insert(id, index);
        Ok(())
    }

    /// Removes entity `id`. It leaves every observer's view at the next
    /// [`Grid::aoi_update`]; its own view is dropped without events.
    ///
    /// # Errors
    /// `UnknownId`.
    pub fn remove(&mut self, id: u64) -> Result<(), SpatialError> {
        let index = self.index.remove(&id).ok_or(SpatialError::UnknownId(id))?;
        let e = self.entities[index as usize];
        self.detach(e.cell, e.slot);
        let last = self.entities.len() as u32 - 1;
        self.entities.swap_remove(index as usize);
        if index != last {
            let moved = self.entities[index as usize];
            self.cells[moved.cell as usize].owners[moved.slot as usize] = index;
            self.index.insert(moved.id, index);
        }
        Ok(())
    }

    /// Sets the radius of entity `id`: its AOI view radius (0 = observes
    /// nothing) and its reach for [`Grid::query_entity`].
    ///
    /// # Errors
    /// `UnknownId`, a non-finite or negative radius.
    pub fn set_radius(&mut self, id: u64, radius: f32) -> Result<(), SpatialError> {
        super::radius(radius, "radius")?;
        let index = *self.index.get(&id).ok_or(SpatialError::UnknownId(id))?;
        self.entities[index as usize].radius = radius;
        Ok(())
    }

    /// Moves entity `id` to `(x, z)`. When the cell does not change this is
    /// one entry write.
    ///
    /// # Errors
    /// `UnknownId`, non-finite coordinates.
    pub fn move_to(&mut self, id: u64, x: f32, z: f32) -> Result<(), SpatialError> {
        finite(x, "x")?;
        finite(z, "z")?;
        let index = *self.index.get(&id).ok_or(SpatialError::UnknownId(id))?;
        self.relocate(index, x, z);
        Ok(())
    }

    /// Moves many entities: `ids[i]` goes to `(positions[i][0], positions[i][2])`
    /// (`[x, y, z]` with `y` ignored, so engine position arrays pass as they
    /// are). All inputs are checked before anything moves: on error nothing
    /// has changed. If an id appears twice, its last position wins.
    ///
    /// Cost: one cell computation per entity, plus a hash lookup only for
    /// positions of `ids` that differ from the previous call's array.
    ///
    /// # Errors
    /// `LengthMismatch`, non-finite coordinates (named by index), `UnknownId`.
    pub fn move_batch<P: Copy + Into<[f32; 3]>>(&mut self, ids: &[u64], positions: &[P]) -> Result<(), SpatialError> {
        if ids.len() != positions.len() {
            return Err(SpatialError::LengthMismatch { ids: ids.len(), positions: positions.len() });
        }
        if self.hints.len() < ids.len() {
            self.hints.resize(ids.len(), u32::MAX);
        }
        for (i, (&id, &p)) in ids.iter().zip(positions).enumerate() {
            let [x, _, z]: [f32; 3] = p.into();
            if !x.is_finite() {
                return Err(SpatialError::NotFinite { what: format!("positions[{i}].x"), value: x });
            }
            if !z.is_finite() {
                return Err(SpatialError::NotFinite { what: format!("positions[{i}].z"), value: z });
            }
            let hint = self.hints[i];
            let hit = self.entities.get(hint as usize).is_some_and(|e| e.id == id);
            if !hit {
                self.hints[i] = *self.index.get(&id).ok_or(SpatialError::UnknownId(id))?;
            }
        }
        // Entities come in the caller's order, so each one's cell is a random
        // access: fetch the cell header 16 entities ahead and the entry 8
        // ahead, so the misses overlap instead of queueing.
        const FAR: usize = 16;
        const NEAR: usize = 8;
        for (i, &p) in positions.iter().enumerate() {
            if let Some(&h) = self.hints.get(i + FAR).filter(|_| i + FAR < positions.len()) {
                let e = &self.entities[h as usize];
                prefetch(self.cells.as_ptr().wrapping_add(e.cell as usize));
            }
            if let Some(&h) = self.hints.get(i + NEAR).filter(|_| i + NEAR < positions.len()) {
                let e = &self.entities[h as usize];
                prefetch(self.cells[e.cell as usize].entries.as_ptr().wrapping_add(e.slot as usize));
            }
            let [x, _, z]: [f32; 3] = p.into();
            self.relocate(self.hints[i], x, z);
        }
        Ok(())
    }

    /// Moves the entity at table index `index` to a checked position.
    #[inline(always)]
    fn relocate(&mut self, index: u32, x: f32, z: f32) {
        let cell = self.cell_of(x, z);
        let e = self.entities[index as usize];
        if cell == e.cell {
            let entry = &mut self.cells[cell as usize].entries[e.slot as usize];
            entry.x = x;
            entry.z = z;
            return;
        }
        self.detach(e.cell, e.slot);
        let c = &mut self.cells[cell as usize];
        let slot = c.entries.len() as u32;
        c.entries.push(Entry { x, z, id: e.id });
        c.owners.push(index);
        let e = &mut self.entities[index as usize];
        e.cell = cell;
        e.slot = slot;
    }

    /// Swap-removes slot `slot` of cell `cell`, fixing the moved entity's slot.
    fn detach(&mut self, cell: u32, slot: u32) {
        let c = &mut self.cells[cell as usize];
        c.entries.swap_remove(slot as usize);
        c.owners.swap_remove(slot as usize);
        if let Some(&moved) = c.owners.get(slot as usize) {
            self.entities[moved as usize].slot = slot;
        }
    }

    /// Every entity's id and position, in storage order (cell by cell).
    pub fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.cells.iter().flat_map(|c| c.entries.iter())
    }
}
