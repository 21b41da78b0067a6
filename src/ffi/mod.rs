//! The C face of tessera: every `tess_` export lives below this module.
//!
//! Shared plumbing: [`status`] (the status word), [`error`] (last-error text
//! and the panic boundary), [`handle`] (owned-object handles and item ids),
//! [`buffer`] (pointer and caller-buffer checks). One file per subsystem holds
//! its exports. Safe Rust code outside `src/ffi/` never sees a raw pointer.

pub mod buffer;
pub mod error;
pub mod handle;
pub mod status;

/// C API of [`crate::navmesh`].
pub mod navmesh;
/// C API of [`crate::random`].
pub mod random;
/// Plain-data types shared by several C APIs.
pub mod types;
/// C API of [`crate::rsqrt`].
pub mod rsqrt;
/// Library and ABI version.
pub mod version;

pub use status::*;
