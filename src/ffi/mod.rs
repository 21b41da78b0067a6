//! The C face of tessera: every `tess_` export lives below this module.
//!
//! Shared plumbing: [`status`] (the status word), [`error`] (last-error text
//! and the panic boundary), [`handle`] (owned-object handles and item ids),
//! [`buffer`] (pointer and caller-buffer checks). One file per subsystem holds
//! its exports. Safe Rust code outside `src/ffi/` never sees a raw pointer.

// Export docs use Detour's `@param[in]` / `@param[out]` markers for C readers;
// rustdoc would read `[in]` as a link.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod buffer;
pub mod error;
pub mod handle;
pub mod status;

/// C API of [`crate::pool`].
pub mod pool;
/// C API of [`crate::navmesh`].
pub mod navmesh;
/// C API of [`crate::random`].
pub mod random;
/// C API of [`crate::grid`].
pub mod grid;
/// C API of [`crate::router`].
pub mod router;
/// Plain-data types shared by several C APIs.
pub mod types;
/// C API of [`crate::rsqrt`].
pub mod rsqrt;
/// C API of [`crate::spatial`].
pub mod spatial;
/// C API of [`crate::svo`].
pub mod svo;
/// Library and ABI version.
pub mod version;

pub use status::*;
