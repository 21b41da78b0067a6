//! Detour-style status word: high bits say what happened, low bits say why.

use core::ffi::c_char;

/// Result of every fallible `tess_` call: a bit set, like Detour's `dtStatus`.
///
/// Exactly one of `TESS_SUCCESS`, `TESS_FAILURE` or `TESS_IN_PROGRESS` is set,
/// plus any number of detail bits (`TESS_DETAIL_MASK`). `TESS_SUCCESS` with a
/// detail bit is still a success (for example a truncated result is
/// `TESS_SUCCESS | TESS_BUFFER_TOO_SMALL`). Values are part of the ABI: they
/// are never renumbered, and retired bits stay reserved.
pub type TessStatus = u32;

/// The call failed; detail bits say why and `tess_last_error_message` has text.
pub const TESS_FAILURE: TessStatus = 0x8000_0000;
/// The call succeeded (possibly with detail bits such as BUFFER_TOO_SMALL).
pub const TESS_SUCCESS: TessStatus = 0x4000_0000;
/// A sliced operation has more work to do.
pub const TESS_IN_PROGRESS: TessStatus = 0x2000_0000;
/// Mask of the detail bits.
pub const TESS_DETAIL_MASK: TessStatus = 0x0FFF_FFFF;

/// The caller's output buffer was too small; the result was truncated.
pub const TESS_BUFFER_TOO_SMALL: TessStatus = 0x0000_0001;
/// The result is partial (for example a path to the closest reachable point).
pub const TESS_PARTIAL_RESULT: TessStatus = 0x0000_0002;
/// The search ran out of nodes in the query object's node pool.
pub const TESS_OUT_OF_NODES: TessStatus = 0x0000_0004;
/// A parameter was out of range, NaN/inf, or otherwise invalid.
pub const TESS_INVALID_PARAM: TessStatus = 0x0000_0008;
/// A required pointer parameter was NULL.
pub const TESS_NULL_PARAM: TessStatus = 0x0000_0010;
/// Input text or binary data could not be parsed.
pub const TESS_PARSE_ERROR: TessStatus = 0x0000_0020;
/// A handle or id is stale, freed, foreign or of the wrong type.
pub const TESS_STALE_HANDLE: TessStatus = 0x0000_0040;
/// A panic was caught at the C boundary (a bug in tessera; please report it).
pub const TESS_PANIC: TessStatus = 0x0000_0080;
/// Memory could not be allocated or a size computation overflowed.
pub const TESS_OUT_OF_MEMORY: TessStatus = 0x0000_0100;
/// No path exists between the given points (reported with TESS_SUCCESS).
pub const TESS_NO_PATH: TessStatus = 0x0000_0200;
/// A fixed-capacity container or queue is full.
pub const TESS_FULL: TessStatus = 0x0000_0400;
/// An id or key was not found.
pub const TESS_NOT_FOUND: TessStatus = 0x0000_0800;
/// An id or key already exists.
pub const TESS_ALREADY_EXISTS: TessStatus = 0x0000_1000;
/// Binary data failed its checksum or structural checks.
pub const TESS_CORRUPT_DATA: TessStatus = 0x0000_2000;
/// Binary data was written by an incompatible format version.
pub const TESS_VERSION_MISMATCH: TessStatus = 0x0000_4000;
/// An operating-system I/O call failed.
pub const TESS_IO_ERROR: TessStatus = 0x0000_8000;
/// No route is known for a destination.
pub const TESS_NO_ROUTE: TessStatus = 0x0001_0000;
/// A blocking call timed out.
pub const TESS_TIMEOUT: TessStatus = 0x0002_0000;
/// Nothing was available right now (non-blocking call).
pub const TESS_WOULD_BLOCK: TessStatus = 0x0004_0000;
/// The object is in the wrong state for this call (for example a sliced query not initialised).
pub const TESS_WRONG_STATE: TessStatus = 0x0008_0000;

/// Names of the detail bits, lowest bit first.
const DETAIL_NAMES: [(TessStatus, &str); 20] = [
    (TESS_BUFFER_TOO_SMALL, "BUFFER_TOO_SMALL\0"),
    (TESS_PARTIAL_RESULT, "PARTIAL_RESULT\0"),
    (TESS_OUT_OF_NODES, "OUT_OF_NODES\0"),
    (TESS_INVALID_PARAM, "INVALID_PARAM\0"),
    (TESS_NULL_PARAM, "NULL_PARAM\0"),
    (TESS_PARSE_ERROR, "PARSE_ERROR\0"),
    (TESS_STALE_HANDLE, "STALE_HANDLE\0"),
    (TESS_PANIC, "PANIC\0"),
    (TESS_OUT_OF_MEMORY, "OUT_OF_MEMORY\0"),
    (TESS_NO_PATH, "NO_PATH\0"),
    (TESS_FULL, "FULL\0"),
    (TESS_NOT_FOUND, "NOT_FOUND\0"),
    (TESS_ALREADY_EXISTS, "ALREADY_EXISTS\0"),
    (TESS_CORRUPT_DATA, "CORRUPT_DATA\0"),
    (TESS_VERSION_MISMATCH, "VERSION_MISMATCH\0"),
    (TESS_IO_ERROR, "IO_ERROR\0"),
    (TESS_NO_ROUTE, "NO_ROUTE\0"),
    (TESS_TIMEOUT, "TIMEOUT\0"),
    (TESS_WOULD_BLOCK, "WOULD_BLOCK\0"),
    (TESS_WRONG_STATE, "WRONG_STATE\0"),
];

/// The static name of a status: the lowest detail bit's name when one is set
/// (`"INVALID_PARAM"`), otherwise `"SUCCESS"`, `"FAILURE"`, `"IN_PROGRESS"`,
/// or `"UNKNOWN"` for a word with none of the three high bits.
///
/// Ownership: the returned string is static; never free it.
/// Thread-safety: safe from any thread.
#[no_mangle]
pub extern "C" fn tess_status_str(status: TessStatus) -> *const c_char {
    status_name(status).as_ptr().cast()
}

fn status_name(status: TessStatus) -> &'static str {
    if let Some((_, name)) = DETAIL_NAMES.iter().find(|(bit, _)| status & bit != 0) {
        return name;
    }
    if status & TESS_FAILURE != 0 {
        "FAILURE\0"
    } else if status & TESS_IN_PROGRESS != 0 {
        "IN_PROGRESS\0"
    } else if status & TESS_SUCCESS != 0 {
        "SUCCESS\0"
    } else {
        "UNKNOWN\0"
    }
}

/// Returns 1 when `status` has the SUCCESS bit, else 0.
#[no_mangle]
pub extern "C" fn tess_status_succeeded(status: TessStatus) -> u8 {
    u8::from(status & TESS_SUCCESS != 0)
}

/// Returns 1 when `status` has the FAILURE bit, else 0.
#[no_mangle]
pub extern "C" fn tess_status_failed(status: TessStatus) -> u8 {
    u8::from(status & TESS_FAILURE != 0)
}

/// Returns 1 when `status` has the IN_PROGRESS bit, else 0.
#[no_mangle]
pub extern "C" fn tess_status_in_progress(status: TessStatus) -> u8 {
    u8::from(status & TESS_IN_PROGRESS != 0)
}

/// Returns 1 when `status` carries the detail bit(s) `detail`, else 0.
#[no_mangle]
pub extern "C" fn tess_status_has_detail(status: TessStatus, detail: TessStatus) -> u8 {
    u8::from(status & detail & TESS_DETAIL_MASK != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nul_terminated_and_specific() {
        assert_eq!(status_name(TESS_SUCCESS), "SUCCESS\0");
        assert_eq!(status_name(TESS_FAILURE | TESS_NULL_PARAM), "NULL_PARAM\0");
        assert_eq!(status_name(TESS_SUCCESS | TESS_BUFFER_TOO_SMALL), "BUFFER_TOO_SMALL\0");
        assert_eq!(status_name(0), "UNKNOWN\0");
        for (bit, name) in DETAIL_NAMES {
            assert_eq!(bit & TESS_DETAIL_MASK, bit);
            assert!(name.ends_with('\0'));
        }
    }
}
