//! Detour as the oracle for tessera's Detour-style queries: on the three Recast
//! demo meshes and 256 seeded point pairs each, both libraries must find the
//! same nearest polygons and points, the same raycast hits, and straight paths
//! of the same length wherever both reach the goal.

use tessera::navmesh::{NavMeshQuery, QueryFilter};
use tessera_detour_peer::{load, partial, seeded_pairs, succeeded, toward, StraightScratch};

const EXT: [f32; 3] = [2.0, 4.0, 2.0];

fn xz_length(points: impl Iterator<Item = [f32; 3]>) -> f32 {
    let pts: Vec<[f32; 3]> = points.collect();
    pts.windows(2)
        .map(|w| (w[1][0] - w[0][0]).hypot(w[1][2] - w[0][2]))
        .sum()
}

fn dist(a: [f32; 3], b: [f32; 3]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[test]
fn tessera_agrees_with_detour() {
    for name in ["dungeon", "nav_test", "undulating"] {
        let (mesh, detour) = load(name);
        let mut q = NavMeshQuery::new(mesh.clone(), 2048);
        let f = QueryFilter::default();
        let (mut path, mut straight) = (Vec::with_capacity(2048), Vec::with_capacity(4096));
        let (mut dpath, mut dstraight, mut scratch) = (
            Vec::with_capacity(2048),
            Vec::with_capacity(4096),
            StraightScratch::default(),
        );
        let mut compared = 0;
        for (s, e) in seeded_pairs(&mesh, 42, 256) {
            let (sp, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
            let (ep, e2) = q.find_nearest_poly(e, EXT, &f).unwrap();
            let (dsr, ds2) = detour.nearest(s, EXT);
            let (der, de2) = detour.nearest(e, EXT);
            assert_eq!(
                (detour.poly_index(dsr), detour.poly_index(der)),
                (sp, ep),
                "{name}: nearest polygons of {s:?} / {e:?}"
            );
            assert!(
                dist(s2, ds2) < 1e-3 && dist(e2, de2) < 1e-3,
                "{name}: nearest points {s2:?} / {ds2:?}, {e2:?} / {de2:?}"
            );

            let mut visited = [0u32; 256];
            let hit = q.raycast(sp, s2, e, &f, &mut visited).unwrap();
            let mut dvisited = [0; 256];
            let (dt, dn, dstatus) = detour.raycast(dsr, ds2, e, &mut dvisited);
            assert!(succeeded(dstatus));
            let same_t = (hit.t == f32::MAX && dt == f32::MAX) || (hit.t - dt).abs() < 1e-4;
            assert!(
                same_t,
                "{name}: raycast {s2:?} -> {e:?}: t {} against Detour's {dt}",
                hit.t
            );
            assert_eq!(hit.visited.min(256), dn, "{name}: raycast polygons");

            let result = q.find_path(sp, ep, s2, e2, &f, &mut path).unwrap();
            q.find_straight_path(s2, e2, &path, 0, &mut straight)
                .unwrap();
            let dstatus = detour.find_path(dsr, der, ds2, de2, &mut dpath);
            assert!(succeeded(dstatus));
            assert_eq!(
                result.partial,
                partial(dstatus),
                "{name}: reachability of {e2:?} from {s2:?}"
            );
            if result.partial {
                continue;
            }
            assert!(succeeded(detour.straight_path(
                ds2,
                de2,
                &dpath,
                &mut dstraight,
                &mut scratch
            )));
            let (ours, theirs) = (
                xz_length(straight.iter().map(|p| p.pos)),
                xz_length(dstraight.iter().copied()),
            );
            assert!(
                (ours - theirs).abs() <= 1e-4 * theirs.max(1.0),
                "{name}: straight path {s2:?} -> {e2:?}: length {ours} against Detour's {theirs}"
            );
            assert_eq!(
                straight.len(),
                dstraight.len(),
                "{name}: straight path {s2:?} -> {e2:?}: corners"
            );
            for (a, b) in straight.iter().zip(&dstraight) {
                assert!(
                    dist(a.pos, *b) < 1e-3,
                    "{name}: straight path {s2:?} -> {e2:?}: corner {:?} against Detour's {b:?}",
                    a.pos
                );
            }
            compared += 1;
        }
        eprintln!("{name}: {compared} complete paths, all equal to Detour's");
        // Enough of them to mean something (the meshes' islands make the rest partial).
        assert!(compared >= 64, "{name}: only {compared} complete paths");
    }
}

/// The local queries: closest point on a polygon, polygon height, move along
/// the surface, polygons around a circle and distance to the nearest wall.
#[test]
fn local_queries_agree_with_detour() {
    for name in ["dungeon", "nav_test", "undulating"] {
        let (mesh, detour) = load(name);
        let mut q = NavMeshQuery::new(mesh.clone(), 2048);
        let f = QueryFilter::default();
        let (mut visited, mut dvisited) = (Vec::with_capacity(256), Vec::with_capacity(256));
        let mut around = Vec::new();
        for (s, e) in seeded_pairs(&mesh, 7, 256) {
            let (sp, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
            let (dsr, ds2) = detour.nearest(s, EXT);
            assert_eq!(detour.poly_index(dsr), sp);
            assert!(dist(s2, ds2) < 1e-3);

            // A point off the polygon (the far end) and one above it.
            for p in [e, [s[0], s[1] + 1.5, s[2]]] {
                let (c, over) = q.closest_point_on_poly(sp, p).unwrap();
                let (dc, dover, status) = detour.closest_point_on_poly(dsr, p);
                assert!(succeeded(status));
                assert!(dist(c, dc) < 1e-3 && over == dover, "{name}: closest point on {sp} to {p:?}: {c:?} {over} against Detour's {dc:?} {dover}");
            }
            let h = q.poly_height(sp, s).ok();
            let dh = detour.poly_height(dsr, s);
            assert!(
                matches!((h, dh), (Some(a), Some(b)) if (a - b).abs() < 1e-3),
                "{name}: height of {sp} at {s:?}: {h:?} against Detour's {dh:?}"
            );

            // Move up to 3 units towards the far point (a frame's worth of motion: Detour searches
            // with a 64-node pool and stops short on long moves, tessera does not): the same
            // polygons, the same end in XZ (tessera also puts it on the surface).
            let e = toward(s2, e, 3.0);
            let moved = q.move_along_surface(sp, s2, e, &f, &mut visited).unwrap();
            let (dmoved, status) = detour.move_along_surface(dsr, ds2, e, &mut dvisited);
            assert!(succeeded(status));
            let dvis: Vec<u32> = dvisited.iter().map(|&r| detour.poly_index(r)).collect();
            assert_eq!(visited, dvis, "{name}: polygons moving {s2:?} -> {e:?}");
            assert!(
                (moved[0] - dmoved[0]).hypot(moved[2] - dmoved[2]) < 1e-3,
                "{name}: move {s2:?} -> {e:?}: {moved:?} against Detour's {dmoved:?}"
            );

            // Polygons around a circle: the same polygons with the same costs.
            q.find_polys_around_circle(sp, s2, 6.0, &f, &mut around)
                .unwrap();
            let dround = detour.polys_around_circle(dsr, ds2, 6.0);
            let mut ours: Vec<(u32, f32)> = around.iter().map(|&(p, _, c)| (p, c)).collect();
            let mut theirs: Vec<(u32, f32)> = dround
                .iter()
                .map(|&(r, _, c)| (detour.poly_index(r), c))
                .collect();
            ours.sort_by_key(|x| x.0);
            theirs.sort_by_key(|x| x.0);
            assert_eq!(ours.len(), theirs.len(), "{name}: polygons around {s2:?}");
            for (a, b) in ours.iter().zip(&theirs) {
                assert!(
                    a.0 == b.0 && (a.1 - b.1).abs() < 1e-3,
                    "{name}: around {s2:?}: {a:?} against Detour's {b:?}"
                );
            }

            // Distance to the nearest wall within 8 units.
            let wall = q.find_distance_to_wall(sp, s2, 8.0, &f).unwrap();
            let (dd, dpos, _, status) = detour.distance_to_wall(dsr, ds2, 8.0);
            assert!(succeeded(status));
            assert!(
                (wall.distance - dd).abs() < 1e-3,
                "{name}: wall distance from {s2:?}: {} against Detour's {dd}",
                wall.distance
            );
            if dd < 8.0 {
                assert!(
                    dist(wall.pos, dpos) < 1e-3,
                    "{name}: wall point from {s2:?}: {:?} against Detour's {dpos:?}",
                    wall.pos
                );
            }
        }
    }
}
