//! The typed pool.

use super::engine::{Engine, LiveCursor, Typed};
use super::{FullPolicy, Handle, PoolConfig, PoolError, PoolStats};
use std::marker::PhantomData;

/// An object evicted by an `EvictOldest` pool to make room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evicted<T> {
    /// The evicted object's handle (now stale).
    pub handle: Handle,
    /// The evicted object.
    pub value: T,
}

/// A pool of `T` with O(1) alloc and free, generation-checked handles and
/// iteration over live objects in slot order. See the [module docs](super).
///
/// ```
/// use tessera::pool::{FullPolicy, Pool};
/// let mut pool = Pool::new(2, FullPolicy::EvictOldest).unwrap();
/// let a = pool.alloc(10).unwrap();
/// let b = pool.alloc(20).unwrap();
/// let (c, evicted) = pool.alloc_evicting(30).unwrap();
/// let evicted = evicted.unwrap();
/// assert_eq!((evicted.handle, evicted.value), (a, 10)); // the oldest went
/// assert_eq!(pool.get(a), None);
/// assert_eq!((pool.get(b), pool.get(c)), (Some(&20), Some(&30)));
/// assert_eq!(pool.stats().evictions, 1);
/// ```
pub struct Pool<T> {
    engine: Engine<Typed<T>>,
    _owns: PhantomData<T>,
}

// SAFETY: the pool owns its `T`s like a `Vec<T>` does.
unsafe impl<T: Send> Send for Pool<T> {}
// SAFETY: `&Pool<T>` only hands out `&T`.
unsafe impl<T: Sync> Sync for Pool<T> {}

impl<T> Pool<T> {
    /// A pool with `capacity` slots and the given full policy (other options default).
    ///
    /// # Errors
    /// [`PoolError::ZeroCapacity`] for capacity 0 with `Fail`/`EvictOldest`,
    /// [`PoolError::OutOfMemory`] when the slots cannot be allocated.
    pub fn new(capacity: u32, policy: FullPolicy) -> Result<Pool<T>, PoolError> {
        Self::with_config(PoolConfig::new(capacity, policy))
    }

    /// A pool with every option given.
    ///
    /// # Errors
    /// As [`new`](Self::new), plus [`PoolError::CapacityTooLarge`] when
    /// `capacity > max_capacity`.
    pub fn with_config(config: PoolConfig) -> Result<Pool<T>, PoolError> {
        Ok(Pool { engine: Engine::new(Typed::<T>::new(), &config)?, _owns: PhantomData })
    }

    /// Moves `value` into a free slot. An `EvictOldest` pool that is full
    /// drops its oldest object to make room (use
    /// [`alloc_evicting`](Self::alloc_evicting) to get it back).
    ///
    /// # Errors
    /// [`PoolError::Full`] when a `Fail` pool is full (or a `Grow` pool is at
    /// its maximum); the value is dropped. [`PoolError::OutOfMemory`] when a
    /// `Grow` pool cannot allocate its next chunk.
    #[inline(always)]
    pub fn alloc(&mut self, value: T) -> Result<Handle, PoolError> {
        self.alloc_evicting(value).map(|(handle, _evicted)| handle)
    }

    /// Like [`alloc`](Self::alloc), and returns the object an `EvictOldest`
    /// pool evicted to make room, so the caller can clean it up.
    ///
    /// # Errors
    /// As [`alloc`](Self::alloc).
    #[inline(always)]
    pub fn alloc_evicting(&mut self, value: T) -> Result<(Handle, Option<Evicted<T>>), PoolError> {
        // The slot first, the value written once at the join: `value` never
        // crosses a call, so it stays in registers and goes straight into
        // the slot (passing it to the cold path made it round-trip through
        // the stack on every call).
        let (handle, body, evicted) = match self.engine.alloc_free() {
            Some((handle, body)) => (handle, body, None),
            None => self.take_slot_when_full()?,
        };
        // SAFETY: the engine hands out a body aligned and sized for T that
        // holds no T (a free or never-used slot, or an evicted one whose T
        // was moved out).
        unsafe { body.cast::<T>().write(value) };
        Ok((handle, evicted))
    }

    /// Every slot is live: fail, grow or evict by the policy. An evicted
    /// object is moved out of its slot and returned.
    #[cold]
    #[inline(never)]
    #[allow(clippy::type_complexity)]
    fn take_slot_when_full(&mut self) -> Result<(Handle, *mut u8, Option<Evicted<T>>), PoolError> {
        let (handle, body, evicted) = self.engine.alloc_when_full()?;
        // SAFETY: an evicted slot still holds the old T, which we move out
        // (the slot is then treated as holding no T); any other slot holds no T.
        let evicted = evicted.map(|old| Evicted { handle: old, value: unsafe { body.cast::<T>().read() } });
        Ok((handle, body, evicted))
    }

    /// Frees the object behind `handle` and returns it.
    ///
    /// # Errors
    /// [`PoolError::StaleHandle`] when the handle names no live object (it was
    /// freed, double-freed, evicted, cleared, or never issued); nothing changes.
    #[inline(always)]
    pub fn free(&mut self, handle: Handle) -> Result<T, PoolError> {
        let body = self.engine.live_body(handle).ok_or(PoolError::StaleHandle)?;
        // SAFETY: a live body holds an initialised T; release() marks the
        // slot free right after, so it is never read again as a T.
        let value = unsafe { body.cast::<T>().read() };
        self.engine.release(handle, body);
        Ok(value)
    }

    /// The object behind `handle`, or `None` for a stale handle.
    #[inline(always)]
    pub fn get(&self, handle: Handle) -> Option<&T> {
        // SAFETY: a live body holds an initialised T borrowed with &self.
        self.engine.live_body(handle).map(|body| unsafe { &*body.cast::<T>() })
    }

    /// The object behind `handle` mutably, or `None` for a stale handle.
    #[inline(always)]
    pub fn get_mut(&mut self, handle: Handle) -> Option<&mut T> {
        // SAFETY: as `get`, and &mut self makes the borrow unique.
        self.engine.live_body(handle).map(|body| unsafe { &mut *body.cast::<T>() })
    }

    /// Whether `handle` names a live object.
    #[inline(always)]
    pub fn contains(&self, handle: Handle) -> bool {
        self.engine.live_body(handle).is_some()
    }

    /// Live objects with their handles, in slot order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { engine: &self.engine, cursor: LiveCursor::default(), _borrow: PhantomData }
    }

    /// Live objects mutably with their handles, in slot order.
    pub fn iter_mut(&mut self) -> IterMut<'_, T> {
        IterMut { engine: &self.engine, cursor: LiveCursor::default(), _borrow: PhantomData }
    }

    /// Handles of the live objects in slot order.
    pub fn handles(&self) -> impl Iterator<Item = Handle> + '_ {
        self.engine.live_indices().map(|i| self.engine.body_of(i).0)
    }

    /// Live handles from the oldest allocation to the newest (the eviction
    /// order). Only `EvictOldest` pools track it; others return an empty list.
    pub fn allocation_order(&self) -> Vec<Handle> {
        self.engine.allocation_order()
    }

    /// Number of live objects.
    #[inline]
    pub fn len(&self) -> usize {
        self.engine.len() as usize
    }

    /// Whether no object is live.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.engine.len() == 0
    }

    /// Number of usable slots (grows with a `Grow` pool).
    #[inline]
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

    /// Drops every live object; every outstanding handle becomes stale.
    pub fn clear(&mut self) {
        self.drop_live();
        self.engine.clear();
    }

    fn drop_live(&mut self) {
        if core::mem::needs_drop::<T>() {
            let live: Vec<u32> = self.engine.live_indices().collect();
            for idx in live {
                let (_, body) = self.engine.body_of(idx);
                // SAFETY: slot `idx` is live, so its body holds a T; the
                // caller marks every slot free right after.
                unsafe { body.cast::<T>().drop_in_place() };
            }
        }
    }
}

impl<T> Drop for Pool<T> {
    fn drop(&mut self) {
        self.drop_live();
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Iterator over a pool's live objects in slot order, from [`Pool::iter`].
pub struct Iter<'a, T> {
    engine: &'a Engine<Typed<T>>,
    cursor: LiveCursor,
    _borrow: PhantomData<&'a T>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = (Handle, &'a T);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let idx = self.cursor.next(self.engine)?;
        let (handle, body) = self.engine.body_of(idx);
        // SAFETY: the bit of `idx` is set, so its body holds a T; the pool is borrowed.
        Some((handle, unsafe { &*body.cast::<T>() }))
    }
}

/// Mutable iterator over a pool's live objects, from [`Pool::iter_mut`].
pub struct IterMut<'a, T> {
    engine: &'a Engine<Typed<T>>,
    cursor: LiveCursor,
    _borrow: PhantomData<&'a mut T>,
}

impl<'a, T> Iterator for IterMut<'a, T> {
    type Item = (Handle, &'a mut T);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let idx = self.cursor.next(self.engine)?;
        let (handle, body) = self.engine.body_of(idx);
        // SAFETY: slot `idx` is live and each index is yielded once while the
        // pool is mutably borrowed, so the references never alias.
        Some((handle, unsafe { &mut *body.cast::<T>() }))
    }
}
