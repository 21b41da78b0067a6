//! The untyped pool: slots of a size and alignment chosen at run time.

use super::engine::{Engine, Geometry, LiveCursor};
use super::{FullPolicy, Handle, PoolConfig, PoolError, PoolStats};
use std::ptr::NonNull;

/// A pool of untyped, fixed-size byte slots (the pool behind the C API).
///
/// It behaves like [`Pool`](super::Pool) but elements are byte slices of
/// `elem_size` bytes aligned to `elem_align`. A newly allocated element holds
/// zeros if its slot was never used, otherwise whatever bytes were left (the
/// evicted object's bytes for a slot reused by `EvictOldest`, `0xDD` with
/// debug fill). Elements never move until they are freed.
///
/// ```
/// use tessera::pool::{FullPolicy, PoolConfig, RawPool};
/// let mut pool = RawPool::new(12, 4, PoolConfig::new(8, FullPolicy::Fail)).unwrap();
/// let (h, evicted) = pool.alloc().unwrap();
/// assert!(evicted.is_none());
/// pool.get_mut(h).unwrap().copy_from_slice(b"hello, pool!");
/// assert_eq!(pool.get(h).unwrap(), b"hello, pool!");
/// pool.free(h).unwrap();
/// assert!(pool.get(h).is_none());
/// ```
pub struct RawPool {
    engine: Engine<Geometry>,
}

impl RawPool {
    /// Largest element size in bytes (1 MiB).
    pub const MAX_ELEM_SIZE: usize = 1 << 20;
    /// Largest element alignment in bytes.
    pub const MAX_ALIGN: usize = 4096;

    /// A pool of elements of `elem_size` bytes aligned to `elem_align`.
    ///
    /// # Errors
    /// [`PoolError::ZeroElementSize`], [`PoolError::ElementTooLarge`],
    /// [`PoolError::BadAlignment`], plus the errors of [`Pool::with_config`](super::Pool::with_config).
    pub fn new(elem_size: usize, elem_align: usize, config: PoolConfig) -> Result<RawPool, PoolError> {
        if elem_size == 0 {
            return Err(PoolError::ZeroElementSize);
        }
        if elem_size > Self::MAX_ELEM_SIZE {
            return Err(PoolError::ElementTooLarge(elem_size));
        }
        if !elem_align.is_power_of_two() || elem_align > Self::MAX_ALIGN {
            return Err(PoolError::BadAlignment(elem_align));
        }
        Ok(RawPool { engine: Engine::new(Geometry::new(elem_size, elem_align), &config)? })
    }

    /// Element size in bytes.
    pub fn elem_size(&self) -> usize {
        self.engine.geometry().elem_size
    }

    /// Takes a slot; returns its handle and, for an `EvictOldest` pool that
    /// was full, the handle of the evicted element (whose bytes the new
    /// element still holds).
    ///
    /// # Errors
    /// [`PoolError::Full`] or [`PoolError::OutOfMemory`] as for [`Pool::alloc`](super::Pool::alloc).
    pub fn alloc(&mut self) -> Result<(Handle, Option<Handle>), PoolError> {
        self.engine.alloc().map(|(handle, _, evicted)| (handle, evicted))
    }

    /// Frees the element behind `handle`.
    ///
    /// # Errors
    /// [`PoolError::StaleHandle`] for a handle that names no live element.
    pub fn free(&mut self, handle: Handle) -> Result<(), PoolError> {
        let body = self.engine.live_body(handle).ok_or(PoolError::StaleHandle)?;
        self.engine.release(handle, body);
        Ok(())
    }

    /// The bytes of the element behind `handle`.
    pub fn get(&self, handle: Handle) -> Option<&[u8]> {
        let size = self.elem_size();
        // SAFETY: a live body is `elem_size` initialised bytes (zeroed chunk or written).
        self.engine.live_body(handle).map(|body| unsafe { core::slice::from_raw_parts(body, size) })
    }

    /// The bytes of the element behind `handle`, mutably.
    pub fn get_mut(&mut self, handle: Handle) -> Option<&mut [u8]> {
        let size = self.elem_size();
        // SAFETY: as `get`; &mut self makes the borrow unique.
        self.engine.live_body(handle).map(|body| unsafe { core::slice::from_raw_parts_mut(body, size) })
    }

    /// Address of the element behind `handle`, for the C API, which hands it
    /// to C code that reads and writes it between calls. It stays valid until
    /// the element is freed, evicted or cleared, or the pool is dropped.
    pub(crate) fn element_ptr(&self, handle: Handle) -> Option<NonNull<u8>> {
        self.engine.live_body(handle).and_then(NonNull::new)
    }

    /// Whether `handle` names a live element.
    pub fn contains(&self, handle: Handle) -> bool {
        self.engine.live_body(handle).is_some()
    }

    /// Handles of the live elements in slot order.
    pub fn handles(&self) -> impl Iterator<Item = Handle> + '_ {
        let mut cursor = LiveCursor::default();
        std::iter::from_fn(move || Some(self.engine.body_of(cursor.next(&self.engine)?).0))
    }

    /// Number of live elements.
    pub fn len(&self) -> usize {
        self.engine.len() as usize
    }

    /// Whether no element is live.
    pub fn is_empty(&self) -> bool {
        self.engine.len() == 0
    }

    /// Number of usable slots.
    pub fn capacity(&self) -> usize {
        self.engine.capacity() as usize
    }

    /// The full policy chosen at creation.
    pub fn policy(&self) -> FullPolicy {
        self.engine.policy()
    }

    /// Capacity, live count, high-water mark and evictions.
    pub fn stats(&self) -> PoolStats {
        self.engine.stats()
    }

    /// Frees every element; every outstanding handle becomes stale.
    pub fn clear(&mut self) {
        self.engine.clear();
    }
}

impl std::fmt::Debug for RawPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawPool").field("elem_size", &self.elem_size()).field("stats", &self.stats()).finish()
    }
}
