//! Navmesh tests on the shipped Recast meshes and on generated meshes, each
//! against an independent oracle (edge maps and components computed here,
//! a visibility-graph Dijkstra for optimal lengths, brute-force scans).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use tessera::navmesh::*;
use tessera::random::Rng;

/// A start and an end, each as (polygon, point).
type Pair = ((u32, [f32; 3]), (u32, [f32; 3]));

const MESHES: [&str; 3] = ["dungeon", "nav_test", "undulating"];

fn obj_text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/data/navmesh/{name}.navmesh.obj", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Independent reading of the OBJ: faces as vertex lists.
fn faces(text: &str) -> (Vec<[f32; 3]>, Vec<Vec<u32>>) {
    let mut v = Vec::new();
    let mut f = Vec::new();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.first() {
            Some(&"v") => v.push([t[1].parse().unwrap(), t[2].parse().unwrap(), t[3].parse().unwrap()]),
            Some(&"f") => f.push(t[1..].iter().map(|s| s.parse::<u32>().unwrap() - 1).collect()),
            _ => {}
        }
    }
    (v, f)
}

/// Adjacency from shared vertex-index pairs, computed independently of the library.
fn adjacency(f: &[Vec<u32>]) -> Vec<HashSet<u32>> {
    let mut by_edge: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for (p, face) in f.iter().enumerate() {
        for k in 0..face.len() {
            let (a, b) = (face[k], face[(k + 1) % face.len()]);
            by_edge.entry((a.min(b), a.max(b))).or_default().push(p as u32);
        }
    }
    let mut adj = vec![HashSet::new(); f.len()];
    for list in by_edge.values() {
        if list.len() == 2 {
            adj[list[0] as usize].insert(list[1]);
            adj[list[1] as usize].insert(list[0]);
        }
    }
    adj
}

fn components(adj: &[HashSet<u32>]) -> Vec<u32> {
    let mut comp = vec![u32::MAX; adj.len()];
    let mut c = 0;
    for s in 0..adj.len() {
        if comp[s] != u32::MAX {
            continue;
        }
        let mut q = VecDeque::from([s as u32]);
        comp[s] = c;
        while let Some(p) = q.pop_front() {
            for &n in &adj[p as usize] {
                if comp[n as usize] == u32::MAX {
                    comp[n as usize] = c;
                    q.push_back(n);
                }
            }
        }
        c += 1;
    }
    comp
}

fn load(name: &str) -> Arc<NavMesh> {
    Arc::new(NavMesh::from_obj(&obj_text(name)).unwrap())
}

fn xz_len(points: &[[f32; 3]]) -> f32 {
    points.windows(2).map(|w| ((w[0][0] - w[1][0]).powi(2) + (w[0][2] - w[1][2]).powi(2)).sqrt()).sum()
}

/// Seeded random (poly, point) pairs, polygons chosen uniformly by index and points inside by rejection.
fn random_pairs(mesh: &NavMesh, seed: u64, n: usize) -> Vec<Pair> {
    let mut rng = Rng::new(seed);
    let q = NavMeshQuery::new(Arc::new(mesh.clone()), 64);
    let f = QueryFilter::default();
    (0..n).map(|_| (q.find_random_point(&f, &mut rng).unwrap(), q.find_random_point(&f, &mut rng).unwrap())).collect()
}

#[test]
fn meshes_load_with_expected_counts_and_links() {
    for (name, polys) in MESHES.iter().zip([118u32, 155, 216]) {
        let text = obj_text(name);
        let mesh = NavMesh::from_obj(&text).unwrap();
        assert_eq!(mesh.poly_count(), polys, "{name}");
        let (_, f) = faces(&text);
        let adj = adjacency(&f);
        for p in 0..mesh.poly_count() {
            let got: HashSet<u32> = mesh.links_of(p).collect();
            assert_eq!(got, adj[p as usize], "{name} polygon {p}");
            assert_eq!(mesh.poly_indices(p), &f[p as usize][..], "{name} polygon {p} keeps its corners");
        }
    }
}

#[test]
fn nearest_poly_matches_brute_force() {
    for name in MESHES {
        let mesh = load(name);
        let q = NavMeshQuery::new(mesh.clone(), 64);
        let f = QueryFilter::default();
        let mut rng = Rng::new(11);
        let (v, _) = (mesh.vertices(), 0);
        let (mut lo, mut hi) = ([f32::MAX; 3], [f32::MIN; 3]);
        for p in v {
            for k in 0..3 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        let ext = [2.0, 4.0, 2.0];
        for _ in 0..300 {
            let c = [
                lo[0] + rng.next_f32() * (hi[0] - lo[0]),
                lo[1] + rng.next_f32() * (hi[1] - lo[1]),
                lo[2] + rng.next_f32() * (hi[2] - lo[2]),
            ];
            // Brute force: every polygon whose bounds overlap the box, distance as the library defines it.
            let mut best = f32::MAX;
            for p in 0..mesh.poly_count() {
                let (bmin, bmax) = mesh.poly_bounds(p);
                if (0..3).any(|k| bmin[k] > c[k] + ext[k] || bmax[k] < c[k] - ext[k]) {
                    continue;
                }
                let (pt, over) = mesh.closest_point_on_poly(p, c).unwrap();
                let d = if over { (pt[1] - c[1]).powi(2) } else { (0..3).map(|k| (pt[k] - c[k]).powi(2)).sum() };
                best = best.min(d);
            }
            match q.find_nearest_poly(c, ext, &f) {
                Ok((p, pt)) => {
                    let (pt2, over) = mesh.closest_point_on_poly(p, c).unwrap();
                    assert_eq!(pt, pt2);
                    let d: f32 = if over { (pt[1] - c[1]).powi(2) } else { (0..3).map(|k| (pt[k] - c[k]).powi(2)).sum() };
                    assert!((d - best).abs() <= 1e-4 * best.max(1.0), "{name}: {d} vs brute force {best}");
                }
                Err(QueryError::NotFound) => assert_eq!(best, f32::MAX, "{name}: missed a polygon"),
                Err(e) => panic!("{e}"),
            }
        }
    }
}

#[test]
fn paths_are_valid_reachability_matches_components_and_optimal_is_shorter() {
    for name in MESHES {
        let mesh = load(name);
        let (_, f) = faces(&obj_text(name));
        let adj = adjacency(&f);
        let comp = components(&adj);
        let mut q = NavMeshQuery::new(mesh.clone(), 4096);
        let filter = QueryFilter::default();
        let mut path = Vec::new();
        let mut straight = Vec::new();
        let mut optimal = Vec::new();
        let mut visited = vec![0u32; 1024];
        let (mut reachable, mut unreachable) = (0, 0);
        for ((sp, s), (ep, e)) in random_pairs(&mesh, 7, 1500) {
            let r = q.find_path(sp, ep, s, e, &filter, &mut path).unwrap();
            assert!(!r.out_of_nodes);
            assert_eq!(path[0], sp);
            let same = comp[sp as usize] == comp[ep as usize];
            assert_eq!(!r.partial, same, "{name}: reachability {sp}->{ep}");
            if same {
                reachable += 1;
                assert_eq!(*path.last().unwrap(), ep);
            } else {
                unreachable += 1;
                assert_eq!(comp[*path.last().unwrap() as usize], comp[sp as usize]);
            }
            for w in path.windows(2) {
                assert!(adj[w[0] as usize].contains(&w[1]), "{name}: {} and {} are not adjacent", w[0], w[1]);
            }
            let mut seen = HashSet::new();
            assert!(path.iter().all(|p| seen.insert(*p)), "{name}: path repeats a polygon");
            q.find_straight_path(s, e, &path, 0, &mut straight).unwrap();
            let first = straight[0];
            assert_eq!(first.flags & STRAIGHT_START, STRAIGHT_START);
            assert!(mesh.poly_height(sp, first.pos).is_some(), "{name}: start on the mesh");
            let last = *straight.last().unwrap();
            assert_eq!(last.flags & STRAIGHT_END, STRAIGHT_END);
            if same {
                assert!((last.pos[0] - e[0]).abs() < 1e-3 && (last.pos[2] - e[2]).abs() < 1e-3);
                assert!(mesh.poly_height(ep, last.pos).is_some(), "{name}: end on the mesh");
            }
            // Every segment stays on the mesh: a raycast from its start along the path's polygons reaches its end.
            for w in straight.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (a.pos[0] - b.pos[0]).abs() + (a.pos[2] - b.pos[2]).abs() < 1e-4 {
                    continue;
                }
                let poly = if a.flags & STRAIGHT_START != 0 { sp } else { a.poly };
                let hit = q.raycast(poly, a.pos, b.pos, &filter, &mut visited).unwrap();
                assert!(hit.t == f32::MAX || hit.t > 0.999, "{name}: segment {:?}->{:?} leaves the mesh at t={}", a.pos, b.pos, hit.t);
            }
            if same {
                let (len, res) = q.find_optimal_path(sp, ep, s, e, &filter, &mut optimal).unwrap();
                assert!(!res.out_of_nodes);
                let len = len.expect("optimal mode finds the reachable goal");
                let pts: Vec<[f32; 3]> = straight.iter().map(|p| p.pos).collect();
                let funnel = xz_len(&pts);
                assert!(len <= funnel + 1e-3, "{name}: optimal {len} longer than funnel {funnel}");
                assert!((xz_len(&optimal) - len).abs() < 1e-3);
                assert!(len + 1e-3 >= ((s[0] - e[0]).powi(2) + (s[2] - e[2]).powi(2)).sqrt());
            } else {
                let (len, _) = q.find_optimal_path(sp, ep, s, e, &filter, &mut optimal).unwrap();
                assert!(len.is_none(), "{name}: optimal mode reached an unreachable goal");
            }
        }
        assert!(reachable > 0);
        if name != "undulating" {
            assert!(unreachable > 0, "{name}: expected some unreachable pairs");
        }
    }
}

#[test]
fn sliced_search_equals_one_shot() {
    for name in MESHES {
        let mesh = load(name);
        let mut q = NavMeshQuery::new(mesh.clone(), 2048);
        let f = QueryFilter::default();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for ((sp, s), (ep, e)) in random_pairs(&mesh, 99, 100) {
            let r1 = q.find_path(sp, ep, s, e, &f, &mut a).unwrap();
            q.init_sliced_find_path(sp, ep, s, e, &f).unwrap();
            loop {
                let (_, state) = q.update_sliced_find_path(3).unwrap();
                if state == SlicedState::Done {
                    break;
                }
            }
            let r2 = q.finalize_sliced_find_path(&mut b).unwrap();
            assert_eq!((r1, &a), (r2, &b));
        }
        assert_eq!(q.update_sliced_find_path(1), Err(QueryError::WrongState));
        assert_eq!(q.finalize_sliced_find_path(&mut b), Err(QueryError::WrongState));
    }
}

#[test]
fn out_of_nodes_is_reported() {
    let mesh = load("undulating");
    let mut q = NavMeshQuery::new(mesh.clone(), 4);
    let f = QueryFilter::default();
    let mut path = Vec::new();
    let mut seen_oon = false;
    for ((sp, s), (ep, e)) in random_pairs(&mesh, 5, 40) {
        let r = q.find_path(sp, ep, s, e, &f, &mut path).unwrap();
        if r.out_of_nodes {
            seen_oon = true;
            assert!(path.len() <= 4);
        }
    }
    assert!(seen_oon);
}

#[test]
fn concurrent_queries_match_serial() {
    let mesh = load("dungeon");
    let pairs = random_pairs(&mesh, 3, 200);
    let run = |mesh: Arc<NavMesh>, pairs: &[Pair]| {
        let mut q = NavMeshQuery::new(mesh, 2048);
        let f = QueryFilter::default();
        let (mut path, mut sp) = (Vec::new(), Vec::new());
        pairs
            .iter()
            .map(|&((a, s), (b, e))| {
                q.find_path(a, b, s, e, &f, &mut path).unwrap();
                q.find_straight_path(s, e, &path, 0, &mut sp).unwrap();
                (path.clone(), sp.iter().map(|p| p.pos).collect::<Vec<_>>())
            })
            .collect::<Vec<_>>()
    };
    let serial = run(mesh.clone(), &pairs);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| run(mesh.clone(), &pairs))).collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), serial);
        }
    });
}

#[test]
fn filters_and_area_costs_change_paths() {
    // A 3x1 strip of squares with a detour row: 0 1 2 on z 0..1, 3 4 5 on z 1..2.
    let mut verts = Vec::new();
    for z in 0..3 {
        for x in 0..4 {
            verts.push([x as f32, 0.0, z as f32]);
        }
    }
    let id = |x: u32, z: u32| z * 4 + x;
    let mut idx = Vec::new();
    for z in 0..2 {
        for x in 0..3 {
            idx.extend([id(x, z), id(x, z + 1), id(x + 1, z + 1), id(x + 1, z)]);
        }
    }
    let areas = [0u8, 1, 0, 0, 0, 0];
    let flags = [1u16, 2, 1, 1, 1, 1];
    let mesh = Arc::new(
        NavMesh::build(&MeshInput { vertices: &verts, indices: &idx, poly_sizes: &[4; 6], areas: &areas, flags: &flags, ..Default::default() })
            .unwrap(),
    );
    let mut q = NavMeshQuery::new(mesh, 64);
    let mut path = Vec::new();
    let (s, e) = ([0.5, 0.0, 0.5], [2.5, 0.0, 0.5]);
    q.find_path(0, 2, s, e, &QueryFilter::default(), &mut path).unwrap();
    assert_eq!(path, [0, 1, 2]);
    let mut costly = QueryFilter::default();
    costly.area_cost[1] = 10.0;
    q.find_path(0, 2, s, e, &costly, &mut path).unwrap();
    assert_eq!(path, [0, 3, 4, 5, 2]);
    let excl = QueryFilter { exclude_flags: 2, ..QueryFilter::default() };
    q.find_path(0, 2, s, e, &excl, &mut path).unwrap();
    assert_eq!(path, [0, 3, 4, 5, 2]);
    let only2 = QueryFilter { include_flags: 2, ..QueryFilter::default() };
    // Only flag 2 passes: polygon 1 is reachable, polygon 2 is not; the partial path ends next to the goal.
    let r = q.find_path(0, 2, s, e, &only2, &mut path).unwrap();
    assert!(r.partial);
    assert_eq!(path, [0, 1]);
    // Area crossings: the straight line 0→1→2 crosses two area changes.
    let mut sp = Vec::new();
    q.find_path(0, 2, s, e, &QueryFilter::default(), &mut path).unwrap();
    q.find_straight_path(s, e, &path, 0, &mut sp).unwrap();
    assert_eq!(sp.len(), 2);
    q.find_straight_path(s, e, &path, STRAIGHTPATH_AREA_CROSSINGS, &mut sp).unwrap();
    assert_eq!(sp.len(), 4);
    assert!((sp[1].pos[0] - 1.0).abs() < 1e-5 && (sp[2].pos[0] - 2.0).abs() < 1e-5);
    // Raycast through the excluded polygon hits the wall at x = 1.
    let mut visited = [0u32; 8];
    let hit = q.raycast(0, s, e, &excl, &mut visited).unwrap();
    assert!((hit.t - 0.25).abs() < 1e-5, "{}", hit.t);
    assert_eq!(hit.visited, 1);
    assert!(hit.normal[0] * (e[0] - s[0]) < 0.0, "wall normal faces the ray");
    let hit = q.raycast(0, s, e, &QueryFilter::default(), &mut visited).unwrap();
    assert_eq!(hit.t, f32::MAX);
    assert_eq!(&visited[..3], &[0, 1, 2]);
    // Distance to wall from the centre of polygon 4 (x 1..2, z 1..2): the wall z = 2 at 0.5.
    let w = q.find_distance_to_wall(4, [1.5, 0.0, 1.5], 5.0, &QueryFilter::default()).unwrap();
    assert!((w.distance - 0.5).abs() < 1e-5);
    assert!((w.pos[2] - 2.0).abs() < 1e-5 && w.normal[2] < -0.99);
    // Move along the surface into the wall slides along it.
    let mut vis = Vec::new();
    let p = q.move_along_surface(0, s, [0.5, 0.0, -3.0], &QueryFilter::default(), &mut vis).unwrap();
    assert!((p[2] - 0.0).abs() < 1e-5 && (p[0] - 0.5).abs() < 1e-5);
    let p = q.move_along_surface(0, s, [2.5, 0.0, 1.5], &QueryFilter::default(), &mut vis).unwrap();
    assert_eq!(p, [2.5, 0.0, 1.5]);
    assert_eq!(*vis.first().unwrap(), 0);
    assert_eq!(*vis.last().unwrap(), 5);
    // Polygons around a circle of radius 0.6 at (1.5, 1.0): polygons touching within reach.
    let mut around = Vec::new();
    q.find_polys_around_circle(1, [1.5, 0.0, 0.5], 0.6, &QueryFilter::default(), &mut around).unwrap();
    let got: HashSet<u32> = around.iter().map(|a| a.0).collect();
    assert_eq!(got, HashSet::from([0, 1, 2, 4]));
}

#[test]
fn random_points_are_area_weighted_and_in_circles() {
    let mesh = load("undulating");
    let mut q = NavMeshQuery::new(mesh.clone(), 2048);
    let f = QueryFilter::default();
    let mut rng = Rng::new(1);
    let total: f32 = (0..mesh.poly_count()).map(|p| mesh.poly_area(p)).sum();
    let mut counts = vec![0u32; mesh.poly_count() as usize];
    let n = 200_000;
    for _ in 0..n {
        let (p, pt) = q.find_random_point(&f, &mut rng).unwrap();
        counts[p as usize] += 1;
        assert!(mesh.poly_height(p, pt).is_some());
    }
    // The largest polygon's frequency matches its share of the area.
    let big = (0..mesh.poly_count()).max_by(|&a, &b| mesh.poly_area(a).total_cmp(&mesh.poly_area(b))).unwrap();
    let expect = mesh.poly_area(big) / total;
    let got = counts[big as usize] as f32 / n as f32;
    assert!((got - expect).abs() < 4.0 * (expect / n as f32).sqrt() + 1e-3, "{got} vs {expect}");
    for _ in 0..200 {
        let (sp, c) = q.find_random_point(&f, &mut rng).unwrap();
        let (p, pt) = q.find_random_point_around_circle(sp, c, 3.0, &f, &mut rng).unwrap();
        assert!(((pt[0] - c[0]).powi(2) + (pt[2] - c[2]).powi(2)).sqrt() <= 3.0 + 1e-4);
        assert!(mesh.poly_height(p, pt).is_some());
    }
}

// ---- optimal mode against a visibility-graph oracle ------------------------------------

/// A grid of unit cells with blocked cells (no diagonal pinches), as a triangle soup.
fn grid_soup(w: u32, h: u32, seed: u64) -> (Vec<[f32; 3]>, Vec<u32>, Vec<bool>) {
    let mut rng = Rng::new(seed);
    let mut free = vec![true; (w * h) as usize];
    for c in free.iter_mut() {
        *c = rng.next_f32() > 0.25;
    }
    // Remove diagonal pinches: a 2x2 block with exactly the diagonal pattern gets one more free cell.
    let at = |x: u32, z: u32| (z * w + x) as usize;
    loop {
        let mut changed = false;
        for z in 0..h - 1 {
            for x in 0..w - 1 {
                let (a, b, c, d) = (free[at(x, z)], free[at(x + 1, z)], free[at(x, z + 1)], free[at(x + 1, z + 1)]);
                if a == d && b == c && a != b {
                    free[at(x + 1, z)] = true;
                    free[at(x, z)] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut verts = Vec::new();
    for z in 0..=h {
        for x in 0..=w {
            verts.push([x as f32, 0.0, z as f32]);
        }
    }
    let vid = |x: u32, z: u32| z * (w + 1) + x;
    let mut idx = Vec::new();
    for z in 0..h {
        for x in 0..w {
            if free[at(x, z)] {
                // Winding either way: the soup builder orients triangles itself.
                idx.extend([vid(x, z), vid(x + 1, z), vid(x + 1, z + 1)]);
                idx.extend([vid(x, z), vid(x + 1, z + 1), vid(x, z + 1)]);
            }
        }
    }
    (verts, idx, free)
}

/// Closed free space contains segment a-b: every piece between grid-line crossings lies in a free cell.
fn grid_los(a: [f64; 2], b: [f64; 2], w: u32, h: u32, free: &[bool]) -> bool {
    let mut ts = vec![0.0, 1.0];
    for k in 0..=w.max(h) {
        let k = f64::from(k);
        for (p, q) in [(a[0], b[0]), (a[1], b[1])] {
            if (q - p).abs() > 1e-12 {
                let t = (k - p) / (q - p);
                if t > 0.0 && t < 1.0 {
                    ts.push(t);
                }
            }
        }
    }
    ts.sort_by(f64::total_cmp);
    let cell_free = |x: i64, z: i64| x >= 0 && z >= 0 && x < i64::from(w) && z < i64::from(h) && free[(z as u32 * w + x as u32) as usize];
    for t in ts.windows(2) {
        if t[1] - t[0] < 1e-12 {
            continue;
        }
        let tm = 0.5 * (t[0] + t[1]);
        let m = [a[0] + (b[0] - a[0]) * tm, a[1] + (b[1] - a[1]) * tm];
        // On a grid line (segment along it): free if a cell on either side is free.
        let on_x = (m[0] - m[0].round()).abs() < 1e-9;
        let on_z = (m[1] - m[1].round()).abs() < 1e-9;
        let xs: Vec<i64> = if on_x { vec![m[0].round() as i64 - 1, m[0].round() as i64] } else { vec![m[0].floor() as i64] };
        let zs: Vec<i64> = if on_z { vec![m[1].round() as i64 - 1, m[1].round() as i64] } else { vec![m[1].floor() as i64] };
        if !xs.iter().any(|&x| zs.iter().any(|&z| cell_free(x, z))) {
            return false;
        }
    }
    true
}

fn oracle_length(s: [f64; 2], t: [f64; 2], corners: &[[f64; 2]], w: u32, h: u32, free: &[bool]) -> Option<f64> {
    let mut nodes = vec![s, t];
    nodes.extend_from_slice(corners);
    let n = nodes.len();
    let mut dist = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    dist[0] = 0.0;
    for _ in 0..n {
        let u = (0..n).filter(|&i| !done[i]).min_by(|&a, &b| dist[a].total_cmp(&dist[b]))?;
        if dist[u].is_infinite() {
            break;
        }
        done[u] = true;
        if u == 1 {
            return Some(dist[1]);
        }
        for v in 0..n {
            if !done[v] && grid_los(nodes[u], nodes[v], w, h, free) {
                let d = dist[u] + ((nodes[u][0] - nodes[v][0]).powi(2) + (nodes[u][1] - nodes[v][1]).powi(2)).sqrt();
                if d < dist[v] {
                    dist[v] = d;
                }
            }
        }
    }
    (dist[1].is_finite()).then_some(dist[1])
}

#[test]
fn optimal_mode_matches_visibility_graph_oracle() {
    for seed in 0..20u64 {
        let (w, h) = (9, 8);
        let (verts, idx, free) = grid_soup(w, h, seed);
        let mesh = Arc::new(NavMesh::from_triangles(&verts, &idx, &[], &SoupSettings::default()).unwrap());
        assert!(mesh.poly_count() < idx.len() as u32 / 3, "Hertel–Mehlhorn merged some triangles");
        // Corners: grid vertices touching both a free and a blocked (or outside) cell.
        let mut corners = Vec::new();
        for z in 0..=h as i64 {
            for x in 0..=w as i64 {
                let cells = [(x - 1, z - 1), (x, z - 1), (x - 1, z), (x, z)];
                let f = cells
                    .iter()
                    .filter(|&&(cx, cz)| cx >= 0 && cz >= 0 && cx < w as i64 && cz < h as i64 && free[(cz as u32 * w + cx as u32) as usize])
                    .count();
                if f > 0 && f < 4 {
                    corners.push([x as f64, z as f64]);
                }
            }
        }
        let mut q = NavMeshQuery::new(mesh.clone(), 4096);
        let filter = QueryFilter::default();
        let mut rng = Rng::new(seed + 100);
        let mut out = Vec::new();
        let mut path = Vec::new();
        let mut straight = Vec::new();
        let mut checked = 0;
        for _ in 0..60 {
            let (sp, s) = q.find_random_point(&filter, &mut rng).unwrap();
            let (ep, e) = q.find_random_point(&filter, &mut rng).unwrap();
            let oracle = oracle_length([f64::from(s[0]), f64::from(s[2])], [f64::from(e[0]), f64::from(e[2])], &corners, w, h, &free);
            let (len, _) = q.find_optimal_path(sp, ep, s, e, &filter, &mut out).unwrap();
            match (oracle, len) {
                (Some(o), Some(l)) => {
                    assert!((o - f64::from(l)).abs() < 1e-4, "seed {seed}: optimal {l} vs oracle {o} from {s:?} to {e:?}");
                    q.find_path(sp, ep, s, e, &filter, &mut path).unwrap();
                    q.find_straight_path(s, e, &path, 0, &mut straight).unwrap();
                    let pts: Vec<[f32; 3]> = straight.iter().map(|p| p.pos).collect();
                    assert!(l <= xz_len(&pts) + 1e-4);
                    checked += 1;
                }
                (None, None) => {}
                other => panic!("seed {seed}: reachability differs {other:?}"),
            }
        }
        assert!(checked > 20);
    }
}

#[test]
fn retriangulated_meshes_give_the_same_optimal_lengths() {
    // Fan-triangulate a shipped mesh, rebuild through the soup path (weld + Hertel–Mehlhorn):
    // the free space is unchanged, so exact shortest lengths must agree.
    let name = "undulating";
    let text = obj_text(name);
    let (v, f) = faces(&text);
    let mut idx = Vec::new();
    for face in &f {
        for k in 1..face.len() - 1 {
            idx.extend([face[0], face[k], face[k + 1]]);
        }
    }
    let a = load(name);
    let b = Arc::new(NavMesh::from_triangles(&v, &idx, &[], &SoupSettings { max_poly_verts: 6, ..Default::default() }).unwrap());
    let area = |m: &NavMesh| (0..m.poly_count()).map(|p| f64::from(m.poly_area(p))).sum::<f64>();
    assert!((area(&a) - area(&b)).abs() < 1e-3 * area(&a));
    let (mut qa, mut qb) = (NavMeshQuery::new(a.clone(), 4096), NavMeshQuery::new(b.clone(), 4096));
    let filter = QueryFilter::default();
    let mut out = Vec::new();
    for ((_, s), (_, e)) in random_pairs(&a, 21, 60) {
        let ext = [0.1, 3.0, 0.1];
        let (sa, s1) = qa.find_nearest_poly(s, ext, &filter).unwrap();
        let (ea, e1) = qa.find_nearest_poly(e, ext, &filter).unwrap();
        // The polygon of the rebuilt mesh under each point (brute force, nearest surface height).
        let under = |p: [f32; 3]| {
            (0..b.poly_count())
                .filter_map(|k| b.poly_height(k, p).map(|h| (k, h)))
                .min_by(|x, y| (x.1 - p[1]).abs().total_cmp(&(y.1 - p[1]).abs()))
                .map(|(k, h)| (k, [p[0], h, p[2]]))
                .unwrap()
        };
        let (sb, s2) = under(s1);
        let (eb, e2) = under(e1);
        let la = qa.find_optimal_path(sa, ea, s1, e1, &filter, &mut out).unwrap().0.unwrap();
        let lb = qb.find_optimal_path(sb, eb, s2, e2, &filter, &mut out).unwrap().0.unwrap();
        assert!((la - lb).abs() < 1e-3, "{la} vs {lb}");
    }
}

#[test]
fn off_mesh_connections_are_used_and_flagged() {
    // Two separate squares joined by a one-way jump from the first to the second.
    let verts = [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [3.0, 0.0, 0.0], [3.0, 0.0, 1.0], [4.0, 0.0, 1.0], [4.0, 0.0, 0.0]];
    let conn = OffMeshConnection { start: [0.9, 0.0, 0.5], end: [3.1, 0.0, 0.5], radius: 0.2, bidirectional: false, cost: -1.0, area: 0, flags: 1 };
    let mesh = Arc::new(
        NavMesh::build(&MeshInput { vertices: &verts, indices: &[0, 1, 2, 3, 4, 5, 6, 7], poly_sizes: &[4, 4], off_mesh: &[conn], ..Default::default() })
            .unwrap(),
    );
    assert_eq!(mesh.off_mesh_count(), 1);
    let mut q = NavMeshQuery::new(mesh.clone(), 64);
    let f = QueryFilter::default();
    let mut path = Vec::new();
    let r = q.find_path(0, 1, [0.2, 0.0, 0.5], [3.8, 0.0, 0.5], &f, &mut path).unwrap();
    assert!(!r.partial);
    assert_eq!(path, [0, 2, 1]);
    let mut sp = Vec::new();
    q.find_straight_path([0.2, 0.0, 0.5], [3.8, 0.0, 0.5], &path, 0, &mut sp).unwrap();
    assert!(sp.iter().any(|p| p.flags & STRAIGHT_OFFMESH != 0 && (p.pos[0] - 0.9).abs() < 1e-5));
    // One way: the way back is partial.
    let r = q.find_path(1, 0, [3.8, 0.0, 0.5], [0.2, 0.0, 0.5], &f, &mut path).unwrap();
    assert!(r.partial);
    // Excluding the connection's flag cuts it.
    let r = q.find_path(0, 1, [0.2, 0.0, 0.5], [3.8, 0.0, 0.5], &QueryFilter { exclude_flags: 1, include_flags: 0xffff, ..Default::default() }, &mut path);
    assert!(r.unwrap().partial);
}

#[test]
fn blob_round_trips_and_rejects_damage() {
    let mesh = load("nav_test");
    let bytes = mesh.to_bytes();
    let back = NavMesh::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.poly_count(), mesh.poly_count());
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x40;
    assert_eq!(NavMesh::from_bytes(&bad).unwrap_err().kind, BuildErrorKind::Corrupt);
    assert_eq!(NavMesh::from_bytes(&bytes[..bytes.len() - 3]).unwrap_err().kind, BuildErrorKind::Corrupt);
    assert_eq!(NavMesh::from_bytes(&bytes[..10]).unwrap_err().kind, BuildErrorKind::Corrupt);
    let mut v2 = bytes.clone();
    v2[8] = 2;
    assert_eq!(NavMesh::from_bytes(&v2).unwrap_err().kind, BuildErrorKind::Version);
    let mut magic = bytes;
    magic[0] = b'X';
    assert_eq!(NavMesh::from_bytes(&magic).unwrap_err().kind, BuildErrorKind::Corrupt);
}

#[test]
fn detail_heights_are_used() {
    // One square whose detail lifts the centre to height 1 (a pyramid).
    let verts = [[0.0, 0.0, 0.0], [0.0, 0.0, 2.0], [2.0, 0.0, 2.0], [2.0, 0.0, 0.0]];
    let detail = DetailInput {
        vertices: vec![[0.0, 0.0, 0.0], [0.0, 0.0, 2.0], [2.0, 0.0, 2.0], [2.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
        triangles: vec![[0, 1, 4], [1, 2, 4], [2, 3, 4], [3, 0, 4]],
        poly_tri_counts: vec![4],
    };
    let mesh = NavMesh::build(&MeshInput { vertices: &verts, indices: &[0, 1, 2, 3], poly_sizes: &[4], detail: Some(&detail), ..Default::default() }).unwrap();
    assert!((mesh.poly_height(0, [1.0, 5.0, 1.0]).unwrap() - 1.0).abs() < 1e-5);
    assert!((mesh.poly_height(0, [0.5, 5.0, 1.0]).unwrap() - 0.5).abs() < 1e-5);
    let back = NavMesh::from_bytes(&mesh.to_bytes()).unwrap();
    assert!((back.poly_height(0, [1.0, 0.0, 1.0]).unwrap() - 1.0).abs() < 1e-5);
}

#[test]
fn bad_meshes_are_rejected_naming_the_polygon() {
    let sq = [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [2.0, 0.0, 1.0], [2.0, 0.0, 0.0], [0.5, 0.0, 0.5], [1.0, 0.0, 2.0]];
    let build = |idx: &[u32], sizes: &[u32]| NavMesh::build(&MeshInput { vertices: &sq, indices: idx, poly_sizes: sizes, ..Default::default() });
    let e = build(&[0, 1, 2, 3, 3, 2, 4, 9], &[4, 4]).unwrap_err();
    assert_eq!((e.kind, e.polygon), (BuildErrorKind::IndexOutOfRange, Some(1)));
    assert!(e.message.contains("polygon 1"));
    // Reflex corner: (0,0) (0,1) (1,1) (0.5,0.5) (1,0) is not convex... ordered so the dent points inward.
    let e = build(&[0, 1, 2, 3, 0, 1, 2, 6, 3], &[4, 5]).unwrap_err();
    assert_eq!(e.kind, BuildErrorKind::NonConvex);
    assert_eq!(e.polygon, Some(1));
    let e = build(&[0, 1, 2, 3, 3, 5, 4, 2], &[4, 4]).unwrap_err();
    assert_eq!((e.kind, e.polygon), (BuildErrorKind::MixedWinding, Some(1)));
    let e = build(&[0, 1, 2, 3, 0, 6, 2], &[4, 3]).unwrap_err();
    assert_eq!((e.kind, e.polygon), (BuildErrorKind::Degenerate, Some(1)));
    let e = build(&[0, 1, 2, 3, 0, 0, 2], &[4, 3]).unwrap_err();
    assert_eq!((e.kind, e.polygon), (BuildErrorKind::Degenerate, Some(1)));
    // Three polygons on edge (1, 2): square, a triangle on top, and another triangle on top.
    let e = build(&[0, 1, 2, 3, 1, 7, 2, 2, 1, 7], &[4, 3, 3]).unwrap_err();
    assert_eq!(e.kind, BuildErrorKind::EdgeOverShared);
    let mut nan = sq;
    nan[2][0] = f32::NAN;
    let e = NavMesh::build(&MeshInput { vertices: &nan, indices: &[0, 1, 2, 3], poly_sizes: &[4], ..Default::default() }).unwrap_err();
    assert_eq!((e.kind, e.polygon), (BuildErrorKind::NonFinite, Some(0)));
    assert!(e.message.contains("polygon 0"));
    assert_eq!(NavMesh::from_obj("v 0 0\n").unwrap_err().kind, BuildErrorKind::Parse);
    assert_eq!(NavMesh::from_obj("v 0 0 0\nf 1 2\n").unwrap_err().kind, BuildErrorKind::Parse);
    // A whole mesh wound the other way is accepted and normalised.
    let m = build(&[3, 2, 1, 0], &[4]).unwrap();
    assert_eq!(m.poly_count(), 1);
}

#[test]
fn slope_filter_and_welding_in_soups() {
    // Two triangles of a unit square with duplicated (near) vertices, plus a vertical wall triangle.
    let v = [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.0, 0.0001], [1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 2.0, 1.0]];
    let idx = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    let m = NavMesh::from_triangles(&v, &idx, &[], &SoupSettings { max_slope_degrees: 45.0, ..Default::default() }).unwrap();
    assert_eq!(m.poly_count(), 1, "welded, merged into one square, wall dropped");
    assert_eq!(m.poly_indices(0).len(), 4);
}

