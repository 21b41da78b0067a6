//! An indexed binary min-heap with decrease-key, sized once for `n` nodes so
//! searches never allocate. Ties on `f` go to the larger `g` (deeper node),
//! then to the smaller node id, so every search is deterministic.

#[derive(Debug, Clone, Copy)]
struct Entry {
    f: f64,
    g: f64,
    node: u32,
}

#[inline(always)]
fn before(a: &Entry, b: &Entry) -> bool {
    a.f < b.f || (a.f == b.f && (a.g > b.g || (a.g == b.g && a.node < b.node)))
}

/// Open list of a best-first search.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexedHeap {
    items: Vec<Entry>,
    /// Position of each node in `items`; valid only while the node is queued.
    pos: Vec<u32>,
}

impl IndexedHeap {
    /// A heap for node ids `0..n`.
    pub(crate) fn new(n: usize) -> Self {
        IndexedHeap { items: Vec::with_capacity(n), pos: vec![0; n] }
    }

    #[inline]
    pub(crate) fn clear(&mut self) {
        self.items.clear();
    }

    /// Queues `node`, which must not be queued already.
    #[inline]
    pub(crate) fn push(&mut self, node: u32, f: f64, g: f64) {
        let i = self.items.len();
        self.items.push(Entry { f, g, node });
        self.pos[node as usize] = i as u32;
        self.sift_up(i);
    }

    /// Lowers the key of a queued `node`.
    #[inline]
    pub(crate) fn decrease(&mut self, node: u32, f: f64, g: f64) {
        let i = self.pos[node as usize] as usize;
        debug_assert_eq!(self.items[i].node, node);
        self.items[i].f = f;
        self.items[i].g = g;
        self.sift_up(i);
    }

    /// Removes and returns the best node.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<u32> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last.node);
        }
        let top = self.items[0].node;
        self.items[0] = last;
        self.pos[last.node as usize] = 0;
        self.sift_down(0);
        Some(top)
    }

    #[inline(always)]
    fn sift_up(&mut self, mut i: usize) {
        let e = self.items[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            let p = self.items[parent];
            if !before(&e, &p) {
                break;
            }
            self.items[i] = p;
            self.pos[p.node as usize] = i as u32;
            i = parent;
        }
        self.items[i] = e;
        self.pos[e.node as usize] = i as u32;
    }

    #[inline(always)]
    fn sift_down(&mut self, mut i: usize) {
        let n = self.items.len();
        let e = self.items[i];
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && before(&self.items[r], &self.items[l]) { r } else { l };
            let ce = self.items[c];
            if !before(&ce, &e) {
                break;
            }
            self.items[i] = ce;
            self.pos[ce.node as usize] = i as u32;
            i = c;
        }
        self.items[i] = e;
        self.pos[e.node as usize] = i as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_key_order_with_decrease() {
        let mut h = IndexedHeap::new(100);
        // Keys from a fixed permutation; node k gets key (k * 37) % 100.
        for k in 0..100u32 {
            h.push(k, f64::from((k * 37) % 100), 0.0);
        }
        h.decrease(99, -1.0, 0.0);
        assert_eq!(h.pop(), Some(99));
        let mut prev = -1.0;
        let mut count = 1;
        while let Some(n) = h.pop() {
            let key = f64::from((n * 37) % 100);
            assert!(key >= prev);
            prev = key;
            count += 1;
        }
        assert_eq!(count, 100);
    }

    #[test]
    fn ties_prefer_larger_g_then_smaller_id() {
        let mut h = IndexedHeap::new(4);
        h.push(3, 5.0, 1.0);
        h.push(2, 5.0, 2.0);
        h.push(1, 5.0, 2.0);
        h.push(0, 6.0, 9.0);
        assert_eq!([h.pop(), h.pop(), h.pop(), h.pop(), h.pop()], [Some(1), Some(2), Some(3), Some(0), None]);
    }
}
