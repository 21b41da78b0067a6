//! Small plain-data types shared by several subsystems' C APIs.

/// A 3D vector or point: x, y, z in world units (Y up, right-handed).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TessVec3 {
    /// X component.
    pub x: f32,
    /// Y component (up).
    pub y: f32,
    /// Z component.
    pub z: f32,
}

impl From<[f32; 3]> for TessVec3 {
    fn from(v: [f32; 3]) -> Self {
        TessVec3 { x: v[0], y: v[1], z: v[2] }
    }
}

impl From<TessVec3> for [f32; 3] {
    fn from(v: TessVec3) -> Self {
        [v.x, v.y, v.z]
    }
}
