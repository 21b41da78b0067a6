//! Area of interest: who sees whom, and what changed since the last update.
//!
//! Each observer's view (the sorted ids within its radius) is kept in one
//! flat array, its range recorded in the entity table. An update rebuilds
//! every view into a second flat array and merges old against new, so the
//! steady state allocates nothing and no entity owns a heap node.

use super::grid::Grid;
use super::IdPair;
use std::mem::take;

/// What changed at one [`Grid::aoi_update`]. Events are grouped by
/// observer (in entity-table order) with targets in ascending id order.
#[derive(Debug, Clone, Copy)]
pub struct AoiEvents<'a> {
    /// `(observer, target)`: the target came into the observer's view.
    pub enter: &'a [IdPair],
    /// `(observer, target)`: the target left the observer's view (moved
    /// away, was removed, or the observer's radius shrank).
    pub leave: &'a [IdPair],
}

impl Grid {
    /// Recomputes every observer's view and returns the differences from
    /// the previous update. An observer is an entity with radius `> 0`; it
    /// sees every other entity within its radius (inclusive). A new
    /// observer's first update reports everything it sees as entering; a
    /// removed observer's view is dropped silently; a removed target leaves
    /// every view that held it. An id removed and re-inserted between two
    /// updates counts as the same entity.
    ///
    /// The events stay readable through [`Grid::aoi_events`] until the next
    /// update.
    ///
    /// ```
    /// use tessera::spatial::{Grid, IdPair};
    /// let mut grid = Grid::new(0.0, 0.0, 100.0, 100.0, 10.0).unwrap();
    /// grid.insert(1, 0.0, 0.0, 20.0).unwrap(); // observer, radius 20
    /// grid.insert(2, 30.0, 0.0, 0.0).unwrap();
    /// assert!(grid.aoi_update().enter.is_empty());
    /// grid.move_to(2, 20.0, 0.0).unwrap();
    /// assert_eq!(grid.aoi_update().enter, &[IdPair { a: 1, b: 2 }]);
    /// grid.remove(2).unwrap();
    /// assert_eq!(grid.aoi_update().leave, &[IdPair { a: 1, b: 2 }]);
    /// ```
    pub fn aoi_update(&mut self) -> AoiEvents<'_> {
        let prev = take(&mut self.views);
        let mut next = take(&mut self.views_next);
        let mut enters = take(&mut self.enters);
        let mut leaves = take(&mut self.leaves);
        next.clear();
        enters.clear();
        leaves.clear();
        for i in 0..self.entities.len() {
            let e = self.entities[i];
            let start = next.len();
            if e.radius > 0.0 {
                let me = self.cells[e.cell as usize].entries[e.slot as usize];
                self.circle_unchecked(me.x, me.z, e.radius, |o| {
                    if o.id != e.id {
                        next.push(o.id);
                    }
                });
                next[start..].sort_unstable();
            }
            let old = &prev[e.view_start as usize..(e.view_start + e.view_len) as usize];
            diff(e.id, old, &next[start..], &mut enters, &mut leaves);
            let row = &mut self.entities[i];
            row.view_start = start as u32;
            row.view_len = (next.len() - start) as u32;
        }
        self.views = next;
        self.views_next = prev;
        self.enters = enters;
        self.leaves = leaves;
        self.aoi_events()
    }

    /// The events of the last [`Grid::aoi_update`] (empty before the first).
    pub fn aoi_events(&self) -> AoiEvents<'_> {
        AoiEvents { enter: &self.enters, leave: &self.leaves }
    }

    /// The ids entity `id` saw at the last [`Grid::aoi_update`], ascending;
    /// `None` for an unknown id.
    pub fn aoi_view(&self, id: u64) -> Option<&[u64]> {
        let e = &self.entities[*self.index.get(&id)? as usize];
        Some(&self.views[e.view_start as usize..(e.view_start + e.view_len) as usize])
    }
}

/// Merges two ascending id lists: ids only in `new` entered, only in `old` left.
fn diff(observer: u64, old: &[u64], new: &[u64], enters: &mut Vec<IdPair>, leaves: &mut Vec<IdPair>) {
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        match old[i].cmp(&new[j]) {
            std::cmp::Ordering::Less => {
                leaves.push(IdPair { a: observer, b: old[i] });
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                enters.push(IdPair { a: observer, b: new[j] });
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    leaves.extend(old[i..].iter().map(|&b| IdPair { a: observer, b }));
    enters.extend(new[j..].iter().map(|&b| IdPair { a: observer, b }));
}
