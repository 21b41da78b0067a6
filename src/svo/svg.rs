//! SVG picture of an octree seen from above (projection along Y onto the
//! X-Z plane) with a path drawn on top.

use super::{leaf_xyz, level_size, Svo};
use std::fmt::Write;

impl Svo {
    /// Calls `f(origin, size)` for every blocked cube inside the bounds: solid
    /// nodes (clipped to the bounds) and blocked voxels of the leaves.
    pub fn for_each_blocked(&self, mut f: impl FnMut([u32; 3], [u32; 3])) {
        let mut stack = vec![(self.root_level, 0u32, [0u32; 3])];
        let clip = |o: [u32; 3], s: u32| -> Option<[u32; 3]> {
            let e: [u32; 3] = std::array::from_fn(|a| (o[a] + s).min(self.dims[a]).saturating_sub(o[a]));
            e.iter().all(|&v| v > 0).then_some(e)
        };
        while let Some((level, e, o)) = stack.pop() {
            if level == 1 {
                let m = self.leaves[e as usize];
                for bit in 0..64 {
                    if m >> bit & 1 != 0 {
                        let l = leaf_xyz(bit);
                        let v = [o[0] + l[0], o[1] + l[1], o[2] + l[2]];
                        if (0..3).all(|a| v[a] < self.dims[a]) {
                            f(v, [1, 1, 1]);
                        }
                    }
                }
                continue;
            }
            let layer = &self.layers[level as usize - 2];
            let cs = level_size(level - 1);
            let (sub, solid) = (layer.sub[e as usize], layer.solid[e as usize]);
            for slot in 0..8u32 {
                let bit = 1u8 << slot;
                let co = [o[0] + (slot & 1) * cs, o[1] + (slot >> 1 & 1) * cs, o[2] + (slot >> 2 & 1) * cs];
                if solid & bit != 0 {
                    if let Some(ext) = clip(co, cs) {
                        f(co, ext);
                    }
                } else if sub & bit != 0 {
                    stack.push((level - 1, layer.child(e as usize, slot), co));
                }
            }
        }
    }

    /// An SVG image (one pixel per voxel column) of the map seen from above:
    /// X to the right, Z downwards, blocked columns grey, `path` (world
    /// points) as a red polyline with a green start and a blue goal.
    pub fn to_svg(&self, path: &[[f32; 3]]) -> String {
        let [w, _, h] = self.dims;
        let mut cols = vec![false; w as usize * h as usize];
        self.for_each_blocked(|o, e| {
            for x in o[0]..o[0] + e[0] {
                for z in o[2]..o[2] + e[2] {
                    cols[(z * w + x) as usize] = true;
                }
            }
        });
        let mut s = String::new();
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{}\" height=\"{}\">",
            w.max(400),
            (h as u64 * w.max(400) as u64 / w as u64)
        );
        let _ = writeln!(s, "<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>");
        s.push_str("<g fill=\"#888\">\n");
        for z in 0..h {
            let mut x = 0;
            while x < w {
                if cols[(z * w + x) as usize] {
                    let start = x;
                    while x < w && cols[(z * w + x) as usize] {
                        x += 1;
                    }
                    let _ = writeln!(s, "<rect x=\"{start}\" y=\"{z}\" width=\"{}\" height=\"1\"/>", x - start);
                } else {
                    x += 1;
                }
            }
        }
        s.push_str("</g>\n");
        let pts: Vec<[f64; 2]> = path
            .iter()
            .map(|p| {
                let v = self.to_voxel_space(*p);
                [v[0], v[2]]
            })
            .collect();
        if !pts.is_empty() {
            s.push_str("<polyline fill=\"none\" stroke=\"red\" stroke-width=\"1\" points=\"");
            for p in &pts {
                let _ = write!(s, "{:.2},{:.2} ", p[0], p[1]);
            }
            s.push_str("\"/>\n");
            let (a, b) = (pts[0], pts[pts.len() - 1]);
            let _ = writeln!(s, "<circle cx=\"{:.2}\" cy=\"{:.2}\" r=\"2\" fill=\"green\"/>", a[0], a[1]);
            let _ = writeln!(s, "<circle cx=\"{:.2}\" cy=\"{:.2}\" r=\"2\" fill=\"blue\"/>", b[0], b[1]);
        }
        s.push_str("</svg>\n");
        s
    }
}
