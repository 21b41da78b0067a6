//! Object pools with generation-checked handles.
//!
//! The Object Pool pattern (Nystrom, *Game Programming Patterns*): a fixed
//! array of slots whose unused slots thread a free list through their own
//! storage, so creating and destroying an object is O(1) and allocates
//! nothing.
//!
//! - [`Pool<T>`]: a typed pool. [`Pool::alloc`] moves a value in and returns a
//!   [`Handle`] `{index, generation}`; a handle whose object was freed (or
//!   freed twice, or evicted) is detected by its generation and rejected, it
//!   never reaches another object. Live objects iterate in slot order through
//!   an in-use bitset.
//! - [`RawPool`]: the same pool over untyped slots of a size and alignment
//!   chosen at run time (the C API's pool).
//! - [`ConcurrentPool<T>`]: a fixed-capacity pool whose `alloc` and `free`
//!   run from many threads at once (free indices in a lock-free queue).
//!
//! What happens when a pool is full is chosen at creation ([`FullPolicy`]):
//! fail, grow by a chunk (objects never move, so references obtained through
//! raw pointers stay valid), or evict the least recently allocated object.
//! With [`PoolConfig::debug_fill`] freed slots are overwritten with `0xDD` so a
//! use after free through a stale pointer reads an obvious pattern.
//!
//! ```
//! use tessera::pool::{FullPolicy, Pool};
//! let mut pool = Pool::new(2, FullPolicy::Fail).unwrap();
//! let a = pool.alloc("a").unwrap();
//! let b = pool.alloc("b").unwrap();
//! assert!(pool.alloc("c").is_err()); // full
//! assert_eq!(pool.free(a), Ok("a"));
//! assert!(pool.get(a).is_none()); // stale: detected, not dereferenced
//! assert!(pool.free(a).is_err()); // double free
//! let c = pool.alloc("c").unwrap(); // reuses a's slot...
//! assert_eq!(c.index, a.index);
//! assert_ne!(c.generation, a.generation); // ...with a new generation
//! assert_eq!(pool.iter().map(|(_, s)| *s).collect::<Vec<_>>(), ["c", "b"]);
//! # let _ = b;
//! ```

mod concurrent;
mod engine;
mod raw;
mod typed;

#[cfg(test)]
mod tests;

pub use concurrent::ConcurrentPool;
pub use raw::RawPool;
pub use typed::{Evicted, Iter, IterMut, Pool};

use std::fmt;

/// Names an object in a pool: its slot and the slot's generation when the
/// object was allocated. Generations of live objects are odd (never 0), and
/// every free of a slot moves its generation on, so an old handle never
/// matches a newer object in the same slot.
///
/// A handle does not record which pool issued it; the C API adds a pool tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle {
    /// Slot index.
    pub index: u32,
    /// Generation of the slot when the object was allocated.
    pub generation: u32,
}

impl Handle {
    /// Packs the handle into 64 bits: generation high, index low (never 0 for a real handle).
    pub fn to_bits(self) -> u64 {
        (u64::from(self.generation) << 32) | u64::from(self.index)
    }

    /// Unpacks [`to_bits`](Self::to_bits). Any value is accepted; a value that
    /// names no live object is simply rejected by the pool.
    pub fn from_bits(bits: u64) -> Handle {
        Handle { index: bits as u32, generation: (bits >> 32) as u32 }
    }
}

/// What a pool does when every slot is live and another object is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullPolicy {
    /// The allocation fails with [`PoolError::Full`].
    Fail,
    /// A new chunk of slots is added; existing objects never move.
    Grow,
    /// The least recently allocated live object is evicted and its slot reused;
    /// the evicted handle is reported.
    EvictOldest,
}

/// Options chosen when a pool is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// Initial number of slots. At least 1 for `Fail` and `EvictOldest`;
    /// a `Grow` pool may start at 0 and rounds its chunk size up to a power of two.
    pub capacity: u32,
    /// What to do when full.
    pub policy: FullPolicy,
    /// Overwrite freed slots with `0xDD` (the first 4 bytes of a free slot
    /// hold the free-list link). Defaults to on in debug builds.
    pub debug_fill: bool,
    /// Most slots a `Grow` pool may reach (default: `u32::MAX - 1`).
    pub max_capacity: u32,
}

impl PoolConfig {
    /// A configuration with the given capacity and policy and the defaults
    /// for everything else.
    pub fn new(capacity: u32, policy: FullPolicy) -> PoolConfig {
        PoolConfig { capacity, policy, debug_fill: cfg!(debug_assertions), max_capacity: engine::MAX_SLOTS }
    }
}

/// Why a pool operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolError {
    /// Every slot is live and the policy is `Fail` (or a `Grow` pool is at
    /// its maximum capacity).
    Full,
    /// The handle names no live object of this pool: freed, double-freed,
    /// evicted, cleared, or never issued.
    StaleHandle,
    /// `Fail` and `EvictOldest` pools need at least one slot.
    ZeroCapacity,
    /// The requested capacity exceeds the pool's limit.
    CapacityTooLarge {
        /// Requested slots.
        requested: u32,
        /// The limit.
        limit: u32,
    },
    /// An element size of 0 (raw pools only).
    ZeroElementSize,
    /// An element larger than [`RawPool::MAX_ELEM_SIZE`].
    ElementTooLarge(usize),
    /// An alignment that is not a power of two or exceeds [`RawPool::MAX_ALIGN`].
    BadAlignment(usize),
    /// Memory for the slots could not be allocated, or its size overflows.
    OutOfMemory,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Full => write!(f, "the pool is full"),
            PoolError::StaleHandle => write!(f, "the handle names no live object of this pool (freed, evicted or foreign)"),
            PoolError::ZeroCapacity => write!(f, "capacity 0 is only allowed with the Grow policy"),
            PoolError::CapacityTooLarge { requested, limit } => {
                write!(f, "capacity {requested} exceeds the limit of {limit} slots")
            }
            PoolError::ZeroElementSize => write!(f, "element size must be at least 1 byte"),
            PoolError::ElementTooLarge(n) => {
                write!(f, "element size {n} exceeds the limit of {} bytes", RawPool::MAX_ELEM_SIZE)
            }
            PoolError::BadAlignment(a) => {
                write!(f, "alignment {a} is not a power of two between 1 and {}", RawPool::MAX_ALIGN)
            }
            PoolError::OutOfMemory => write!(f, "out of memory for the pool's slots"),
        }
    }
}

impl std::error::Error for PoolError {}

/// A pool's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStats {
    /// Usable slots now.
    pub capacity: u32,
    /// Live objects now.
    pub live: u32,
    /// Most live objects at any one time since creation.
    pub high_water: u32,
    /// Objects evicted by `EvictOldest` since creation.
    pub evictions: u64,
}
