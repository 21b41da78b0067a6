//! Owned-object handles and item ids.
//!
//! Owned objects (`TessAliasTable *`, `TessNavMesh *`, …) are `Box`es (one
//! owner, mutable) or `Arc`s (immutable, shareable). Every live one is
//! recorded in a lock-free set of (address, type tag) so a NULL, freed,
//! double-freed or wrong-type pointer from C is rejected with
//! `TESS_STALE_HANDLE` before it is ever dereferenced. A lookup costs a hash
//! and one or two atomic loads; inserts and removals are a CAS.
//!
//! Items inside containers (pool objects, grid entities, subscriptions) are
//! `u64` generational ids instead; see [`pack_item_id`].

use super::error::{FfiError, FfiResult};
use super::status::TESS_STALE_HANDLE;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// A C-visible opaque type standing for a Rust object.
pub trait Handle: Sized {
    /// The Rust object behind the handle.
    type Target;
    /// Name used in error messages ("alias table").
    const NAME: &'static str;
    /// Type tag stored beside the address; derived from `NAME`.
    const TAG: u64 = fnv1a(Self::NAME.as_bytes());
}

/// Ties the opaque C type `$c` (declared as `pub struct $c { _private: [u8; 0] }`
/// right before, so cbindgen and csbindgen see it) to the Rust type `$rust`.
macro_rules! opaque_handle {
    ($c:ident => $rust:ty, $name:literal) => {
        impl $crate::ffi::handle::Handle for $c {
            type Target = $rust;
            const NAME: &'static str = $name;
        }
    };
}
pub(crate) use opaque_handle;

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u64).wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

// ---- the live set ---------------------------------------------------------

const EMPTY: usize = 0;
const TOMBSTONE: usize = 1;
const FIRST_TABLE_BITS: u32 = 10;
const TABLES: usize = 22;

struct Slot {
    addr: AtomicUsize,
    tag: AtomicU64,
}

struct Table {
    slots: Box<[Slot]>,
    bits: u32,
    live: AtomicUsize,
}

impl Table {
    fn new(bits: u32) -> Self {
        let slots = (0..1usize << bits)
            .map(|_| Slot { addr: AtomicUsize::new(EMPTY), tag: AtomicU64::new(0) })
            .collect();
        Table { slots, bits, live: AtomicUsize::new(0) }
    }
    fn start(&self, addr: usize) -> usize {
        ((addr as u64 >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize
    }
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }
    /// Index of the slot holding `addr`, scanning until an empty slot.
    fn find(&self, addr: usize) -> Option<usize> {
        let mut i = self.start(addr);
        for _ in 0..self.slots.len() {
            match self.slots[i].addr.load(Ordering::Acquire) {
                a if a == addr => return Some(i),
                EMPTY => return None,
                _ => i = (i + 1) & self.mask(),
            }
        }
        None
    }
    fn try_insert(&self, addr: usize, tag: u64) -> bool {
        // Keep every table at most 3/4 full so probes stay short.
        let capacity = self.slots.len() / 4 * 3;
        if self.live.fetch_add(1, Ordering::AcqRel) >= capacity {
            self.live.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        let mut i = self.start(addr);
        loop {
            let slot = &self.slots[i];
            let current = slot.addr.load(Ordering::Acquire);
            if (current == EMPTY || current == TOMBSTONE)
                && slot.addr.compare_exchange(current, addr, Ordering::AcqRel, Ordering::Acquire).is_ok()
            {
                // The handle is published to C only after this returns.
                slot.tag.store(tag, Ordering::Release);
                return true;
            }
            i = (i + 1) & self.mask();
        }
    }
}

static LIVE: [OnceLock<Table>; TABLES] = [const { OnceLock::new() }; TABLES];

fn tables() -> impl Iterator<Item = &'static Table> {
    LIVE.iter().map_while(OnceLock::get)
}

fn register(addr: usize, tag: u64) {
    for (k, cell) in LIVE.iter().enumerate() {
        let table = cell.get_or_init(|| Table::new(FIRST_TABLE_BITS + k as u32));
        if table.try_insert(addr, tag) {
            return;
        }
    }
    // 3/4 of 2^10 + … + 2^31 slots: billions of live objects.
    panic!("handle table exhausted");
}

fn is_live(addr: usize, tag: u64) -> bool {
    tables().any(|t| t.find(addr).is_some_and(|i| t.slots[i].tag.load(Ordering::Acquire) == tag))
}

/// Removes `addr` if it is live with `tag`; exactly one caller wins.
fn unregister(addr: usize, tag: u64) -> bool {
    for table in tables() {
        if let Some(i) = table.find(addr) {
            let slot = &table.slots[i];
            if slot.tag.load(Ordering::Acquire) != tag {
                return false;
            }
            if slot.addr.compare_exchange(addr, TOMBSTONE, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                table.live.fetch_sub(1, Ordering::AcqRel);
                return true;
            }
            return false;
        }
    }
    false
}

fn stale<H: Handle>(param: &str) -> FfiError {
    FfiError::new(
        TESS_STALE_HANDLE,
        format!("`{param}` is not a live {} handle (freed, never created, or another type)", H::NAME),
    )
}

fn checked<H: Handle>(ptr: *const H, param: &str) -> FfiResult<usize> {
    if ptr.is_null() {
        return Err(FfiError::null(param));
    }
    let addr = ptr as usize;
    if is_live(addr, H::TAG) {
        Ok(addr)
    } else {
        Err(stale::<H>(param))
    }
}

// ---- Box-owned objects ------------------------------------------------------

/// Moves `value` to the heap and returns its registered handle.
pub fn new_boxed<H: Handle>(value: H::Target) -> *mut H {
    let ptr = Box::into_raw(Box::new(value));
    register(ptr as usize, H::TAG);
    ptr.cast()
}

/// Borrows the object behind a live handle.
pub fn boxed_ref<'a, H: Handle>(ptr: *const H, param: &str) -> FfiResult<&'a H::Target> {
    let addr = checked(ptr, param)?;
    // SAFETY: `addr` is registered, so it came from `new_boxed::<H>` and is not freed.
    Ok(unsafe { &*(addr as *const H::Target) })
}

/// Mutably borrows the object behind a live handle. The C contract (one
/// thread at a time per Box-owned object) makes the borrow unique.
pub fn boxed_mut<'a, H: Handle>(ptr: *mut H, param: &str) -> FfiResult<&'a mut H::Target> {
    let addr = checked(ptr, param)?;
    // SAFETY: registered by `new_boxed::<H>`; uniqueness is the documented C contract.
    Ok(unsafe { &mut *(addr as *mut H::Target) })
}

/// Takes the object back from C (for `_free` and consuming `_build` calls).
/// `Ok(None)` for NULL; a stale handle is an error and nothing is freed.
pub fn take_boxed<H: Handle>(ptr: *mut H, param: &str) -> FfiResult<Option<H::Target>> {
    if ptr.is_null() {
        return Ok(None);
    }
    if !unregister(ptr as usize, H::TAG) {
        return Err(stale::<H>(param));
    }
    // SAFETY: we just removed the only registration of a pointer from `new_boxed::<H>`.
    Ok(Some(*unsafe { Box::from_raw(ptr.cast::<H::Target>()) }))
}

// ---- Arc-shared objects -----------------------------------------------------

/// Publishes a shared object to C.
pub fn new_shared<H: Handle>(value: Arc<H::Target>) -> *const H {
    let ptr = Arc::into_raw(value);
    register(ptr as usize, H::TAG);
    ptr.cast()
}

/// Borrows the shared object behind a live handle.
pub fn shared_ref<'a, H: Handle>(ptr: *const H, param: &str) -> FfiResult<&'a H::Target> {
    let addr = checked(ptr, param)?;
    // SAFETY: registered by `new_shared::<H>`, so the Arc still holds a count for C.
    Ok(unsafe { &*(addr as *const H::Target) })
}

/// A new strong reference to the shared object behind a live handle.
pub fn shared_clone<H: Handle>(ptr: *const H, param: &str) -> FfiResult<Arc<H::Target>> {
    let addr = checked(ptr, param)?;
    let ptr = addr as *const H::Target;
    // SAFETY: registered by `new_shared::<H>`: the pointer came from Arc::into_raw and C's count is live.
    unsafe {
        Arc::increment_strong_count(ptr);
        Ok(Arc::from_raw(ptr))
    }
}

/// Drops C's reference to a shared object. NULL is a no-op.
pub fn release_shared<H: Handle>(ptr: *const H, param: &str) -> FfiResult<()> {
    if ptr.is_null() {
        return Ok(());
    }
    if !unregister(ptr as usize, H::TAG) {
        return Err(stale::<H>(param));
    }
    // SAFETY: the registration we removed owned one strong count from Arc::into_raw.
    drop(unsafe { Arc::from_raw(ptr.cast::<H::Target>()) });
    Ok(())
}

// ---- item ids ---------------------------------------------------------------

/// Packs a slot index and a generation (never 0) into a C item id; 0 means none.
pub fn pack_item_id(index: u32, generation: u32) -> u64 {
    debug_assert_ne!(generation, 0);
    (u64::from(generation) << 32) | u64::from(index)
}

/// Splits a C item id into (index, generation); `None` for 0.
pub fn unpack_item_id(id: u64) -> Option<(u32, u32)> {
    let generation = (id >> 32) as u32;
    (generation != 0).then_some((id as u32, generation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::status::*;

    #[derive(Debug)]
    pub struct Thing(u32);
    pub struct TessThing {
        _private: [u8; 0],
    }
    pub struct TessOther {
        _private: [u8; 0],
    }
    opaque_handle!(TessThing => Thing, "thing");
    opaque_handle!(TessOther => Thing, "other thing");

    #[test]
    fn stale_foreign_and_double_free_are_rejected() {
        let h = new_boxed::<TessThing>(Thing(7));
        assert_eq!(boxed_ref(h, "h").unwrap().0, 7);
        assert_eq!(boxed_ref(h.cast::<TessOther>(), "h").unwrap_err().status, TESS_FAILURE | TESS_STALE_HANDLE);
        assert_eq!(take_boxed(h, "h").unwrap().unwrap().0, 7);
        assert_eq!(boxed_ref(h, "h").unwrap_err().status, TESS_FAILURE | TESS_STALE_HANDLE);
        assert!(take_boxed(h, "h").is_err());
        assert!(take_boxed::<TessThing>(core::ptr::null_mut(), "h").unwrap().is_none());
        assert_eq!(boxed_ref::<TessThing>(core::ptr::null(), "h").unwrap_err().status, TESS_FAILURE | TESS_NULL_PARAM);
    }

    #[test]
    fn many_handles_spill_into_larger_tables() {
        let handles: Vec<_> = (0..5000).map(|i| new_boxed::<TessThing>(Thing(i))).collect();
        for (i, h) in handles.iter().enumerate() {
            assert_eq!(boxed_ref(*h, "h").unwrap().0, i as u32);
        }
        for h in handles {
            assert!(take_boxed(h, "h").unwrap().is_some());
        }
    }

    #[test]
    fn shared_handles_keep_the_object_alive() {
        let h = new_shared::<TessThing>(Arc::new(Thing(3)));
        let extra = shared_clone(h, "h").unwrap();
        release_shared(h, "h").unwrap();
        assert_eq!(extra.0, 3);
        assert!(release_shared(h, "h").is_err());
    }

    #[test]
    fn item_ids_round_trip_and_zero_is_none() {
        assert_eq!(unpack_item_id(pack_item_id(5, 9)), Some((5, 9)));
        assert_eq!(unpack_item_id(0), None);
    }
}
