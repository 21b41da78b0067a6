//! Uniform spatial grid over the XZ plane (Y up) for neighbour queries and
//! area-of-interest (AOI) events.
//!
//! The world rectangle `[min_x, max_x] × [min_z, max_z]` is cut into square
//! cells of a caller-chosen size. Positions outside the rectangle are kept
//! exactly as given but filed in the nearest border cell, so nothing is lost
//! and every query still sees them.
//!
//! # Storage
//! Data-oriented: each cell owns one dense array of [`Entry`] `(id, x, z)`
//! (what queries scan) and a parallel array of entity-table indices. A dense
//! entity table maps back to (cell, slot) and holds each entity's radius; a
//! hash map goes from the caller's `u64` id to the table index. Removal is a
//! swap-remove at both levels. There is no per-entity heap node.
//!
//! - [`Grid::move_to`] only rewrites the entry when the cell does not change.
//! - [`Grid::move_batch`] moves thousands of entities in one call. It
//!   remembers where each position of the id array was found last time, so a
//!   caller who passes the same id array every frame skips the hash lookups.
//!
//! # Distance rule
//! Distances are Euclidean in the XZ plane, computed in `f64` from the `f32`
//! coordinates: `(ax - bx)² + (az - bz)²`, and a point at distance exactly `r`
//! is **inside** (`<= r²`, see [`dist_sq`]). Boxes are closed too:
//! `min <= x <= max`. Cell membership is `floor((x - min) / cell_size)`,
//! also in `f64`, so a point exactly on a cell border belongs to the cell
//! above it; queries do not depend on which side that is.
//!
//! # Queries
//! Circle, box, k nearest ([`Grid::nearest`]), every pair within a distance
//! exactly once ([`Grid::for_each_pair_within`], the half-neighbour scan: a
//! cell is paired with itself and with the forward half of its neighbours),
//! and a per-entity radius ([`Grid::query_entity`]). Query methods take
//! `&self`, allocate nothing and write into caller slices, so any number of
//! threads may query one grid while no thread mutates it.
//!
//! # AOI
//! An entity with a radius `> 0` is an observer: it sees every other entity
//! within its radius. [`Grid::aoi_update`] returns the (observer, target)
//! pairs that entered and left view since the previous update.
//!
//! ```
//! use tessera::spatial::Grid;
//! let mut grid = Grid::new(0.0, 0.0, 100.0, 100.0, 10.0).unwrap();
//! grid.insert(1, 5.0, 5.0, 0.0).unwrap();
//! grid.insert(2, 8.0, 9.0, 0.0).unwrap();
//! grid.insert(3, 50.0, 50.0, 0.0).unwrap();
//! let mut found = grid.query_circle_vec(5.0, 5.0, 5.0).unwrap();
//! found.sort();
//! assert_eq!(found, vec![1, 2]); // 2 is at distance exactly 5: inside
//! ```

mod aoi;
mod grid;
mod query;

pub use aoi::AoiEvents;
pub use grid::{Entry, Grid};
pub use query::Hit;

use std::fmt;

/// Most cells a grid may have (2^22, about 2048 × 2048).
pub const MAX_CELLS: u64 = 1 << 22;

/// Two entity ids: an unordered pair from [`Grid::for_each_pair_within`]
/// (`a < b`), or an AOI event (`a` is the observer, `b` the target).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct IdPair {
    /// First id (the smaller one, or the observer).
    pub a: u64,
    /// Second id (the larger one, or the target).
    pub b: u64,
}

/// Squared XZ distance used by every query: computed in `f64` from the `f32`
/// coordinates. A point is within `r` when `dist_sq(..) <= r as f64 * r as f64`.
///
/// ```
/// assert_eq!(tessera::spatial::dist_sq(0.0, 0.0, 3.0, 4.0), 25.0);
/// ```
#[inline(always)]
pub fn dist_sq(ax: f32, az: f32, bx: f32, bz: f32) -> f64 {
    let dx = f64::from(ax) - f64::from(bx);
    let dz = f64::from(az) - f64::from(bz);
    dx * dx + dz * dz
}

/// Why a grid call was rejected. Nothing is changed when an error is returned.
#[derive(Debug, Clone, PartialEq)]
pub enum SpatialError {
    /// A coordinate, radius or size is NaN or infinite.
    NotFinite {
        /// What the value is (`"x"`, `"radius"`, `"positions[3].z"`).
        what: String,
        /// The value.
        value: f32,
    },
    /// The cell size is zero or negative.
    CellSize(f32),
    /// The bounds have zero or negative width or depth.
    EmptyBounds {
        /// `max_x - min_x`.
        width: f32,
        /// `max_z - min_z`.
        depth: f32,
    },
    /// Bounds / cell size would need more than [`MAX_CELLS`] cells.
    TooManyCells(u64),
    /// A radius or distance is negative.
    NegativeRadius(f32),
    /// A box has `min > max` on some axis.
    InvertedBox,
    /// No entity has this id.
    UnknownId(u64),
    /// An entity with this id already exists.
    DuplicateId(u64),
    /// Parallel arrays have different lengths.
    LengthMismatch {
        /// Number of ids.
        ids: usize,
        /// Number of positions.
        positions: usize,
    },
    /// The grid already holds `u32::MAX` entities.
    Full,
}

impl fmt::Display for SpatialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpatialError::NotFinite { what, value } => write!(f, "`{what}` must be finite, got {value}"),
            SpatialError::CellSize(s) => write!(f, "`cell_size` must be positive, got {s}"),
            SpatialError::EmptyBounds { width, depth } => {
                write!(f, "bounds must have positive width and depth, got {width} x {depth}")
            }
            SpatialError::TooManyCells(n) => {
                write!(f, "bounds / cell_size need {n} cells, more than the limit {MAX_CELLS}: use larger cells")
            }
            SpatialError::NegativeRadius(r) => write!(f, "radius must be >= 0, got {r}"),
            SpatialError::InvertedBox => write!(f, "box minimum exceeds its maximum"),
            SpatialError::UnknownId(id) => write!(f, "no entity has id {id}"),
            SpatialError::DuplicateId(id) => write!(f, "an entity with id {id} already exists"),
            SpatialError::LengthMismatch { ids, positions } => {
                write!(f, "{ids} ids but {positions} positions")
            }
            SpatialError::Full => write!(f, "the grid holds the maximum number of entities"),
        }
    }
}

impl std::error::Error for SpatialError {}

/// Checks that `value` is finite.
fn finite(value: f32, what: &str) -> Result<f32, SpatialError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SpatialError::NotFinite { what: what.to_string(), value })
    }
}

/// Checks that a radius is finite and not negative.
fn radius(value: f32, what: &str) -> Result<f32, SpatialError> {
    finite(value, what)?;
    if value < 0.0 {
        return Err(SpatialError::NegativeRadius(value));
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
