//! Runs one query kind of one engine in a loop, for profilers and instruction
//! counts: `query_loop <tessera|detour> <raycast|nearest|full|move|wall|circle> <mesh> <rounds>`.

use std::hint::black_box;
use tessera::navmesh::{NavMeshQuery, QueryFilter};
use tessera_detour_peer::{load, seeded_pairs, toward, AroundScratch, StraightScratch};

const EXT: [f32; 3] = [2.0, 4.0, 2.0];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (engine, kind, name, rounds) = (
        &args[1],
        &args[2],
        &args[3],
        args[4].parse::<usize>().unwrap(),
    );
    let (mesh, detour) = load(name);
    let f = QueryFilter::default();
    let mut q = NavMeshQuery::new(mesh.clone(), 2048);
    let pairs = seeded_pairs(&mesh, 42, 256);
    let (mut path, mut straight) = (Vec::with_capacity(2048), Vec::with_capacity(4096));
    let (mut dpath, mut dstraight, mut scratch) = (
        Vec::with_capacity(2048),
        Vec::with_capacity(4096),
        StraightScratch::default(),
    );
    let mut visited = [0u32; 256];
    let starts: Vec<(u32, [f32; 3], u32, [f32; 3])> = pairs
        .iter()
        .map(|&(s, _)| {
            let (p, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
            let (r, d2) = detour.nearest(s, EXT);
            (p, s2, r, d2)
        })
        .collect();
    let (mut moved, mut around, mut around_scratch) = (
        Vec::with_capacity(256),
        Vec::with_capacity(512),
        AroundScratch::default(),
    );
    // A target up to 3 units from `s` towards `e`, as the bench moves.
    let near = |s: [f32; 3], e: [f32; 3]| toward(s, e, 3.0);
    let t = std::time::Instant::now();
    let mut acc = 0.0f32;
    for _ in 0..rounds {
        for (k, &(s, e)) in black_box(&pairs).iter().enumerate() {
            let (p, s2, r, d2) = starts[k];
            match (engine.as_str(), kind.as_str()) {
                ("tessera", "raycast") => {
                    acc += q.raycast(p, s2, e, &f, &mut visited).unwrap().t.min(2.0)
                }
                ("detour", "raycast") => acc += detour.raycast(r, d2, e, &mut visited).0.min(2.0),
                ("tessera", "nearest") => acc += q.find_nearest_poly(s, EXT, &f).unwrap().1[0],
                ("detour", "nearest") => acc += detour.nearest(s, EXT).1[0],
                ("tessera", "full") => {
                    let (sp, s2) = q.find_nearest_poly(s, EXT, &f).unwrap();
                    let (ep, e2) = q.find_nearest_poly(e, EXT, &f).unwrap();
                    q.find_path(sp, ep, s2, e2, &f, &mut path).unwrap();
                    q.find_straight_path(s2, e2, &path, 0, &mut straight)
                        .unwrap();
                    acc += straight.len() as f32;
                }
                ("detour", "full") => {
                    let (sr, s2) = detour.nearest(s, EXT);
                    let (er, e2) = detour.nearest(e, EXT);
                    detour.find_path(sr, er, s2, e2, &mut dpath);
                    detour.straight_path(s2, e2, &dpath, &mut dstraight, &mut scratch);
                    acc += dstraight.len() as f32;
                }
                ("tessera", "move") => acc += q.move_along_surface(p, s2, near(s2, e), &f, &mut moved).unwrap()[0],
                ("detour", "move") => acc += detour.move_along_surface(r, d2, near(d2, e), &mut moved).0[0],
                ("tessera", "wall") => acc += q.find_distance_to_wall(p, s2, 8.0, &f).unwrap().distance,
                ("detour", "wall") => acc += detour.distance_to_wall(r, d2, 8.0).0,
                ("tessera", "circle") => {
                    q.find_polys_around_circle(p, s2, 6.0, &f, &mut around).unwrap();
                    acc += around.len() as f32;
                }
                ("detour", "circle") => acc += detour.polys_around_circle_into(r, d2, 6.0, &mut around_scratch) as f32,
                _ => panic!(
                    "usage: query_loop <tessera|detour> <raycast|nearest|full|move|wall|circle> <mesh> <rounds>"
                ),
            }
        }
    }
    eprintln!(
        "{engine} {kind} {name}: {:.1} ns per query ({acc})",
        t.elapsed().as_nanos() as f64 / (rounds * 256) as f64
    );
}
