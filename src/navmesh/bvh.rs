//! Bounding-volume hierarchy over polygon bounds: median split on the
//! longest axis, stored flat in depth-first order with escape indices (the
//! layout of Detour's `dtBVNode`), so a query is one forward loop.

/// One node: bounds plus either a polygon (`index >= 0`) or, for an inner
/// node, the negated escape offset (number of nodes in its subtree).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BvNode {
    pub min: [f32; 3],
    pub max: [f32; 3],
    pub index: i32,
}

/// The hierarchy; empty for an empty mesh.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bvh {
    pub nodes: Vec<BvNode>,
}

struct Item {
    min: [f32; 3],
    max: [f32; 3],
    center: [f32; 3],
    poly: u32,
}

impl Bvh {
    /// Builds over per-polygon bounds `(min, max)`.
    pub fn build(bounds: &[([f32; 3], [f32; 3])]) -> Bvh {
        let mut items: Vec<Item> = bounds
            .iter()
            .enumerate()
            .map(|(i, &(min, max))| Item {
                min,
                max,
                center: [(min[0] + max[0]) * 0.5, (min[1] + max[1]) * 0.5, (min[2] + max[2]) * 0.5],
                poly: i as u32,
            })
            .collect();
        let mut nodes = Vec::with_capacity(bounds.len() * 2);
        if !items.is_empty() {
            subdivide(&mut items, &mut nodes);
        }
        Bvh { nodes }
    }

    /// Calls `visit(poly)` for every polygon whose bounds overlap the box.
    #[inline]
    pub fn query(&self, qmin: [f32; 3], qmax: [f32; 3], mut visit: impl FnMut(u32)) {
        let nodes = &self.nodes[..];
        let mut i = 0usize;
        while i < nodes.len() {
            let n = &nodes[i];
            let overlap = qmin[0] <= n.max[0]
                && qmax[0] >= n.min[0]
                && qmin[1] <= n.max[1]
                && qmax[1] >= n.min[1]
                && qmin[2] <= n.max[2]
                && qmax[2] >= n.min[2];
            if n.index >= 0 {
                if overlap {
                    visit(n.index as u32);
                }
                i += 1;
            } else if overlap {
                i += 1;
            } else {
                i += (-n.index) as usize;
            }
        }
    }
}

fn subdivide(items: &mut [Item], nodes: &mut Vec<BvNode>) {
    let mut min = items[0].min;
    let mut max = items[0].max;
    for it in items.iter() {
        for k in 0..3 {
            min[k] = min[k].min(it.min[k]);
            max[k] = max[k].max(it.max[k]);
        }
    }
    if items.len() == 1 {
        nodes.push(BvNode { min, max, index: items[0].poly as i32 });
        return;
    }
    let me = nodes.len();
    nodes.push(BvNode { min, max, index: 0 });
    let ext = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
    let axis = if ext[0] >= ext[1] && ext[0] >= ext[2] {
        0
    } else if ext[2] >= ext[1] {
        2
    } else {
        1
    };
    let mid = items.len() / 2;
    items.select_nth_unstable_by(mid, |a, b| a.center[axis].total_cmp(&b.center[axis]));
    let (left, right) = items.split_at_mut(mid);
    subdivide(left, nodes);
    subdivide(right, nodes);
    nodes[me].index = -((nodes.len() - me) as i32);
}
