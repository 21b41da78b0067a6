//! Detour beside tessera: builds a Detour navmesh from the same Recast polygon
//! mesh (`data/navmesh/*.navmesh.obj`) that tessera loads, and wraps the four
//! Detour queries the benchmarks and parity tests use.
//!
//! The `.navmesh.obj` files are Recast `rcPolyMesh` exports: their vertices lie
//! on the Recast grid (`bmin + v * cs`, heights `bmin.y + v * ch`), and the
//! header line gives `nvp`, `cs`, `ch`, `bmin` and `bmax`, so the grid
//! coordinates Detour wants are recovered exactly. Polygon `k` of the file is
//! Detour polygon `k` of tile 0 and tessera polygon `k`.
//!
//! All `unsafe` here is calls into Detour through `recastnavigation-sys`;
//! every pointer passed lives for the call and every buffer is sized as the
//! call's count argument says.

use recastnavigation_sys::*;
use std::mem::MaybeUninit;

/// A point: x, y (up), z.
pub type Vec3 = [f32; 3];

/// The parsed polygon mesh.
#[derive(Debug, Clone)]
pub struct PolyMesh {
    /// World-space vertices.
    pub vertices: Vec<Vec3>,
    /// Polygons as 0-based vertex indices.
    pub polys: Vec<Vec<u16>>,
    /// Most vertices per polygon.
    pub nvp: usize,
    /// Cell size and height of the Recast grid.
    pub cs: f32,
    pub ch: f32,
    /// Bounds.
    pub bmin: Vec3,
    pub bmax: Vec3,
}

impl PolyMesh {
    /// Parses a `.navmesh.obj` file (its `# npolys … nvp … cs … ch … bmin … bmax …` header line included).
    pub fn from_obj(text: &str) -> Result<PolyMesh, String> {
        let mut header: Option<(usize, f32, f32, Vec3, Vec3)> = None;
        let mut vertices = Vec::new();
        let mut polys = Vec::new();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("#") if line.contains(" nvp ") && line.contains(" bmin ") => {
                    let w: Vec<&str> = line.split_whitespace().collect();
                    let after = |key: &str, n: usize| -> Result<Vec<f32>, String> {
                        let i = w
                            .iter()
                            .position(|x| *x == key)
                            .ok_or(format!("header has no `{key}`"))?;
                        w[i + 1..i + 1 + n]
                            .iter()
                            .map(|x| x.parse::<f32>().map_err(|e| format!("`{key}`: {e}")))
                            .collect()
                    };
                    let (b0, b1) = (after("bmin", 3)?, after("bmax", 3)?);
                    header = Some((
                        after("nvp", 1)?[0] as usize,
                        after("cs", 1)?[0],
                        after("ch", 1)?[0],
                        [b0[0], b0[1], b0[2]],
                        [b1[0], b1[1], b1[2]],
                    ));
                }
                Some("v") => {
                    let c: Vec<f32> = words
                        .map(|x| x.parse::<f32>().map_err(|e| e.to_string()))
                        .collect::<Result<_, _>>()?;
                    vertices.push([c[0], c[1], c[2]]);
                }
                Some("f") => {
                    let idx: Vec<u16> = words
                        .map(|x| {
                            x.split('/')
                                .next()
                                .unwrap_or("")
                                .parse::<u16>()
                                .map(|i| i - 1)
                                .map_err(|e| e.to_string())
                        })
                        .collect::<Result<_, _>>()?;
                    polys.push(idx);
                }
                _ => {}
            }
        }
        let (nvp, cs, ch, bmin, bmax) =
            header.ok_or("no `# … nvp … cs … ch … bmin … bmax` header line")?;
        Ok(PolyMesh {
            vertices,
            polys,
            nvp,
            cs,
            ch,
            bmin,
            bmax,
        })
    }

    /// The Recast `rcPolyMesh` arrays Detour builds from: grid vertices, and per
    /// polygon `nvp` vertex slots then `nvp` neighbour slots (`0xffff`: none).
    fn recast_arrays(&self) -> Result<(Vec<u16>, Vec<u16>), String> {
        let mut grid = Vec::with_capacity(self.vertices.len() * 3);
        for v in &self.vertices {
            let q = [
                (v[0] - self.bmin[0]) / self.cs,
                (v[1] - self.bmin[1]) / self.ch,
                (v[2] - self.bmin[2]) / self.cs,
            ];
            for c in q {
                let r = c.round();
                if (c - r).abs() > 1e-3 || !(0.0..=65535.0).contains(&r) {
                    return Err(format!("vertex {v:?} is not on the Recast grid"));
                }
                grid.push(r as u16);
            }
        }
        // Neighbours across shared edges (the same two vertex indices).
        let mut edges = std::collections::HashMap::new();
        for (p, poly) in self.polys.iter().enumerate() {
            for j in 0..poly.len() {
                let (a, b) = (poly[j], poly[(j + 1) % poly.len()]);
                edges
                    .entry((a.min(b), a.max(b)))
                    .or_insert_with(Vec::new)
                    .push(p as u16);
            }
        }
        let mut polys = vec![0xffffu16; self.polys.len() * 2 * self.nvp];
        for (p, poly) in self.polys.iter().enumerate() {
            let row = &mut polys[p * 2 * self.nvp..(p + 1) * 2 * self.nvp];
            for j in 0..poly.len() {
                row[j] = poly[j];
                let (a, b) = (poly[j], poly[(j + 1) % poly.len()]);
                if let Some(&other) = edges[&(a.min(b), a.max(b))]
                    .iter()
                    .find(|&&o| o != p as u16)
                {
                    row[self.nvp + j] = other;
                }
            }
        }
        Ok((grid, polys))
    }
}

/// Loads a shipped Recast demo navmesh (`data/navmesh/<name>.navmesh.obj`) into
/// tessera and into Detour (with 2,048 search nodes).
pub fn load(name: &str) -> (std::sync::Arc<tessera::navmesh::NavMesh>, Detour) {
    let path = format!(
        "{}/../../data/navmesh/{name}.navmesh.obj",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mesh = tessera::navmesh::NavMesh::from_obj(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let detour = Detour::new(
        &PolyMesh::from_obj(&text).unwrap_or_else(|e| panic!("{path}: {e}")),
        2048,
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"));
    (std::sync::Arc::new(mesh), detour)
}

/// `count` start/end pairs of area-weighted random points on the mesh, drawn
/// with tessera's RNG from `seed` (seed 42 gives the pairs of `benches/navmesh.rs`).
pub fn seeded_pairs(
    mesh: &std::sync::Arc<tessera::navmesh::NavMesh>,
    seed: u64,
    count: usize,
) -> Vec<(Vec3, Vec3)> {
    let q = tessera::navmesh::NavMeshQuery::new(mesh.clone(), 16);
    let f = tessera::navmesh::QueryFilter::default();
    let mut rng = tessera::random::Rng::new(seed);
    let mut point = || {
        q.find_random_point(&f, &mut rng)
            .expect("a mesh with area")
            .1
    };
    (0..count).map(|_| (point(), point())).collect()
}

/// A Detour navmesh (one tile) with a query object and the default filter.
pub struct Detour {
    mesh: *mut dtNavMesh,
    query: *mut dtNavMeshQuery,
    filter: dtQueryFilter,
    poly_bits: u32,
}

impl Detour {
    /// Builds the navmesh with RecastDemo's agent settings (height 2, radius 0.6,
    /// climb 0.9), a BV tree, and a query object with `max_nodes` search nodes.
    pub fn new(mesh: &PolyMesh, max_nodes: i32) -> Result<Detour, String> {
        let (verts, polys) = mesh.recast_arrays()?;
        let flags = vec![1u16; mesh.polys.len()];
        let areas = vec![0u8; mesh.polys.len()];
        // SAFETY: dtNavMeshCreateParams is plain data; zero is "none" for every optional array.
        let mut params: dtNavMeshCreateParams = unsafe { MaybeUninit::zeroed().assume_init() };
        params.verts = verts.as_ptr();
        params.vertCount = (verts.len() / 3) as i32;
        params.polys = polys.as_ptr();
        params.polyFlags = flags.as_ptr();
        params.polyAreas = areas.as_ptr();
        params.polyCount = mesh.polys.len() as i32;
        params.nvp = mesh.nvp as i32;
        params.bmin = mesh.bmin;
        params.bmax = mesh.bmax;
        params.walkableHeight = 2.0;
        params.walkableRadius = 0.6;
        params.walkableClimb = 0.9;
        params.cs = mesh.cs;
        params.ch = mesh.ch;
        params.buildBvTree = true;
        let (mut data, mut size) = (std::ptr::null_mut(), 0);
        // SAFETY: the arrays outlive the call; Detour copies them into `data`.
        if !unsafe { dtCreateNavMeshData(&mut params, &mut data, &mut size) } {
            return Err("dtCreateNavMeshData failed".into());
        }
        // SAFETY: allocation and init as Detour documents; DT_TILE_FREE_DATA hands `data` to the mesh.
        unsafe {
            let nav = dtAllocNavMesh();
            if nav.is_null()
                || !succeeded(dtNavMesh_init1(
                    nav,
                    data,
                    size,
                    dtTileFlags_DT_TILE_FREE_DATA as i32,
                ))
            {
                return Err("dtNavMesh::init failed".into());
            }
            let query = dtAllocNavMeshQuery();
            if query.is_null() || !succeeded(dtNavMeshQuery_init(query, nav, max_nodes)) {
                return Err("dtNavMeshQuery::init failed".into());
            }
            let mut filter = MaybeUninit::<dtQueryFilter>::uninit();
            dtQueryFilter_dtQueryFilter(filter.as_mut_ptr());
            let poly_bits = (mesh.polys.len() as u32)
                .next_power_of_two()
                .trailing_zeros();
            Ok(Detour {
                mesh: nav,
                query,
                filter: filter.assume_init(),
                poly_bits,
            })
        }
    }

    /// Polygon index of a reference (one tile: its low bits).
    pub fn poly_index(&self, r: dtPolyRef) -> u32 {
        r & ((1u32 << self.poly_bits) - 1)
    }

    /// `findNearestPoly`: the reference (0 when none) and the nearest point.
    pub fn nearest(&self, center: Vec3, half_extents: Vec3) -> (dtPolyRef, Vec3) {
        let (mut r, mut p) = (0, [0.0; 3]);
        // SAFETY: every pointer is to a live local of the size Detour reads or writes.
        unsafe {
            dtNavMeshQuery_findNearestPoly(
                self.query,
                center.as_ptr(),
                half_extents.as_ptr(),
                &self.filter,
                &mut r,
                p.as_mut_ptr(),
            )
        };
        (r, p)
    }

    /// `findPath` into `path` (its capacity is the limit); returns the status.
    pub fn find_path(
        &self,
        start: dtPolyRef,
        end: dtPolyRef,
        start_pos: Vec3,
        end_pos: Vec3,
        path: &mut Vec<dtPolyRef>,
    ) -> dtStatus {
        let mut n = 0;
        path.resize(path.capacity(), 0);
        // SAFETY: `path` holds `path.len()` references, the count passed.
        let status = unsafe {
            dtNavMeshQuery_findPath(
                self.query,
                start,
                end,
                start_pos.as_ptr(),
                end_pos.as_ptr(),
                &self.filter,
                path.as_mut_ptr(),
                &mut n,
                path.len() as i32,
            )
        };
        path.truncate(n as usize);
        status
    }

    /// `findStraightPath` along `path` into `points` (its capacity is the limit).
    pub fn straight_path(
        &self,
        start_pos: Vec3,
        end_pos: Vec3,
        path: &[dtPolyRef],
        points: &mut Vec<Vec3>,
        scratch: &mut StraightScratch,
    ) -> dtStatus {
        let max = points.capacity();
        points.resize(max, [0.0; 3]);
        scratch.flags.resize(max, 0);
        scratch.refs.resize(max, 0);
        let mut n = 0;
        // SAFETY: the three output arrays hold `max` entries each, the count passed.
        let status = unsafe {
            dtNavMeshQuery_findStraightPath(
                self.query,
                start_pos.as_ptr(),
                end_pos.as_ptr(),
                path.as_ptr(),
                path.len() as i32,
                points.as_mut_ptr().cast(),
                scratch.flags.as_mut_ptr(),
                scratch.refs.as_mut_ptr(),
                &mut n,
                max as i32,
                0,
            )
        };
        points.truncate(n as usize);
        status
    }

    /// `raycast` from `start` (on polygon `start_ref`) towards `end`: the hit
    /// parameter (`f32::MAX` when the end was reached) and the polygons visited.
    pub fn raycast(
        &self,
        start_ref: dtPolyRef,
        start: Vec3,
        end: Vec3,
        visited: &mut [dtPolyRef],
    ) -> (f32, usize, dtStatus) {
        let (mut t, mut normal, mut n) = (0.0, [0.0f32; 3], 0);
        // SAFETY: `visited` holds `visited.len()` references, the count passed.
        let status = unsafe {
            dtNavMeshQuery_raycast(
                self.query,
                start_ref,
                start.as_ptr(),
                end.as_ptr(),
                &self.filter,
                &mut t,
                normal.as_mut_ptr(),
                visited.as_mut_ptr(),
                &mut n,
                visited.len() as i32,
            )
        };
        (t, n as usize, status)
    }

    /// `closestPointOnPoly`: the closest point and whether `pos` lies over the polygon.
    pub fn closest_point_on_poly(&self, r: dtPolyRef, pos: Vec3) -> (Vec3, bool, dtStatus) {
        let (mut p, mut over) = ([0.0; 3], false);
        // SAFETY: pointers to live locals of the sizes Detour uses.
        let status = unsafe {
            dtNavMeshQuery_closestPointOnPoly(
                self.query,
                r,
                pos.as_ptr(),
                p.as_mut_ptr(),
                &mut over,
            )
        };
        (p, over, status)
    }

    /// `getPolyHeight`: the surface height at `pos`, or `None` when `pos` is not over the polygon.
    pub fn poly_height(&self, r: dtPolyRef, pos: Vec3) -> Option<f32> {
        let mut h = 0.0;
        // SAFETY: pointers to live locals.
        let status = unsafe { dtNavMeshQuery_getPolyHeight(self.query, r, pos.as_ptr(), &mut h) };
        succeeded(status).then_some(h)
    }

    /// `moveAlongSurface`: the reached position and the polygons visited (into `visited`).
    pub fn move_along_surface(
        &self,
        start_ref: dtPolyRef,
        start: Vec3,
        end: Vec3,
        visited: &mut Vec<dtPolyRef>,
    ) -> (Vec3, dtStatus) {
        let (mut p, mut n) = ([0.0; 3], 0);
        visited.resize(visited.capacity().max(16), 0);
        // SAFETY: `visited` holds `visited.len()` references, the count passed.
        let status = unsafe {
            dtNavMeshQuery_moveAlongSurface(
                self.query,
                start_ref,
                start.as_ptr(),
                end.as_ptr(),
                &self.filter,
                p.as_mut_ptr(),
                visited.as_mut_ptr(),
                &mut n,
                visited.len() as i32,
            )
        };
        visited.truncate(n as usize);
        (p, status)
    }

    /// `findPolysAroundCircle`: (polygon, parent or 0, cost) for every polygon reached (up to 512).
    pub fn polys_around_circle(
        &self,
        start_ref: dtPolyRef,
        center: Vec3,
        radius: f32,
    ) -> Vec<(dtPolyRef, dtPolyRef, f32)> {
        let mut out = AroundScratch::default();
        let n = self.polys_around_circle_into(start_ref, center, radius, &mut out);
        (0..n)
            .map(|i| (out.refs[i], out.parents[i], out.costs[i]))
            .collect()
    }

    /// `findPolysAroundCircle` into reused buffers (up to 512 polygons); returns the count.
    pub fn polys_around_circle_into(
        &self,
        start_ref: dtPolyRef,
        center: Vec3,
        radius: f32,
        out: &mut AroundScratch,
    ) -> usize {
        const MAX: usize = 512;
        out.refs.resize(MAX, 0);
        out.parents.resize(MAX, 0);
        out.costs.resize(MAX, 0.0);
        let mut n = 0;
        // SAFETY: the three arrays hold MAX entries each, the count passed.
        unsafe {
            dtNavMeshQuery_findPolysAroundCircle(
                self.query,
                start_ref,
                center.as_ptr(),
                radius,
                &self.filter,
                out.refs.as_mut_ptr(),
                out.parents.as_mut_ptr(),
                out.costs.as_mut_ptr(),
                &mut n,
                MAX as i32,
            )
        };
        n as usize
    }

    /// `findDistanceToWall`: distance, wall point and normal.
    pub fn distance_to_wall(
        &self,
        start_ref: dtPolyRef,
        center: Vec3,
        max_radius: f32,
    ) -> (f32, Vec3, Vec3, dtStatus) {
        let (mut d, mut p, mut nrm) = (0.0, [0.0; 3], [0.0; 3]);
        // SAFETY: pointers to live locals of the sizes Detour writes.
        let status = unsafe {
            dtNavMeshQuery_findDistanceToWall(
                self.query,
                start_ref,
                center.as_ptr(),
                max_radius,
                &self.filter,
                &mut d,
                p.as_mut_ptr(),
                nrm.as_mut_ptr(),
            )
        };
        (d, p, nrm, status)
    }
}

/// Buffers for [`Detour::polys_around_circle_into`].
#[derive(Default)]
pub struct AroundScratch {
    refs: Vec<dtPolyRef>,
    parents: Vec<dtPolyRef>,
    costs: Vec<f32>,
}

/// Buffers `findStraightPath` fills besides the points.
#[derive(Default)]
pub struct StraightScratch {
    flags: Vec<u8>,
    refs: Vec<dtPolyRef>,
}

impl Drop for Detour {
    fn drop(&mut self) {
        // SAFETY: both were allocated by Detour in `new` and are freed once.
        unsafe {
            dtFreeNavMeshQuery(self.query);
            dtFreeNavMesh(self.mesh);
        }
    }
}

/// Whether a Detour status reports success.
pub fn succeeded(status: dtStatus) -> bool {
    status & DT_SUCCESS != 0
}

/// The point at most `max` units (in XZ) from `from` towards `to`: a frame's
/// worth of motion for `moveAlongSurface`, whose 64-node search stops short on
/// long moves.
pub fn toward(from: Vec3, to: Vec3, max: f32) -> Vec3 {
    let k = (max / (to[0] - from[0]).hypot(to[2] - from[2]).max(1e-6)).min(1.0);
    [
        from[0] + (to[0] - from[0]) * k,
        from[1] + (to[1] - from[1]) * k,
        from[2] + (to[2] - from[2]) * k,
    ]
}

/// Whether a status carries `DT_PARTIAL_RESULT` (the goal was not reached).
pub fn partial(status: dtStatus) -> bool {
    status & DT_PARTIAL_RESULT != 0
}
