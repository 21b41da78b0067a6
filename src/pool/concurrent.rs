//! A fixed-capacity pool shared by many threads.

use super::{Handle, PoolError};
use crossbeam::queue::ArrayQueue;
use crossbeam::utils::Backoff;
use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicU32, Ordering};

/// Set in a slot's state while one thread accesses its object through
/// [`ConcurrentPool::with`]. The generation uses the other 31 bits.
const LOCK: u32 = 1 << 31;

/// The generation after `g`, within 31 bits (odd = live, never 0 when live).
#[inline]
fn next_generation(g: u32) -> u32 {
    g.wrapping_add(1) & !LOCK
}

struct Slot<T> {
    /// Generation (odd while live), plus LOCK while accessed.
    state: AtomicU32,
    value: UnsafeCell<MaybeUninit<T>>,
}

/// A fixed-capacity pool whose objects are allocated and freed from many
/// threads at once, for job systems. Free slot indices sit in a lock-free
/// bounded queue (crossbeam's `ArrayQueue`); each slot has an atomic state
/// word holding its generation, so handles are checked exactly as in
/// [`Pool`](super::Pool): a stale or double-freed handle is rejected, and of
/// two threads freeing the same handle exactly one succeeds.
///
/// # Thread rules
/// - Any thread, concurrently (`&self`): [`alloc`](Self::alloc),
///   [`free`](Self::free), [`with`](Self::with), [`contains`](Self::contains),
///   [`len`](Self::len), [`capacity`](Self::capacity).
/// - [`with`](Self::with) locks one object for the duration of the closure:
///   another `with` or `free` of the same object waits (spinning, then
///   yielding) until it ends. Keep the closure short, and never free or
///   access the same handle from inside it (that would wait forever).
/// - Exclusive (`&mut self`, for example between two parallel phases of a
///   frame): [`get`](Self::get), [`get_mut`](Self::get_mut),
///   [`iter`](Self::iter), [`clear`](Self::clear).
///
/// The pool cannot grow or evict: when every slot is live, `alloc` fails
/// with [`PoolError::Full`].
///
/// ```
/// use tessera::pool::ConcurrentPool;
/// use std::thread;
/// let pool = ConcurrentPool::new(1000).unwrap();
/// thread::scope(|s| {
///     for t in 0..4u32 {
///         let pool = &pool;
///         s.spawn(move || {
///             for i in 0..100u32 {
///                 let h = pool.alloc(t * 1000 + i).unwrap();
///                 assert_eq!(pool.with(h, |v| *v), Ok(t * 1000 + i));
///                 if i % 2 == 0 {
///                     assert_eq!(pool.free(h), Ok(t * 1000 + i));
///                     assert!(pool.free(h).is_err()); // double free
///                 }
///             }
///         });
///     }
/// });
/// assert_eq!(pool.len(), 200);
/// ```
pub struct ConcurrentPool<T> {
    slots: Box<[Slot<T>]>,
    free: ArrayQueue<u32>,
}

// SAFETY: the pool owns its `T`s.
unsafe impl<T: Send> Send for ConcurrentPool<T> {}
// SAFETY: objects move in and out through alloc/free and are accessed by one
// thread at a time under the slot lock (like `Mutex<T>`), so `T: Send` suffices.
unsafe impl<T: Send> Sync for ConcurrentPool<T> {}

/// Releases a slot lock even if the closure panics.
struct Unlock<'a> {
    state: &'a AtomicU32,
    generation: u32,
}

impl Drop for Unlock<'_> {
    fn drop(&mut self) {
        self.state.store(self.generation, Ordering::Release);
    }
}

impl<T> ConcurrentPool<T> {
    /// A pool of `capacity` slots.
    ///
    /// # Errors
    /// [`PoolError::ZeroCapacity`] for 0; [`PoolError::CapacityTooLarge`] above 2^31 - 1.
    pub fn new(capacity: u32) -> Result<ConcurrentPool<T>, PoolError> {
        if capacity == 0 {
            return Err(PoolError::ZeroCapacity);
        }
        if capacity > i32::MAX as u32 {
            return Err(PoolError::CapacityTooLarge { requested: capacity, limit: i32::MAX as u32 });
        }
        let slots = (0..capacity)
            .map(|_| Slot { state: AtomicU32::new(0), value: UnsafeCell::new(MaybeUninit::uninit()) })
            .collect();
        let free = ArrayQueue::new(capacity as usize);
        for i in 0..capacity {
            free.push(i).expect("the queue holds every index");
        }
        Ok(ConcurrentPool { slots, free })
    }

    /// Moves `value` into a free slot.
    ///
    /// # Errors
    /// [`PoolError::Full`] when every slot is live (the value is dropped).
    pub fn alloc(&self, value: T) -> Result<Handle, PoolError> {
        let index = self.free.pop().ok_or(PoolError::Full)?;
        let slot = &self.slots[index as usize];
        // SAFETY: popping the index from the free queue gave this thread sole
        // ownership of the free slot; no T is in it.
        unsafe { (*slot.value.get()).write(value) };
        let generation = next_generation(slot.state.load(Ordering::Acquire));
        slot.state.store(generation, Ordering::Release);
        Ok(Handle { index, generation })
    }

    /// Frees the object behind `handle` and returns it. Waits while another
    /// thread is inside [`with`](Self::with) for the same object.
    ///
    /// # Errors
    /// [`PoolError::StaleHandle`] when the handle names no live object
    /// (including a double free, and the loser of two concurrent frees).
    pub fn free(&self, handle: Handle) -> Result<T, PoolError> {
        let slot = self.live_slot(handle)?;
        Self::leave_live_state(slot, handle, next_generation(handle.generation))?;
        // SAFETY: our CAS moved the slot from live to free, so no other thread
        // can free or lock it, and its index is not in the queue yet.
        let value = unsafe { (*slot.value.get()).assume_init_read() };
        self.free.push(handle.index).unwrap_or_else(|_| unreachable!("the queue has room for every slot"));
        Ok(value)
    }

    /// Runs `f` on the object behind `handle` while holding its slot lock.
    ///
    /// # Errors
    /// [`PoolError::StaleHandle`] when the handle names no live object.
    pub fn with<R>(&self, handle: Handle, f: impl FnOnce(&mut T) -> R) -> Result<R, PoolError> {
        let slot = self.live_slot(handle)?;
        Self::leave_live_state(slot, handle, handle.generation | LOCK)?;
        let _unlock = Unlock { state: &slot.state, generation: handle.generation };
        // SAFETY: we hold the slot lock of a live slot: nobody else reads,
        // writes or frees the T until `_unlock` drops.
        Ok(f(unsafe { (*slot.value.get()).assume_init_mut() }))
    }

    /// Moves `slot` from the unlocked live state of `handle` to `to`,
    /// waiting while another thread holds the slot lock.
    ///
    /// # Errors
    /// [`PoolError::StaleHandle`] once the slot is in any other state (freed,
    /// reused, or freed by a concurrent caller that won).
    fn leave_live_state(slot: &Slot<T>, handle: Handle, to: u32) -> Result<(), PoolError> {
        let backoff = Backoff::new();
        loop {
            match slot.state.compare_exchange_weak(handle.generation, to, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok(()),
                Err(now) if now == handle.generation => {}
                Err(now) if now == handle.generation | LOCK => backoff.snooze(),
                Err(_) => return Err(PoolError::StaleHandle),
            }
        }
    }

    fn live_slot(&self, handle: Handle) -> Result<&Slot<T>, PoolError> {
        let slot = self.slots.get(handle.index as usize).ok_or(PoolError::StaleHandle)?;
        if handle.generation & 1 == 0 || handle.generation & LOCK != 0 {
            return Err(PoolError::StaleHandle);
        }
        Ok(slot)
    }

    /// Whether `handle` names a live object (a snapshot: another thread may free it right after).
    pub fn contains(&self, handle: Handle) -> bool {
        self.live_slot(handle).is_ok_and(|s| s.state.load(Ordering::Acquire) & !LOCK == handle.generation)
    }

    /// The object behind `handle` (exclusive access to the pool).
    pub fn get(&mut self, handle: Handle) -> Option<&T> {
        self.get_mut(handle).map(|v| &*v)
    }

    /// The object behind `handle` mutably (exclusive access to the pool).
    pub fn get_mut(&mut self, handle: Handle) -> Option<&mut T> {
        let slot = self.slots.get_mut(handle.index as usize)?;
        if *slot.state.get_mut() != handle.generation || handle.generation & 1 == 0 {
            return None;
        }
        // SAFETY: an odd, unlocked state means a live, initialised T; &mut self is exclusive.
        Some(unsafe { slot.value.get_mut().assume_init_mut() })
    }

    /// Live objects with their handles in slot order (exclusive access to the pool).
    pub fn iter(&mut self) -> impl Iterator<Item = (Handle, &mut T)> + '_ {
        self.slots.iter_mut().enumerate().filter_map(|(i, slot)| {
            let generation = *slot.state.get_mut();
            // SAFETY: odd state = live T; each slot is visited once under &mut self.
            (generation & 1 == 1)
                .then(|| (Handle { index: i as u32, generation }, unsafe { slot.value.get_mut().assume_init_mut() }))
        })
    }

    /// Drops every live object; every outstanding handle becomes stale.
    pub fn clear(&mut self) {
        for (i, slot) in self.slots.iter_mut().enumerate() {
            let state = slot.state.get_mut();
            if *state & 1 == 1 {
                *state = next_generation(*state);
                // SAFETY: the slot was live; it is marked free above, so the T is not dropped again.
                unsafe { slot.value.get_mut().assume_init_drop() };
                self.free.push(i as u32).unwrap_or_else(|_| unreachable!("the queue has room for every slot"));
            }
        }
    }

    /// Live objects (a snapshot while other threads allocate and free).
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Whether no object is live (a snapshot).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }
}

impl<T> Drop for ConcurrentPool<T> {
    fn drop(&mut self) {
        if core::mem::needs_drop::<T>() {
            self.clear();
        }
    }
}

impl<T> std::fmt::Debug for ConcurrentPool<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConcurrentPool").field("capacity", &self.capacity()).field("live", &self.len()).finish()
    }
}
