//! Versioned, checksummed binary form of a [`NavMesh`] (little-endian).
//!
//! Layout: magic `TESSNAV1` (8 bytes), format version (u32), payload length
//! (u64), payload, FNV-1a 64 checksum of the payload (u64). The payload holds
//! the build input (vertices, polygons, areas, flags, off-mesh connections,
//! optional detail); loading rebuilds and revalidates the mesh.

use super::{BuildError, BuildErrorKind, DetailInput, MeshInput, NavMesh, OffMeshConnection};

/// First bytes of a saved mesh.
pub const BLOB_MAGIC: [u8; 8] = *b"TESSNAV1";
/// Current format version.
pub const BLOB_VERSION: u32 = 1;

fn fnv(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct W(Vec<u8>);
impl W {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn v3(&mut self, v: [f32; 3]) {
        v.iter().for_each(|&c| self.f32(c));
    }
}

struct R<'a>(&'a [u8]);
impl R<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], BuildError> {
        if self.0.len() < n {
            return Err(corrupt("truncated payload"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, BuildError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap_or([0; 4])))
    }
    fn f32(&mut self) -> Result<f32, BuildError> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn v3(&mut self) -> Result<[f32; 3], BuildError> {
        Ok([self.f32()?, self.f32()?, self.f32()?])
    }
    fn count(&mut self, elem: usize) -> Result<usize, BuildError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(elem) > self.0.len() {
            return Err(corrupt("a count exceeds the data"));
        }
        Ok(n)
    }
}

fn corrupt(m: &str) -> BuildError {
    BuildError::new(BuildErrorKind::Corrupt, None, format!("corrupt navmesh data: {m}"))
}

impl NavMesh {
    /// Serialises the mesh (its build input) to a versioned, checksummed blob.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = W(Vec::new());
        w.u32(self.verts.len() as u32);
        self.verts.iter().for_each(|&v| w.v3(v));
        let np = self.poly_count();
        w.u32(np);
        for p in 0..np {
            let idx = self.poly_indices(p);
            w.u32(idx.len() as u32);
            idx.iter().for_each(|&i| w.u32(i));
            w.u32(u32::from(self.areas[p as usize]) | (u32::from(self.flags[p as usize]) << 16));
        }
        w.u32(self.offmesh_input.len() as u32);
        for c in &self.offmesh_input {
            w.v3(c.start);
            w.v3(c.end);
            w.f32(c.radius);
            w.f32(c.cost);
            w.u32(u32::from(c.bidirectional) | (u32::from(c.area) << 8) | (u32::from(c.flags) << 16));
        }
        match &self.detail {
            None => w.u32(0),
            Some(d) => {
                w.u32(1);
                w.u32(d.vertices.len() as u32);
                d.vertices.iter().for_each(|&v| w.v3(v));
                w.u32(d.triangles.len() as u32);
                d.triangles.iter().for_each(|t| t.iter().for_each(|&i| w.u32(i)));
                w.u32(d.poly_tri_counts.len() as u32);
                d.poly_tri_counts.iter().for_each(|&c| w.u32(c));
            }
        }
        let payload = w.0;
        let mut out = Vec::with_capacity(payload.len() + 28);
        out.extend_from_slice(&BLOB_MAGIC);
        out.extend_from_slice(&BLOB_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&fnv(&payload).to_le_bytes());
        out
    }

    /// Loads a blob written by [`NavMesh::to_bytes`].
    ///
    /// # Errors
    /// `Corrupt` (bad magic, truncated, checksum mismatch, inconsistent
    /// payload), `Version` (another format version), or a validation error.
    pub fn from_bytes(bytes: &[u8]) -> Result<NavMesh, BuildError> {
        if bytes.len() < 20 || bytes[..8] != BLOB_MAGIC {
            return Err(corrupt("not a tessera navmesh (bad magic or too short)"));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or([0; 4]));
        if version != BLOB_VERSION {
            return Err(BuildError::new(
                BuildErrorKind::Version,
                None,
                format!("navmesh data has format version {version}, this library reads {BLOB_VERSION}"),
            ));
        }
        let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or([0; 8]));
        let rest = &bytes[20..];
        if (rest.len() as u64) < len.saturating_add(8) || rest.len() as u64 != len + 8 {
            return Err(corrupt("truncated or padded data"));
        }
        let (payload, sum) = rest.split_at(len as usize);
        if fnv(payload).to_le_bytes() != sum {
            return Err(corrupt("checksum mismatch"));
        }
        let mut r = R(payload);
        let nv = r.count(12)?;
        let verts = (0..nv).map(|_| r.v3()).collect::<Result<Vec<_>, _>>()?;
        let np = r.count(16)?;
        let (mut indices, mut sizes, mut areas, mut flags) = (Vec::new(), Vec::with_capacity(np), Vec::with_capacity(np), Vec::with_capacity(np));
        for _ in 0..np {
            let n = r.count(4)?;
            sizes.push(n as u32);
            for _ in 0..n {
                indices.push(r.u32()?);
            }
            let af = r.u32()?;
            areas.push((af & 0xff) as u8);
            flags.push((af >> 16) as u16);
        }
        let no = r.count(36)?;
        let mut off = Vec::with_capacity(no);
        for _ in 0..no {
            let (start, end, radius, cost, bits) = (r.v3()?, r.v3()?, r.f32()?, r.f32()?, r.u32()?);
            off.push(OffMeshConnection {
                start,
                end,
                radius,
                cost,
                bidirectional: bits & 1 != 0,
                area: (bits >> 8) as u8,
                flags: (bits >> 16) as u16,
            });
        }
        let detail = if r.u32()? == 1 {
            let n = r.count(12)?;
            let vertices = (0..n).map(|_| r.v3()).collect::<Result<Vec<_>, _>>()?;
            let n = r.count(12)?;
            let triangles = (0..n).map(|_| Ok([r.u32()?, r.u32()?, r.u32()?])).collect::<Result<Vec<_>, BuildError>>()?;
            let n = r.count(4)?;
            let poly_tri_counts = (0..n).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
            Some(DetailInput { vertices, triangles, poly_tri_counts })
        } else {
            None
        };
        if !r.0.is_empty() {
            return Err(corrupt("trailing bytes in payload"));
        }
        NavMesh::build(&MeshInput {
            vertices: &verts,
            indices: &indices,
            poly_sizes: &sizes,
            areas: &areas,
            flags: &flags,
            off_mesh: &off,
            detail: detail.as_ref(),
        })
    }
}
