//! The slot engine shared by [`Pool`](super::Pool) and [`RawPool`](super::RawPool).
//!
//! # Memory layout
//! Slots live in chunks of raw, zero-initialised memory that never move once
//! allocated. A slot is
//!
//! ```text
//! offset 0            body_offset                      stride
//! | generation: u32 | pad | body: max(elem_size, 4) bytes | pad |
//! ```
//!
//! While a slot is free its body holds the index of the next free slot (the
//! free list is threaded through the unused slots themselves, no side
//! allocation); while it is live the body holds the object. The generation is
//! odd exactly while the slot is live, so a handle (index, generation) names a
//! live object iff the slot's generation equals the handle's and is odd: a
//! freed, double-freed or forged handle never matches. Slots past `fresh` have
//! never been used and still read generation 0 (free) from the zeroed chunk.
//!
//! # Hot spot
//! This file is the pool's documented unsafe hot spot: slot addresses are
//! computed with pointer arithmetic so alloc/free/get cost a few instructions.
//! Every `unsafe` block relies on two invariants kept here: `idx < self.slots`
//! before a slot address is formed, and each chunk holds `1 << shift` (Grow) or
//! `slots` (fixed pools) slots of `stride` bytes aligned to `slot_align`.

use super::{FullPolicy, Handle, PoolConfig, PoolError, PoolStats};
use bitvec::prelude::{BitArray, Lsb0};
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// "No slot" in the free list and the eviction order.
pub(crate) const NIL: u32 = u32::MAX;
/// Slots in one Grow chunk when the initial capacity is 0.
const DEFAULT_CHUNK: u32 = 64;
/// Largest slot count of any pool (NIL is reserved).
pub(crate) const MAX_SLOTS: u32 = u32::MAX - 1;

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

const fn round_up(n: usize, align: usize) -> usize {
    (n + align - 1) & !(align - 1)
}

/// Where the body sits in a slot and how far apart slots are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Geometry {
    /// Bytes of one element as the user sees it.
    pub elem_size: usize,
    /// Offset of the body from the start of the slot.
    pub body_offset: usize,
    /// Bytes of the body: the element, at least 4 for the free link.
    pub body_size: usize,
    /// Distance between consecutive slots.
    pub stride: usize,
    /// Alignment of every slot (and of every chunk).
    pub slot_align: usize,
}

impl Geometry {
    /// Slot geometry for elements of `size` bytes aligned to `align` (a power of two).
    pub const fn new(size: usize, align: usize) -> Geometry {
        let slot_align = max(align, 4);
        let body_size = max(size, 4);
        let body_offset = round_up(4, slot_align);
        let stride = round_up(body_offset + body_size, slot_align);
        Geometry { elem_size: size, body_offset, body_size, stride, slot_align }
    }
}

/// Supplies the slot geometry: a compile-time constant for typed pools, a
/// run-time value for raw pools.
pub(crate) trait SlotLayout {
    /// The geometry.
    fn geometry(&self) -> Geometry;
}

/// Geometry of `T`, known at compile time.
pub(crate) struct Typed<T>(PhantomData<fn() -> T>);

impl<T> Typed<T> {
    pub(crate) const GEOMETRY: Geometry = Geometry::new(core::mem::size_of::<T>(), core::mem::align_of::<T>());
    pub(crate) fn new() -> Self {
        Typed(PhantomData)
    }
}

impl<T> SlotLayout for Typed<T> {
    #[inline(always)]
    fn geometry(&self) -> Geometry {
        Self::GEOMETRY
    }
}

impl SlotLayout for Geometry {
    #[inline(always)]
    fn geometry(&self) -> Geometry {
        *self
    }
}

/// Previous and next live slot in allocation order (EvictOldest pools only).
#[derive(Debug, Clone, Copy)]
struct Link {
    prev: u32,
    next: u32,
}

/// Index bookkeeping and slot storage of a pool, independent of the element type.
pub(crate) struct Engine<L: SlotLayout> {
    layout: L,
    chunks: Vec<NonNull<u8>>,
    /// The first chunk (null before it exists): slots below `first_chunk_slots`
    /// are addressed from it directly, so finding a slot costs no dependent load.
    first_chunk: *mut u8,
    /// Slots the first chunk's allocation holds (0 before it exists). Some may
    /// lie past `slots` (a Grow pool rounds its chunk up to a power of two);
    /// they are zeroed, so they read as free and no handle matches them.
    first_chunk_slots: u32,
    /// Slot count of one chunk's allocation.
    chunk_slots: u32,
    /// `idx >> shift` is the chunk, `idx & mask` the slot in it.
    shift: u32,
    mask: u32,
    /// Usable slots (the capacity).
    slots: u32,
    /// Slots `fresh..slots` have never been allocated.
    fresh: u32,
    free_head: u32,
    live: u32,
    /// Whether `release` has more to do than the free list: debug fill or
    /// the EvictOldest allocation order (one test on the hot path for both).
    has_release_extras: bool,
    /// In-use bitset, one `usize` word of bits per element: bitvec's
    /// `BitArray` is a plain word, so a bit flip is one or/and.
    in_use: Vec<BitArray<usize, Lsb0>>,
    policy: FullPolicy,
    max_capacity: u32,
    debug_fill: bool,
    order: Vec<Link>,
    oldest: u32,
    newest: u32,
    evictions: u64,
}

// SAFETY: the engine owns its chunks exclusively; it holds no thread-bound
// state. Typed pools add the `T: Send`/`T: Sync` bounds themselves.
unsafe impl<L: SlotLayout + Send> Send for Engine<L> {}
// SAFETY: `&Engine` only reads (generations, bits, counters).
unsafe impl<L: SlotLayout + Sync> Sync for Engine<L> {}

impl<L: SlotLayout> Engine<L> {
    /// Creates the engine and allocates the first chunk (unless a Grow pool starts at 0).
    pub fn new(layout: L, config: &PoolConfig) -> Result<Self, PoolError> {
        let g = layout.geometry();
        let max_capacity = config.max_capacity.min(MAX_SLOTS);
        if config.capacity > max_capacity {
            return Err(PoolError::CapacityTooLarge { requested: config.capacity, limit: max_capacity });
        }
        let (chunk_slots, shift, mask) = match config.policy {
            FullPolicy::Grow => {
                let n = if config.capacity == 0 { DEFAULT_CHUNK } else { config.capacity };
                let n = n.checked_next_power_of_two().ok_or(PoolError::CapacityTooLarge {
                    requested: config.capacity,
                    limit: 1 << 31,
                })?;
                (n, n.trailing_zeros(), n - 1)
            }
            FullPolicy::Fail | FullPolicy::EvictOldest => {
                if config.capacity == 0 {
                    return Err(PoolError::ZeroCapacity);
                }
                // One chunk: `idx >> 32` is always chunk 0.
                (config.capacity, 32, u32::MAX)
            }
        };
        // Fail early if one chunk cannot even be described.
        chunk_layout(g, chunk_slots)?;
        let mut engine = Engine {
            layout,
            chunks: Vec::new(),
            first_chunk: core::ptr::null_mut(),
            first_chunk_slots: 0,
            chunk_slots,
            shift,
            mask,
            slots: 0,
            fresh: 0,
            free_head: NIL,
            live: 0,
            has_release_extras: config.debug_fill || config.policy == FullPolicy::EvictOldest,
            in_use: Vec::new(),
            policy: config.policy,
            max_capacity,
            debug_fill: config.debug_fill,
            order: Vec::new(),
            oldest: NIL,
            newest: NIL,
            evictions: 0,
        };
        if config.capacity > 0 {
            engine.add_chunk(config.capacity)?;
        }
        if config.policy == FullPolicy::EvictOldest {
            engine.order = vec![Link { prev: NIL, next: NIL }; config.capacity as usize];
        }
        Ok(engine)
    }

    /// Allocates one more chunk and makes `usable` of its slots available.
    fn add_chunk(&mut self, usable: u32) -> Result<(), PoolError> {
        let layout = chunk_layout(self.layout.geometry(), self.chunk_slots)?;
        // SAFETY: the layout has a non-zero size (chunk_slots >= 1, stride >= 4).
        let ptr = unsafe { alloc_zeroed(layout) };
        let ptr = NonNull::new(ptr).ok_or(PoolError::OutOfMemory)?;
        if self.chunks.is_empty() {
            self.first_chunk = ptr.as_ptr();
            self.first_chunk_slots = self.chunk_slots;
        }
        self.chunks.push(ptr);
        self.slots += usable;
        self.in_use.resize((self.slots as usize).div_ceil(usize::BITS as usize), BitArray::ZERO);
        Ok(())
    }

    #[inline(always)]
    fn slot_ptr(&self, idx: u32) -> *mut u8 {
        debug_assert!(idx < self.slots);
        if idx < self.first_chunk_slots {
            return self.first_chunk_slot(idx);
        }
        self.later_chunk_slot(idx)
    }

    #[inline(always)]
    fn first_chunk_slot(&self, idx: u32) -> *mut u8 {
        debug_assert!(idx < self.first_chunk_slots);
        // SAFETY: idx < first_chunk_slots: the first chunk exists and its allocation holds slot idx.
        unsafe { self.first_chunk.add(idx as usize * self.layout.geometry().stride) }
    }

    #[inline(always)]
    fn later_chunk_slot(&self, idx: u32) -> *mut u8 {
        debug_assert!(idx < self.slots);
        let g = self.layout.geometry();
        let chunk = (u64::from(idx) >> self.shift) as usize;
        let offset = (idx & self.mask) as usize * g.stride;
        // SAFETY: idx < slots, so the chunk exists and `offset` lies inside it.
        unsafe { self.chunks.get_unchecked(chunk).as_ptr().add(offset) }
    }

    #[inline(always)]
    fn generation_at(&self, slot: *mut u8) -> u32 {
        // SAFETY: `slot` is a slot start: aligned to >= 4 and inside a zeroed
        // or written chunk, so the u32 is initialised.
        unsafe { *slot.cast::<u32>() }
    }

    #[inline(always)]
    fn set_generation(&mut self, slot: *mut u8, generation: u32) {
        // SAFETY: as `generation_at`; `&mut self` means no reader.
        unsafe { *slot.cast::<u32>() = generation }
    }

    /// The element geometry.
    #[inline(always)]
    pub fn geometry(&self) -> Geometry {
        self.layout.geometry()
    }

    /// The body of the slot behind a live handle.
    #[inline(always)]
    pub fn live_body(&self, handle: Handle) -> Option<*mut u8> {
        // One comparison for the common case: every slot of the first chunk's
        // allocation is readable, even those past `slots`, which read as free.
        let slot = if handle.index < self.first_chunk_slots {
            self.first_chunk_slot(handle.index)
        } else if handle.index < self.slots {
            self.later_chunk_slot(handle.index)
        } else {
            return None;
        };
        let generation = self.generation_at(slot);
        if generation == handle.generation && generation & 1 == 1 {
            // SAFETY: body_offset < stride: still inside the slot.
            Some(unsafe { slot.add(self.layout.geometry().body_offset) })
        } else {
            None
        }
    }

    /// Body of slot `idx`, which must be live (used by iteration).
    #[inline(always)]
    pub fn body_of(&self, idx: u32) -> (Handle, *mut u8) {
        let slot = self.slot_ptr(idx);
        let generation = self.generation_at(slot);
        // SAFETY: body_offset < stride.
        (Handle { index: idx, generation }, unsafe { slot.add(self.layout.geometry().body_offset) })
    }

    /// Takes a free or never-used slot, or `None` when every slot is live
    /// (the caller then applies the full policy through
    /// [`alloc_when_full`](Self::alloc_when_full)). On success the slot is
    /// live and its body holds no object.
    ///
    /// This is the whole hot path of an allocation: no policy decision, no
    /// eviction plumbing; it stays small enough to inline into the caller.
    #[inline(always)]
    pub fn alloc_free(&mut self) -> Option<(Handle, *mut u8)> {
        let g = self.layout.geometry();
        let (idx, slot) = if self.free_head != NIL {
            let idx = self.free_head;
            let slot = self.slot_ptr(idx);
            // SAFETY: a free slot's body starts with its u32 free link.
            self.free_head = unsafe { *slot.add(g.body_offset).cast::<u32>() };
            (idx, slot)
        } else if self.fresh < self.slots {
            let idx = self.fresh;
            self.fresh += 1;
            (idx, self.slot_ptr(idx))
        } else {
            return None;
        };
        Some(self.occupy(idx, slot))
    }

    /// Marks the free slot `idx` (at `slot`) live: new generation, in-use
    /// bit, live count and, for `EvictOldest`, the allocation order.
    #[inline(always)]
    fn occupy(&mut self, idx: u32, slot: *mut u8) -> (Handle, *mut u8) {
        let generation = self.generation_at(slot).wrapping_add(1);
        self.set_generation(slot, generation);
        self.set_bit(idx, true);
        self.live += 1;
        if self.policy == FullPolicy::EvictOldest {
            self.link_newest(idx);
        }
        // SAFETY: body_offset < stride.
        (Handle { index: idx, generation }, unsafe { slot.add(self.layout.geometry().body_offset) })
    }

    /// Takes a slot for a new object. On success the slot is live; its body
    /// holds the old bytes (for an evicted slot: the evicted object, whose
    /// handle is returned second so the caller can take it out first).
    #[inline]
    pub fn alloc(&mut self) -> Result<(Handle, *mut u8, Option<Handle>), PoolError> {
        match self.alloc_free() {
            Some((handle, body)) => Ok((handle, body, None)),
            None => self.alloc_when_full(),
        }
    }

    /// An allocation when every slot is live: fail, grow or evict by the
    /// policy. Returns as [`alloc`](Self::alloc).
    #[cold]
    #[inline(never)]
    pub fn alloc_when_full(&mut self) -> Result<(Handle, *mut u8, Option<Handle>), PoolError> {
        let (idx, evicted) = self.take_when_full()?;
        let slot = self.slot_ptr(idx);
        let (handle, body) = self.occupy(idx, slot);
        Ok((handle, body, evicted))
    }

    /// Picks the slot for `alloc_when_full`: fail, grow or evict.
    fn take_when_full(&mut self) -> Result<(u32, Option<Handle>), PoolError> {
        match self.policy {
            FullPolicy::Fail => Err(PoolError::Full),
            FullPolicy::Grow => {
                let room = self.max_capacity - self.slots;
                if room == 0 {
                    return Err(PoolError::Full);
                }
                self.add_chunk(room.min(self.chunk_slots))?;
                self.fresh += 1;
                Ok((self.fresh - 1, None))
            }
            FullPolicy::EvictOldest => {
                let idx = self.oldest;
                debug_assert_ne!(idx, NIL, "a full pool has a live slot");
                let slot = self.slot_ptr(idx);
                let old = self.generation_at(slot);
                self.unlink(idx);
                self.evictions += 1;
                self.live -= 1;
                // Free then allocate again: the generation moves on by two.
                self.set_generation(slot, old.wrapping_add(1));
                Ok((idx, Some(Handle { index: idx, generation: old })))
            }
        }
    }

    /// Frees the slot of `handle`, whose `body` the caller got from
    /// [`live_body`](Self::live_body) and whose object it has taken out.
    #[inline(always)]
    pub fn release(&mut self, handle: Handle, body: *mut u8) {
        let g = self.layout.geometry();
        let idx = handle.index;
        // SAFETY: `body` is this slot's body, `body_offset` bytes into the slot.
        let slot = unsafe { body.sub(g.body_offset) };
        debug_assert_eq!(slot, self.slot_ptr(idx));
        debug_assert_eq!(self.generation_at(slot), handle.generation);
        self.set_generation(slot, handle.generation.wrapping_add(1));
        if self.has_release_extras {
            self.release_extras(idx, body);
        }
        // SAFETY: body_offset + 4 <= stride; the slot is ours (&mut self).
        unsafe { *body.cast::<u32>() = self.free_head };
        self.free_head = idx;
        self.set_bit(idx, false);
        self.live -= 1;
    }

    /// The optional part of `release`: debug fill and the allocation order.
    /// Inlined: a call on the free path, even one never taken, would make
    /// the compiler reload every counter from memory after each free.
    #[inline(always)]
    fn release_extras(&mut self, idx: u32, body: *mut u8) {
        if self.debug_fill {
            // SAFETY: the body holds body_size bytes of this (now free) slot.
            unsafe { core::ptr::write_bytes(body, 0xDD, self.layout.geometry().body_size) };
        }
        if self.policy == FullPolicy::EvictOldest {
            self.unlink(idx);
        }
    }

    /// Frees every live slot (the caller has dropped the objects): every
    /// outstanding handle becomes stale. Slots are reused lowest index first.
    pub fn clear(&mut self) {
        let g = self.layout.geometry();
        self.free_head = NIL;
        for idx in (0..self.fresh).rev() {
            let slot = self.slot_ptr(idx);
            let generation = self.generation_at(slot);
            if generation & 1 == 1 {
                self.set_generation(slot, generation.wrapping_add(1));
            }
            // SAFETY: as in `release`.
            unsafe {
                let body = slot.add(g.body_offset);
                if self.debug_fill && generation & 1 == 1 {
                    core::ptr::write_bytes(body, 0xDD, g.body_size);
                }
                *body.cast::<u32>() = self.free_head;
            }
            self.free_head = idx;
        }
        self.in_use.fill(BitArray::ZERO);
        self.live = 0;
        self.oldest = NIL;
        self.newest = NIL;
    }

    #[inline(always)]
    fn set_bit(&mut self, idx: u32, on: bool) {
        let bits = usize::BITS;
        // SAFETY: idx < slots, and in_use has ceil(slots / bits) words.
        let word = unsafe { self.in_use.get_unchecked_mut((idx / bits) as usize) };
        // The raw word, not BitSlice::set: that goes through bitvec's encoded
        // span pointer and costs several times more on this hot path.
        let mask = 1usize << (idx % bits);
        if on {
            word.data |= mask;
        } else {
            word.data &= !mask;
        }
    }

    fn link_newest(&mut self, idx: u32) {
        self.order[idx as usize] = Link { prev: self.newest, next: NIL };
        if self.newest == NIL {
            self.oldest = idx;
        } else {
            self.order[self.newest as usize].next = idx;
        }
        self.newest = idx;
    }

    fn unlink(&mut self, idx: u32) {
        let Link { prev, next } = self.order[idx as usize];
        if prev == NIL {
            self.oldest = next;
        } else {
            self.order[prev as usize].next = next;
        }
        if next == NIL {
            self.newest = prev;
        } else {
            self.order[next as usize].prev = prev;
        }
    }

    /// Indices of live slots in ascending order.
    pub fn live_indices(&self) -> impl Iterator<Item = u32> + '_ {
        let bits = usize::BITS;
        self.in_use.iter().enumerate().flat_map(move |(w, word)| word.iter_ones().map(move |b| w as u32 * bits + b as u32))
    }

    /// Number of live objects.
    #[inline]
    pub fn len(&self) -> u32 {
        self.live
    }

    /// Usable slots right now.
    #[inline]
    pub fn capacity(&self) -> u32 {
        self.slots
    }

    /// The policy chosen at creation.
    pub fn policy(&self) -> FullPolicy {
        self.policy
    }

    /// Most live objects at any one time since creation, derived rather
    /// than counted on every allocation: it equals `fresh`, the number of
    /// slots ever used. Proof: a slot below `fresh` is either live or on the
    /// free list, and the free list is taken before any fresh slot, so
    /// `fresh` grows only when every slot below it is live, which makes
    /// `live == fresh` right after; otherwise `live <= fresh` (live slots all
    /// lie below `fresh`), and `fresh` never shrinks (`clear` puts every
    /// used slot back on the free list). Eviction leaves both unchanged.
    #[inline]
    fn high_water(&self) -> u32 {
        self.fresh
    }

    /// Counters.
    pub fn stats(&self) -> PoolStats {
        PoolStats { capacity: self.slots, live: self.live, high_water: self.high_water(), evictions: self.evictions }
    }

    /// Live handles from oldest to newest allocation (EvictOldest pools only; empty otherwise).
    pub fn allocation_order(&self) -> Vec<Handle> {
        let mut out = Vec::new();
        let mut idx = self.oldest;
        while idx != NIL && self.policy == FullPolicy::EvictOldest {
            out.push(self.body_of(idx).0);
            idx = self.order[idx as usize].next;
        }
        out
    }
}

/// Walks the in-use bitset word by word: the cursor keeps the remaining bits
/// of the current word, so each step is a trailing-zero count and a clear.
#[derive(Debug, Clone, Default)]
pub(crate) struct LiveCursor {
    w: usize,
    word: usize,
    started: bool,
}

impl LiveCursor {
    /// The next live slot of `engine` in ascending order.
    #[inline]
    pub fn next<L: SlotLayout>(&mut self, engine: &Engine<L>) -> Option<u32> {
        if !self.started {
            self.started = true;
            self.word = engine.in_use.first()?.data;
        }
        while self.word == 0 {
            self.w += 1;
            self.word = engine.in_use.get(self.w)?.data;
        }
        let bit = self.word.trailing_zeros();
        self.word &= self.word - 1;
        Some(self.w as u32 * usize::BITS + bit)
    }
}

fn chunk_layout(g: Geometry, slots: u32) -> Result<Layout, PoolError> {
    let bytes = g.stride.checked_mul(slots as usize).ok_or(PoolError::OutOfMemory)?;
    Layout::from_size_align(bytes, g.slot_align).map_err(|_| PoolError::OutOfMemory)
}

impl<L: SlotLayout> Drop for Engine<L> {
    fn drop(&mut self) {
        let layout = chunk_layout(self.layout.geometry(), self.chunk_slots).expect("checked at creation");
        for chunk in self.chunks.drain(..) {
            // SAFETY: every chunk was allocated with this very layout.
            unsafe { dealloc(chunk.as_ptr(), layout) };
        }
    }
}
