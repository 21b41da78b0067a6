//! General directed graphs in CSR form: BFS, Dijkstra, A*, iterative Tarjan
//! strongly connected components, the condensation DAG and reachability.

use super::heap::IndexedHeap;
use std::fmt;
use std::sync::Arc;

/// Why a graph or a graph search was rejected.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphError {
    /// The graph has no nodes.
    Empty,
    /// `offsets` must have `node_count + 1` entries.
    OffsetsLength {
        /// Entries expected.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// `offsets` must start at 0, never decrease and end at the edge count.
    BadOffsets {
        /// Index of the first bad offset.
        index: usize,
    },
    /// An edge points to a node that does not exist.
    MissingNode {
        /// Edge index.
        edge: usize,
        /// Its target.
        target: u32,
    },
    /// `weights` must have one entry per edge.
    WeightsLength {
        /// Entries expected.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// A weight is NaN or infinite.
    NonFiniteWeight {
        /// Edge index.
        edge: usize,
    },
    /// Coordinates must have one entry per node.
    CoordsLength {
        /// Entries expected.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// A coordinate is NaN or infinite.
    NonFiniteCoord {
        /// Node index.
        node: usize,
    },
    /// Dijkstra and A* need non-negative weights.
    NegativeWeight {
        /// Index of the first negative edge.
        edge: usize,
        /// Its weight.
        weight: f64,
    },
    /// A node id passed to a query is out of range.
    NodeOutOfRange {
        /// `"source"`, `"goal"`, ….
        which: &'static str,
        /// The id given.
        node: u32,
        /// Number of nodes.
        count: u32,
    },
    /// A* with a coordinate heuristic on a graph without coordinates.
    NoCoordinates,
    /// The heuristic weight must be finite and non-negative.
    BadHeuristicWeight(f64),
    /// More nodes or edges than fit in a `u32`.
    TooLarge,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::Empty => write!(f, "the graph has no nodes"),
            GraphError::OffsetsLength { expected, found } => {
                write!(f, "offsets has {found} entries, node_count + 1 = {expected} expected")
            }
            GraphError::BadOffsets { index } => write!(
                f,
                "offsets[{index}] is invalid: offsets must start at 0, never decrease and end at the edge count"
            ),
            GraphError::MissingNode { edge, target } => write!(f, "edge {edge} points to missing node {target}"),
            GraphError::WeightsLength { expected, found } => {
                write!(f, "weights has {found} entries, the graph has {expected} edges")
            }
            GraphError::NonFiniteWeight { edge } => write!(f, "weight of edge {edge} is not finite"),
            GraphError::CoordsLength { expected, found } => {
                write!(f, "coords has {found} entries, the graph has {expected} nodes")
            }
            GraphError::NonFiniteCoord { node } => write!(f, "coordinate of node {node} is not finite"),
            GraphError::NegativeWeight { edge, weight } => {
                write!(f, "edge {edge} has negative weight {weight}; Dijkstra and A* need weights >= 0")
            }
            GraphError::NodeOutOfRange { which, node, count } => {
                write!(f, "{which} node {node} is out of range (the graph has {count} nodes)")
            }
            GraphError::NoCoordinates => write!(f, "this heuristic needs node coordinates, and the graph has none"),
            GraphError::BadHeuristicWeight(w) => write!(f, "heuristic weight {w} must be finite and >= 0"),
            GraphError::TooLarge => write!(f, "more than 2^32 - 2 nodes or edges"),
        }
    }
}

impl std::error::Error for GraphError {}

/// Heuristic of [`GraphQuery::astar`], measured between node coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Heuristic {
    /// h = 0: A* becomes Dijkstra; needs no coordinates.
    #[default]
    Zero,
    /// Straight-line distance.
    Euclidean,
    /// Sum of the absolute coordinate differences.
    Manhattan,
    /// Largest absolute coordinate difference.
    Chebyshev,
}

/// Result of a graph search.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GraphPath {
    /// True when the goal was reached.
    pub found: bool,
    /// Path cost: the sum of weights (Dijkstra, A*) or the edge count (BFS).
    pub cost: f64,
}

/// An immutable directed graph in compressed sparse row form, with its
/// strongly connected components and condensation DAG computed at build time.
///
/// Node `v`'s out-edges are `targets[offsets[v]..offsets[v + 1]]` with the
/// same range of `weights`.
///
/// # Example
/// ```
/// use tessera::grid::Graph;
/// // 0 -> 1 -> 2 -> 0 is a cycle; 2 -> 3 leaves it.
/// let g = Graph::new(&[0, 1, 2, 4, 4], &[1, 2, 0, 3], None, None).unwrap();
/// assert_eq!(g.scc_count(), 2);
/// assert_eq!(g.scc_of(0), g.scc_of(2));
/// assert_ne!(g.scc_of(0), g.scc_of(3));
/// assert_eq!(g.condensation_targets(g.scc_of(0)), &[g.scc_of(3)]);
/// ```
#[derive(Debug, Clone)]
pub struct Graph {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    weights: Vec<f64>,
    coords: Option<Vec<[f64; 3]>>,
    first_negative: Option<usize>,
    scc: Vec<u32>,
    scc_count: u32,
    dag_offsets: Vec<u32>,
    dag_targets: Vec<u32>,
}

impl Graph {
    /// Builds a graph from CSR arrays. `weights` defaults to 1 for every edge;
    /// `coords` (x, y, z per node) are needed only for A* heuristics.
    /// Negative weights are accepted (BFS, SCC and reachability ignore them);
    /// Dijkstra and A* reject such a graph.
    ///
    /// # Errors
    /// [`GraphError`] for an empty graph, inconsistent offsets, an edge to a
    /// missing node, or mis-sized or non-finite weights or coordinates.
    pub fn new(
        offsets: &[u32],
        targets: &[u32],
        weights: Option<&[f64]>,
        coords: Option<&[[f64; 3]]>,
    ) -> Result<Graph, GraphError> {
        if offsets.len() <= 1 {
            return Err(GraphError::Empty);
        }
        let n = offsets.len() - 1;
        if n >= u32::MAX as usize || targets.len() >= u32::MAX as usize {
            return Err(GraphError::TooLarge);
        }
        if offsets[0] != 0 {
            return Err(GraphError::BadOffsets { index: 0 });
        }
        for i in 1..=n {
            if offsets[i] < offsets[i - 1] {
                return Err(GraphError::BadOffsets { index: i });
            }
        }
        if offsets[n] as usize != targets.len() {
            return Err(GraphError::BadOffsets { index: n });
        }
        if let Some((edge, &target)) = targets.iter().enumerate().find(|(_, &t)| t as usize >= n) {
            return Err(GraphError::MissingNode { edge, target });
        }
        let weights = match weights {
            Some(w) => {
                if w.len() != targets.len() {
                    return Err(GraphError::WeightsLength { expected: targets.len(), found: w.len() });
                }
                if let Some(edge) = w.iter().position(|x| !x.is_finite()) {
                    return Err(GraphError::NonFiniteWeight { edge });
                }
                w.to_vec()
            }
            None => vec![1.0; targets.len()],
        };
        let coords = match coords {
            Some(c) => {
                if c.len() != n {
                    return Err(GraphError::CoordsLength { expected: n, found: c.len() });
                }
                if let Some(node) = c.iter().position(|p| !p.iter().all(|v| v.is_finite())) {
                    return Err(GraphError::NonFiniteCoord { node });
                }
                Some(c.to_vec())
            }
            None => None,
        };
        let first_negative = weights.iter().position(|&w| w < 0.0);
        let mut g = Graph {
            offsets: offsets.to_vec(),
            targets: targets.to_vec(),
            weights,
            coords,
            first_negative,
            scc: Vec::new(),
            scc_count: 0,
            dag_offsets: Vec::new(),
            dag_targets: Vec::new(),
        };
        g.compute_scc();
        g.compute_condensation();
        Ok(g)
    }

    /// Number of nodes.
    pub fn node_count(&self) -> u32 {
        (self.offsets.len() - 1) as u32
    }

    /// Number of edges.
    pub fn edge_count(&self) -> u32 {
        self.targets.len() as u32
    }

    /// True when node coordinates were given.
    pub fn has_coords(&self) -> bool {
        self.coords.is_some()
    }

    /// Out-edges of `v` as (target, weight) pairs.
    pub fn edges(&self, v: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let r = self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize;
        self.targets[r.clone()].iter().copied().zip(self.weights[r].iter().copied())
    }

    /// Iterative Tarjan: an explicit stack of (node, next edge) frames in
    /// place of recursion, so million-node chains cannot overflow the stack.
    /// Components are numbered in the order they complete, which is a
    /// reverse topological order of the condensation: every edge between two
    /// components goes from a higher id to a lower one.
    fn compute_scc(&mut self) {
        const UNSEEN: u32 = u32::MAX;
        let n = self.node_count() as usize;
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut frames: Vec<(u32, u32)> = Vec::new();
        let mut comp = vec![UNSEEN; n];
        let mut next_index = 0u32;
        let mut count = 0u32;
        for root in 0..n as u32 {
            if index[root as usize] != UNSEEN {
                continue;
            }
            index[root as usize] = next_index;
            low[root as usize] = next_index;
            next_index += 1;
            stack.push(root);
            on_stack[root as usize] = true;
            frames.push((root, self.offsets[root as usize]));
            while let Some(frame) = frames.last_mut() {
                let v = frame.0 as usize;
                if frame.1 < self.offsets[v + 1] {
                    let w = self.targets[frame.1 as usize] as usize;
                    frame.1 += 1;
                    if index[w] == UNSEEN {
                        index[w] = next_index;
                        low[w] = next_index;
                        next_index += 1;
                        stack.push(w as u32);
                        on_stack[w] = true;
                        frames.push((w as u32, self.offsets[w]));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                } else {
                    frames.pop();
                    if low[v] == index[v] {
                        loop {
                            let u = stack.pop().expect("Tarjan stack holds v") as usize;
                            on_stack[u] = false;
                            comp[u] = count;
                            if u == v {
                                break;
                            }
                        }
                        count += 1;
                    }
                    if let Some(parent) = frames.last() {
                        let p = parent.0 as usize;
                        low[p] = low[p].min(low[v]);
                    }
                }
            }
        }
        self.scc = comp;
        self.scc_count = count;
    }

    fn compute_condensation(&mut self) {
        let c = self.scc_count as usize;
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for v in 0..self.node_count() {
            let cv = self.scc[v as usize];
            for (w, _) in self.edges(v) {
                let cw = self.scc[w as usize];
                if cv != cw {
                    pairs.push((cv, cw));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut offsets = vec![0u32; c + 1];
        for &(a, _) in &pairs {
            offsets[a as usize + 1] += 1;
        }
        for i in 0..c {
            offsets[i + 1] += offsets[i];
        }
        self.dag_targets = pairs.iter().map(|&(_, b)| b).collect();
        self.dag_offsets = offsets;
    }

    /// Number of strongly connected components.
    pub fn scc_count(&self) -> u32 {
        self.scc_count
    }

    /// Component id of node `v` (`0..scc_count()`); ids are a reverse
    /// topological order: an edge between components goes from a higher id to
    /// a lower one.
    pub fn scc_of(&self, v: u32) -> u32 {
        self.scc[v as usize]
    }

    /// Component id of every node.
    pub fn scc_ids(&self) -> &[u32] {
        &self.scc
    }

    /// Offsets of the condensation DAG in CSR form (`scc_count() + 1` entries).
    pub fn condensation_offsets(&self) -> &[u32] {
        &self.dag_offsets
    }

    /// All condensation edge targets in CSR order (each edge once).
    pub fn condensation_all_targets(&self) -> &[u32] {
        &self.dag_targets
    }

    /// Components that component `c` has an edge to, sorted, without duplicates.
    pub fn condensation_targets(&self, c: u32) -> &[u32] {
        &self.dag_targets[self.dag_offsets[c as usize] as usize..self.dag_offsets[c as usize + 1] as usize]
    }

    fn check_node(&self, which: &'static str, node: u32) -> Result<(), GraphError> {
        if node >= self.node_count() {
            return Err(GraphError::NodeOutOfRange { which, node, count: self.node_count() });
        }
        Ok(())
    }
}

/// A per-thread search object over one shared [`Graph`]; all scratch memory
/// is allocated at construction, so searches allocate nothing (the output
/// path grows to its largest size once).
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use tessera::grid::{Graph, GraphQuery};
/// // 0 -> 1 (5), 0 -> 2 (1), 2 -> 1 (1)
/// let g = Arc::new(Graph::new(&[0, 2, 2, 3], &[1, 2, 1], Some(&[5.0, 1.0, 1.0]), None).unwrap());
/// let mut q = GraphQuery::new(g);
/// let r = q.dijkstra(0, 1).unwrap();
/// assert!(r.found && r.cost == 2.0);
/// assert_eq!(q.path(), &[0, 2, 1]);
/// assert_eq!(q.bfs(0, 1).unwrap().cost, 1.0);
/// assert!(q.reachable(0, 1).unwrap() && !q.reachable(1, 0).unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct GraphQuery {
    graph: Arc<Graph>,
    dist: Vec<f64>,
    parent: Vec<u32>,
    /// `2 * search` when reached, `2 * search + 1` when settled.
    stamp: Vec<u32>,
    search: u32,
    heap: IndexedHeap,
    queue: Vec<u32>,
    comp_stamp: Vec<u32>,
    path: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl GraphQuery {
    /// A query object for `graph`.
    pub fn new(graph: Arc<Graph>) -> Self {
        let n = graph.node_count() as usize;
        let c = graph.scc_count() as usize;
        GraphQuery {
            dist: vec![0.0; n],
            parent: vec![NONE; n],
            stamp: vec![0; n],
            search: 0,
            heap: IndexedHeap::new(n),
            queue: Vec::with_capacity(n.max(c)),
            comp_stamp: vec![0; c],
            path: Vec::with_capacity(64),
            graph,
        }
    }

    /// The graph this query searches.
    pub fn graph(&self) -> &Arc<Graph> {
        &self.graph
    }

    /// Nodes of the last path found, source first; empty when none.
    pub fn path(&self) -> &[u32] {
        &self.path
    }

    fn next_search(&mut self) {
        self.search += 1;
        if self.search >= (u32::MAX >> 1) {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.comp_stamp.iter_mut().for_each(|s| *s = 0);
            self.search = 1;
        }
        self.heap.clear();
        self.queue.clear();
        self.path.clear();
    }

    fn reached(&self, v: usize) -> bool {
        self.stamp[v] >> 1 == self.search
    }

    fn finish(&mut self, goal: u32) -> GraphPath {
        if !self.reached(goal as usize) {
            return GraphPath::default();
        }
        let mut v = goal;
        while v != NONE {
            self.path.push(v);
            v = self.parent[v as usize];
        }
        self.path.reverse();
        GraphPath { found: true, cost: self.dist[goal as usize] }
    }

    /// Breadth-first search: a path with the fewest edges (weights ignored);
    /// `cost` is the edge count.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn bfs(&mut self, source: u32, goal: u32) -> Result<GraphPath, GraphError> {
        self.graph.check_node("source", source)?;
        self.graph.check_node("goal", goal)?;
        self.next_search();
        let graph = Arc::clone(&self.graph);
        let open = self.search << 1;
        self.stamp[source as usize] = open;
        self.dist[source as usize] = 0.0;
        self.parent[source as usize] = NONE;
        self.queue.push(source);
        let mut head = 0;
        while head < self.queue.len() {
            let v = self.queue[head];
            head += 1;
            if v == goal {
                break;
            }
            let d = self.dist[v as usize] + 1.0;
            for (w, _) in graph.edges(v) {
                if self.stamp[w as usize] != open {
                    self.stamp[w as usize] = open;
                    self.dist[w as usize] = d;
                    self.parent[w as usize] = v;
                    self.queue.push(w);
                }
            }
        }
        Ok(self.finish(goal))
    }

    fn require_non_negative(&self) -> Result<(), GraphError> {
        if let Some(edge) = self.graph.first_negative {
            return Err(GraphError::NegativeWeight { edge, weight: self.graph.weights[edge] });
        }
        Ok(())
    }

    /// Best-first search with `h(v) = weight · heuristic(v, goal)`; with
    /// `goal = None` it settles everything reachable (Dijkstra's full tree).
    fn best_first(&mut self, source: u32, goal: Option<u32>, heuristic: Heuristic, weight: f64) {
        self.next_search();
        let graph = Arc::clone(&self.graph);
        let open = self.search << 1;
        let goal_pos = match (goal, &graph.coords) {
            (Some(g), Some(c)) => c[g as usize],
            _ => [0.0; 3],
        };
        let h = |v: u32| -> f64 {
            let Some(coords) = &graph.coords else { return 0.0 };
            let p = coords[v as usize];
            let d = [(p[0] - goal_pos[0]).abs(), (p[1] - goal_pos[1]).abs(), (p[2] - goal_pos[2]).abs()];
            weight
                * match heuristic {
                    Heuristic::Zero => 0.0,
                    Heuristic::Euclidean => (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt(),
                    Heuristic::Manhattan => d[0] + d[1] + d[2],
                    Heuristic::Chebyshev => d[0].max(d[1]).max(d[2]),
                }
        };
        self.stamp[source as usize] = open;
        self.dist[source as usize] = 0.0;
        self.parent[source as usize] = NONE;
        self.heap.push(source, h(source), 0.0);
        while let Some(v) = self.heap.pop() {
            self.stamp[v as usize] = open | 1;
            if Some(v) == goal {
                break;
            }
            let dv = self.dist[v as usize];
            for (w, cost) in graph.edges(v) {
                let nd = dv + cost;
                let s = self.stamp[w as usize];
                if s < open {
                    self.stamp[w as usize] = open;
                    self.dist[w as usize] = nd;
                    self.parent[w as usize] = v;
                    self.heap.push(w, nd + h(w), nd);
                } else if s == open && nd < self.dist[w as usize] {
                    self.dist[w as usize] = nd;
                    self.parent[w as usize] = v;
                    self.heap.decrease(w, nd + h(w), nd);
                } else if s == (open | 1) && nd < self.dist[w as usize] && heuristic != Heuristic::Zero {
                    // An inconsistent (weighted or inadmissible) heuristic can
                    // close a node too early: reopen it.
                    self.stamp[w as usize] = open;
                    self.dist[w as usize] = nd;
                    self.parent[w as usize] = v;
                    self.heap.push(w, nd + h(w), nd);
                }
            }
        }
    }

    /// Dijkstra's shortest path from `source` to `goal`.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`], or [`GraphError::NegativeWeight`] when
    /// the graph has a negative weight.
    pub fn dijkstra(&mut self, source: u32, goal: u32) -> Result<GraphPath, GraphError> {
        self.astar(source, goal, Heuristic::Zero, 0.0)
    }

    /// A* from `source` to `goal` with `h = weight · heuristic(node, goal)`
    /// on the node coordinates. With an admissible heuristic and `weight <= 1`
    /// the path is optimal; a larger weight trades optimality for speed
    /// (closed nodes are reopened when a cheaper path turns up).
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`], [`GraphError::NegativeWeight`],
    /// [`GraphError::NoCoordinates`] (a non-zero heuristic without
    /// coordinates) or [`GraphError::BadHeuristicWeight`].
    pub fn astar(&mut self, source: u32, goal: u32, heuristic: Heuristic, weight: f64) -> Result<GraphPath, GraphError> {
        self.graph.check_node("source", source)?;
        self.graph.check_node("goal", goal)?;
        self.require_non_negative()?;
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(GraphError::BadHeuristicWeight(weight));
        }
        if heuristic != Heuristic::Zero && !self.graph.has_coords() {
            return Err(GraphError::NoCoordinates);
        }
        self.best_first(source, Some(goal), heuristic, weight);
        Ok(self.finish(goal))
    }

    /// Shortest distances (Dijkstra) from `source` to nodes `0..out.len()`,
    /// written into `out` (at most the node count); unreachable nodes get
    /// infinity. Allocates nothing.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`] or [`GraphError::NegativeWeight`].
    pub fn distances(&mut self, source: u32, out: &mut [f64]) -> Result<(), GraphError> {
        self.graph.check_node("source", source)?;
        self.require_non_negative()?;
        self.best_first(source, None, Heuristic::Zero, 0.0);
        for (v, o) in out.iter_mut().enumerate().take(self.dist.len()) {
            *o = if self.reached(v) { self.dist[v] } else { f64::INFINITY };
        }
        Ok(())
    }

    /// True when a directed path leads from `from` to `to` (every node reaches
    /// itself). Same component: yes at once; otherwise a search of the
    /// condensation DAG that skips components numbered below `to`'s, since
    /// edges only lead to lower ids.
    ///
    /// # Errors
    /// [`GraphError::NodeOutOfRange`].
    pub fn reachable(&mut self, from: u32, to: u32) -> Result<bool, GraphError> {
        self.graph.check_node("from", from)?;
        self.graph.check_node("to", to)?;
        let (cf, ct) = (self.graph.scc_of(from), self.graph.scc_of(to));
        if cf == ct {
            return Ok(true);
        }
        if ct > cf {
            return Ok(false);
        }
        self.next_search();
        let graph = Arc::clone(&self.graph);
        let mark = self.search;
        self.comp_stamp[cf as usize] = mark;
        self.queue.push(cf);
        while let Some(c) = self.queue.pop() {
            for &d in graph.condensation_targets(c) {
                if d == ct {
                    self.queue.clear();
                    return Ok(true);
                }
                if d > ct && self.comp_stamp[d as usize] != mark {
                    self.comp_stamp[d as usize] = mark;
                    self.queue.push(d);
                }
            }
        }
        Ok(false)
    }
}
