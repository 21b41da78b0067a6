//! Versioned, checksummed binary form of an octree.
//!
//! Layout (little endian): `"TSVO"`, format version (u32), origin (3 x f32),
//! voxel size (f32), dims (3 x u32), root level (u32), leaf count (u32), node
//! count of each layer 2..=root (u32 each), then the leaves (u64 each), then
//! per layer its `sub` and `solid` bytes; last an FNV-1a 64-bit checksum of
//! everything before it. The child index per 8 nodes is rebuilt on load.

use super::{level_size, Layer, Svo};
use std::fmt;

const MAGIC: &[u8; 4] = b"TSVO";
/// Current format version.
pub const FORMAT_VERSION: u32 = 1;

/// Why a blob was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum BlobError {
    /// Shorter than its header says.
    Truncated,
    /// Not an octree blob (wrong magic), or a failed checksum / structure check.
    Corrupt(String),
    /// Written by another format version.
    Version(u32),
}

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobError::Truncated => write!(f, "the octree blob is truncated"),
            BlobError::Corrupt(m) => write!(f, "the octree blob is corrupt: {m}"),
            BlobError::Version(v) => write!(f, "octree blob format version {v}, expected {FORMAT_VERSION}"),
        }
    }
}

impl std::error::Error for BlobError {}

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], BlobError> {
        let end = self.at.checked_add(n).ok_or(BlobError::Truncated)?;
        let s = self.b.get(self.at..end).ok_or(BlobError::Truncated)?;
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, BlobError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap_or_default()))
    }
    fn f32(&mut self) -> Result<f32, BlobError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

impl Svo {
    /// Serialises the octree (see the module docs of `blob` for the layout).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.memory_bytes());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        for c in self.origin {
            out.extend_from_slice(&c.to_le_bytes());
        }
        out.extend_from_slice(&self.voxel_size.to_le_bytes());
        for d in self.dims {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out.extend_from_slice(&self.root_level.to_le_bytes());
        out.extend_from_slice(&(self.leaves.len() as u32).to_le_bytes());
        for l in &self.layers {
            out.extend_from_slice(&(l.len() as u32).to_le_bytes());
        }
        for m in &self.leaves {
            out.extend_from_slice(&m.to_le_bytes());
        }
        for l in &self.layers {
            out.extend_from_slice(&l.sub);
            out.extend_from_slice(&l.solid);
        }
        let sum = fnv1a64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Reads an octree written by [`Svo::to_bytes`], checking the magic, the
    /// version, the checksum and the tree structure.
    ///
    /// # Errors
    /// [`BlobError`] for truncated, corrupted or foreign data.
    pub fn from_bytes(bytes: &[u8]) -> Result<Svo, BlobError> {
        let corrupt = |m: &str| BlobError::Corrupt(m.to_string());
        if bytes.len() < 8 {
            return Err(BlobError::Truncated);
        }
        if &bytes[..4] != MAGIC {
            return Err(corrupt("bad magic"));
        }
        let version = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        if version != FORMAT_VERSION {
            return Err(BlobError::Version(version));
        }
        let mut r = Reader { b: bytes, at: 8 };
        let origin = [r.f32()?, r.f32()?, r.f32()?];
        let voxel_size = r.f32()?;
        let dims = [r.u32()?, r.u32()?, r.u32()?];
        let root_level = r.u32()?;
        if !(2..=15).contains(&root_level) {
            // The counts that follow cannot be trusted: check the sum first if we can.
            return Err(corrupt("root level out of range"));
        }
        let leaf_count = r.u32()? as usize;
        let mut counts = Vec::with_capacity(root_level as usize - 1);
        for _ in 2..=root_level {
            counts.push(r.u32()? as usize);
        }
        let data = 8usize.saturating_mul(leaf_count).saturating_add(counts.iter().map(|&c| c.saturating_mul(2)).fold(0usize, usize::saturating_add));
        let body_end = r.at.saturating_add(data);
        if bytes.len() < body_end.saturating_add(8) {
            return Err(BlobError::Truncated);
        }
        if bytes.len() > body_end + 8 {
            return Err(corrupt("trailing bytes"));
        }
        let stored = u64::from_le_bytes(bytes[body_end..body_end + 8].try_into().unwrap_or_default());
        if stored != fnv1a64(&bytes[..body_end]) {
            return Err(corrupt("checksum mismatch"));
        }
        let leaves = r.take(8 * leaf_count)?.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())).collect();
        let mut layers = Vec::new();
        for &n in &counts {
            let sub = r.take(n)?.to_vec();
            let solid = r.take(n)?.to_vec();
            layers.push(Layer { sub, solid, group_first: Vec::new() });
        }
        let mut svo = Svo { origin, voxel_size, dims, root_level, leaves, layers };
        svo.validate().map_err(|m| BlobError::Corrupt(m.to_string()))?;
        Ok(svo)
    }

    /// Structural checks: sizes, and the children of each layer exactly
    /// filling the layer below. Rebuilds the per-group child index.
    fn validate(&mut self) -> Result<(), &'static str> {
        if !(self.voxel_size.is_finite() && self.voxel_size > 0.0 && self.origin.iter().all(|c| c.is_finite())) {
            return Err("bad voxel size or origin");
        }
        let side = level_size(self.root_level);
        if self.dims.iter().any(|&d| d == 0 || d > side) || (self.root_level > 2 && self.dims.iter().all(|&d| d <= side / 2)) {
            return Err("dims do not match the root level");
        }
        if self.layers.last().map(Layer::len) != Some(1) {
            return Err("the root layer must hold one node");
        }
        for i in 0..self.layers.len() {
            let below = if i == 0 { self.leaves.len() } else { self.layers[i - 1].len() };
            let l = &mut self.layers[i];
            if l.sub.iter().zip(&l.solid).any(|(a, b)| a & b != 0) {
                return Err("a child is both subdivided and solid");
            }
            if l.index() != below {
                return Err("layer sizes do not match their parents");
            }
        }
        Ok(())
    }
}
