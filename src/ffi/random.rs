//! C API: seeded RNG, alias tables, prefix-sum samplers, PRD.

use super::buffer::{in_slice, out_ref, out_slice};
use super::error::{ffi_status, FfiError, FfiResult};
use super::handle::{boxed_ref, new_boxed, opaque_handle, take_boxed, Handle};
use super::status::*;
use crate::random::{prd_c_from_p, AliasTable, CdfSampler, Prd, Rng, WeightError};

/// State of the deterministic generator: xoshiro256++ seeded by SplitMix64.
/// The same seed gives the same numbers from every language and platform.
///
/// Ownership: a plain value owned by the caller; copy it to fork a stream.
/// Thread-safety: one thread at a time per instance; give each thread its own
/// (seed differently, or copy and call `tess_rng_jump`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessRng {
    /// xoshiro256++ state words. Never all zero once seeded.
    pub state: [u64; 4],
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn rng_mut<'a>(rng: *mut TessRng) -> FfiResult<&'a mut Rng> {
    let raw = out_ref(rng, "rng")?;
    if raw.state == [0; 4] {
        return Err(FfiError::invalid("`rng` has an all-zero state: seed it with tess_rng_seed"));
    }
    // SAFETY: TessRng and Rng are both exactly [u64; 4] (Rng's one field), and
    // any non-zero state is valid for xoshiro.
    Ok(unsafe { &mut *(raw as *mut TessRng).cast::<Rng>() })
}

const _: () = assert!(core::mem::size_of::<Rng>() == core::mem::size_of::<TessRng>());

fn weight_error(e: WeightError) -> FfiError {
    FfiError::invalid(e.to_string())
}

/// Seeds `rng` from a 64-bit seed.
///
/// @param[out] rng   The generator to initialise.
/// @param[in]  seed  Any value, including 0.
///
/// # Safety
/// `rng` must be NULL or point to a writable `TessRng`.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_seed(rng: *mut TessRng, seed: u64) -> TessStatus {
    ffi_status!({
        out_ref(rng, "rng")?.state = Rng::new(seed).state();
        Ok(TESS_SUCCESS)
    })
}

/// Next 64 random bits.
///
/// # Safety
/// `rng` and `out` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_next_u64(rng: *mut TessRng, out: *mut u64) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = rng_mut(rng)?.next_u64();
        Ok(TESS_SUCCESS)
    })
}

/// Next 32 random bits (the high half of the next 64-bit output).
///
/// # Safety
/// `rng` and `out` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_next_u32(rng: *mut TessRng, out: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = rng_mut(rng)?.next_u32();
        Ok(TESS_SUCCESS)
    })
}

/// Uniform double in [0, 1) with 53 random bits.
///
/// # Safety
/// `rng` and `out` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_next_f64(rng: *mut TessRng, out: *mut f64) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = rng_mut(rng)?.next_f64();
        Ok(TESS_SUCCESS)
    })
}

/// Uniform float in [0, 1) with 24 random bits.
///
/// # Safety
/// `rng` and `out` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_next_f32(rng: *mut TessRng, out: *mut f32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = rng_mut(rng)?.next_f32();
        Ok(TESS_SUCCESS)
    })
}

/// Unbiased uniform integer in [0, bound).
///
/// @param[in]  bound  Exclusive upper limit. [Limit: >= 1]
///
/// # Safety
/// `rng` and `out` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_below(rng: *mut TessRng, bound: u64, out: *mut u64) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        if bound == 0 {
            return Err(FfiError::invalid("`bound` must be at least 1"));
        }
        *out = rng_mut(rng)?.below(bound);
        Ok(TESS_SUCCESS)
    })
}

/// Fills `out[0..count]` with 64-bit outputs (the same values as `count`
/// calls of `tess_rng_next_u64`).
///
/// # Safety
/// `rng` must be valid and `out` must hold `count` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_fill_u64(rng: *mut TessRng, out: *mut u64, count: u32) -> TessStatus {
    ffi_status!({
        let out = out_slice(out, count as usize, "out")?;
        let rng = rng_mut(rng)?;
        out.iter_mut().for_each(|o| *o = rng.next_u64());
        Ok(TESS_SUCCESS)
    })
}

/// Advances `rng` by 2^128 steps: copies jumped 1, 2, 3… times give
/// non-overlapping streams for parallel workers.
///
/// # Safety
/// `rng` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_rng_jump(rng: *mut TessRng) -> TessStatus {
    ffi_status!({
        rng_mut(rng)?.jump();
        Ok(TESS_SUCCESS)
    })
}

/// Alias table (Vose) over n weighted categories: O(1) sampling.
///
/// Ownership: created by `tess_alias_table_new`, freed by `tess_alias_table_free`.
/// Thread-safety: immutable after creation; any number of threads may
/// sample at once, each with its own `TessRng`.
pub struct TessAliasTable {
    _private: [u8; 0],
}
opaque_handle!(TessAliasTable => AliasTable, "alias table");

/// Prefix-sum sampler over n weighted categories: O(log n) sampling.
///
/// Ownership: created by `tess_cdf_sampler_new`, freed by `tess_cdf_sampler_free`.
/// Thread-safety: immutable after creation; sample from any number of threads.
pub struct TessCdfSampler {
    _private: [u8; 0],
}
opaque_handle!(TessCdfSampler => CdfSampler, "prefix-sum sampler");

/// A weighted sampler built from weights, shared by both C object kinds.
trait Sampler: Sized {
    fn build(weights: &[f64]) -> Result<Self, WeightError>;
    fn draw(&self, rng: &mut Rng) -> u32;
    fn categories(&self) -> u32;
}

impl Sampler for AliasTable {
    fn build(weights: &[f64]) -> Result<Self, WeightError> {
        AliasTable::new(weights)
    }
    fn draw(&self, rng: &mut Rng) -> u32 {
        self.sample(rng)
    }
    fn categories(&self) -> u32 {
        self.len()
    }
}

impl Sampler for CdfSampler {
    fn build(weights: &[f64]) -> Result<Self, WeightError> {
        CdfSampler::new(weights)
    }
    fn draw(&self, rng: &mut Rng) -> u32 {
        self.sample(rng)
    }
    fn categories(&self) -> u32 {
        self.len()
    }
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn sampler_new<H: Handle>(weights: *const f64, count: u32, out: *mut *mut H) -> FfiResult
where
    H::Target: Sampler,
{
    let out = out_ref(out, "out")?;
    *out = core::ptr::null_mut();
    let weights = in_slice(weights, count as usize, "weights")?;
    *out = new_boxed::<H>(H::Target::build(weights).map_err(weight_error)?);
    Ok(TESS_SUCCESS)
}

/// # Safety
/// Pointer arguments follow the calling export's contract (valid or NULL, sized as documented).
unsafe fn sampler_sample<H: Handle>(sampler: *const H, rng: *mut TessRng, out: *mut u32, count: u32) -> FfiResult
where
    H::Target: Sampler,
{
    let sampler = boxed_ref(sampler, "table")?;
    let out = if count == 1 { core::slice::from_mut(out_ref(out, "out")?) } else { out_slice(out, count as usize, "out")? };
    let rng = rng_mut(rng)?;
    out.iter_mut().for_each(|o| *o = sampler.draw(rng));
    Ok(TESS_SUCCESS)
}

/// Builds an alias table.
///
/// @param[in]  weights  `count` finite, non-negative weights, not all zero, with a finite sum.
/// @param[in]  count    Number of categories. [Limit: >= 1]
/// @param[out] out      The new table; set to NULL on failure.
/// @return SUCCESS, or FAILURE with INVALID_PARAM (bad weights, message names the index) or NULL_PARAM.
///
/// # Safety
/// `weights` must hold `count` doubles; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_alias_table_new(weights: *const f64, count: u32, out: *mut *mut TessAliasTable) -> TessStatus {
    ffi_status!({ sampler_new(weights, count, out) })
}

/// Number of categories of `table`.
///
/// # Safety
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_alias_table_len(table: *const TessAliasTable, out: *mut u32) -> TessStatus {
    ffi_status!({
        let out = out_ref(out, "out")?;
        *out = boxed_ref(table, "table")?.categories();
        Ok(TESS_SUCCESS)
    })
}

/// Draws `count` category indices into `out` (1 for a single sample).
///
/// @param[in]     table  The alias table.
/// @param[in,out] rng    Generator, advanced by exactly `count` 64-bit outputs.
/// @param[out]    out    `count` indices in [0, n).
///
/// # Safety
/// `rng` must be valid; `out` must hold `count` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_alias_table_sample(table: *const TessAliasTable, rng: *mut TessRng, out: *mut u32, count: u32) -> TessStatus {
    ffi_status!({ sampler_sample(table, rng, out, count) })
}

/// Frees an alias table. NULL is a no-op; a stale pointer is ignored and
/// reported through `tess_last_error_message`.
///
/// # Safety
/// `table` must not be in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn tess_alias_table_free(table: *mut TessAliasTable) {
    ffi_status!({ take_boxed(table, "table").map(|_| TESS_SUCCESS) });
}

/// Builds a prefix-sum sampler; parameters as `tess_alias_table_new`.
///
/// # Safety
/// `weights` must hold `count` doubles; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_cdf_sampler_new(weights: *const f64, count: u32, out: *mut *mut TessCdfSampler) -> TessStatus {
    ffi_status!({ sampler_new(weights, count, out) })
}

/// Draws `count` category indices into `out`; as `tess_alias_table_sample`.
///
/// # Safety
/// `rng` must be valid; `out` must hold `count` elements.
#[no_mangle]
pub unsafe extern "C" fn tess_cdf_sampler_sample(sampler: *const TessCdfSampler, rng: *mut TessRng, out: *mut u32, count: u32) -> TessStatus {
    ffi_status!({ sampler_sample(sampler, rng, out, count) })
}

/// Frees a prefix-sum sampler. NULL is a no-op.
///
/// # Safety
/// `sampler` must not be in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn tess_cdf_sampler_free(sampler: *mut TessCdfSampler) {
    ffi_status!({ take_boxed(sampler, "sampler").map(|_| TESS_SUCCESS) });
}

/// Pseudo-random distribution state: the chance of success grows by `c`
/// with every failed try and resets on success, so long streaks are rare
/// while the long-run frequency stays the nominal probability.
///
/// Ownership: a plain value owned by the caller.
/// Thread-safety: one thread at a time per instance.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TessPrd {
    /// Increment per failed try, from `tess_prd_c_from_p`.
    pub c: f64,
    /// Failed tries since the last success.
    pub failures: u32,
    /// Reserved; keep zero.
    pub reserved: u32,
}

/// The PRD increment C for nominal probability `p` (bisection to full precision).
///
/// @param[in]  p      Nominal probability. [Limit: 0 < p <= 1]
/// @param[out] out_c  The increment, e.g. 0.0038 for p = 0.05.
///
/// # Safety
/// `out_c` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_prd_c_from_p(p: f64, out_c: *mut f64) -> TessStatus {
    ffi_status!({
        let out = out_ref(out_c, "out_c")?;
        *out = prd_c_from_p(p).map_err(weight_error)?;
        Ok(TESS_SUCCESS)
    })
}

/// Initialises `prd` for nominal probability `p` with no failures yet.
///
/// # Safety
/// `prd` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tess_prd_init(prd: *mut TessPrd, p: f64) -> TessStatus {
    ffi_status!({
        let out = out_ref(prd, "prd")?;
        let fresh = Prd::new(p).map_err(weight_error)?;
        *out = TessPrd { c: fresh.c, failures: 0, reserved: 0 };
        Ok(TESS_SUCCESS)
    })
}

/// One try: `*out_success` is 1 on success (the streak resets), else 0.
///
/// # Safety
/// All pointers must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn tess_prd_roll(prd: *mut TessPrd, rng: *mut TessRng, out_success: *mut u8) -> TessStatus {
    ffi_status!({
        let out = out_ref(out_success, "out_success")?;
        let state = out_ref(prd, "prd")?;
        if !(state.c > 0.0 && state.c <= 1.0) {
            return Err(FfiError::invalid(format!("`prd` has increment {}; initialise it with tess_prd_init", state.c)));
        }
        let mut core_prd = Prd { c: state.c, failures: state.failures, reserved: 0 };
        let hit = core_prd.roll(rng_mut(rng)?);
        state.failures = core_prd.failures;
        *out = u8::from(hit);
        Ok(TESS_SUCCESS)
    })
}

