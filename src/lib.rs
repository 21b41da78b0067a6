//! tessera: navigation and simulation building blocks for game engines,
//! with a stable C ABI (`include/tessera.h`).
//!
//! The safe Rust API lives in one module per subsystem; the C face is in
//! [`ffi`]. See `docs/ABI.md` for the C conventions.

#![deny(missing_docs)]
#![warn(clippy::all)]

pub mod ffi;
pub mod grid;
pub mod movingai;
pub mod pool;
pub mod random;
pub mod router;
pub mod rsqrt;
pub mod spatial;
pub mod svo;
pub mod navmesh;
