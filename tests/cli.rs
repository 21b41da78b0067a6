//! The `tessera` command-line tool on shipped data (summaries asserted
//! against the scenario files' optimal lengths) and on malformed files
//! (exit status 2, one line naming the file and the line).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tessera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tessera")).args(args).output().expect("tessera runs")
}

fn data(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(rel).display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn summary(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("--json prints one JSON object")
}

fn fails_naming(out: &Output, file: &str, line: usize) {
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(&format!("{file}:{line}:")), "names {file}:{line}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn grid_runs_every_scenario_exactly_with_each_algorithm() {
    for algo in ["astar", "jps", "jps-block"] {
        let jsonl = scratch(&format!("arena-{algo}.jsonl"));
        let s = summary(&tessera(&["grid", &data("movingai/grid/arena.map.scen"), "--algo", algo, "--json", "--out", jsonl.to_str().unwrap()]));
        assert_eq!((s["scenarios"].as_u64(), s["solved"].as_u64()), (Some(160), Some(160)), "{s}");
        assert_eq!((s["mismatches"].as_u64(), s["invalid_paths"].as_u64()), (Some(0), Some(0)), "{s}");
        let lines = std::fs::read_to_string(&jsonl).unwrap();
        let rows: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 160);
        for row in &rows {
            let (len, opt) = (row["length"].as_f64().unwrap(), row["expected"].as_f64().unwrap());
            assert!((len - opt).abs() <= 1e-3 * opt.max(1.0), "{row}");
            assert_eq!(row["valid"], Value::Bool(true));
            assert!(row["time_us"].as_f64().is_some() && row["expanded"].as_u64().is_some());
        }
    }
}

#[test]
fn grid_takes_an_explicit_map() {
    let s = summary(&tessera(&["grid", &data("movingai/grid/den520d.map.scen"), "--map", &data("movingai/grid/den520d.map"), "--json"]));
    assert_eq!((s["scenarios"].as_u64(), s["mismatches"].as_u64(), s["invalid_paths"].as_u64()), (Some(888), Some(0), Some(0)), "{s}");
    // The wrong map for these scenarios is refused (exit 2), not silently solved.
    let out = tessera(&["grid", &data("movingai/grid/den520d.map.scen"), "--map", &data("movingai/grid/arena.map")]);
    fails_naming(&out, "den520d.map.scen", 2);
}

#[test]
fn voxel_runs_every_scenario_with_valid_paths() {
    let s = summary(&tessera(&["voxel", &data("movingai/voxel/Simple.3dmap.3dscen"), "--json"]));
    assert_eq!((s["scenarios"].as_u64(), s["solved"].as_u64()), (Some(10000), Some(10000)), "{s}");
    assert_eq!(s["invalid_paths"].as_u64(), Some(0), "{s}");
    let mean = s["length_ratio"]["mean"].as_f64().unwrap();
    assert!(mean > 0.5 && mean <= 1.02, "{s}");
}

#[test]
fn svg_pictures_are_written() {
    let grid_svg = scratch("grid.svg");
    let out = tessera(&["svg", "grid", &data("movingai/grid/den520d.map"), "--scen", &data("movingai/grid/den520d.map.scen"), "--index", "800", "-o", grid_svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&grid_svg).unwrap().starts_with("<svg"));
    let voxel_svg = scratch("voxel.svg");
    let out = tessera(&["svg", "voxel", &data("movingai/voxel/Simple.3dmap"), "--scen", &data("movingai/voxel/Simple.3dmap.3dscen"), "--index", "5", "-o", voxel_svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&voxel_svg).unwrap().starts_with("<svg"));
}

#[test]
fn malformed_files_exit_2_naming_the_line() {
    let scen = scratch("bad.map.scen");
    std::fs::write(&scen, "version 1\n0\tarena.map\t49\t49\t1\t11\t1\t12\t1\n0\tarena.map\t49\t49\t1\tx\t1\t12\t1\n").unwrap();
    fails_naming(&tessera(&["grid", scen.to_str().unwrap(), "--map", &data("movingai/grid/arena.map")]), "bad.map.scen", 3);

    let map = scratch("bad.map");
    std::fs::write(&map, "type octile\nheight 2\nwidth 3\nmap\n...\n.#.\n").unwrap();
    let good_scen = scratch("ok.map.scen");
    std::fs::write(&good_scen, "version 1\n0\tbad.map\t3\t2\t0\t0\t2\t0\t2\n").unwrap();
    fails_naming(&tessera(&["grid", good_scen.to_str().unwrap(), "--map", map.to_str().unwrap()]), "bad.map", 6);

    let vmap = scratch("bad.3dmap");
    std::fs::write(&vmap, "voxel 4 4 4\n1 1 1\n1 1\n").unwrap();
    let vscen = scratch("bad.3dscen");
    std::fs::write(&vscen, "version 1\nbad.3dmap\n0 0 0 3 3 3 5.196 1.0\n").unwrap();
    fails_naming(&tessera(&["voxel", vscen.to_str().unwrap(), "--map", vmap.to_str().unwrap()]), "bad.3dmap", 3);

    std::fs::write(&vscen, "version 1\nbad.3dmap\n0 0 0 3 3 3 5.196 1.0\n0 0 0 3 3\n").unwrap();
    fails_naming(&tessera(&["voxel", vscen.to_str().unwrap()]), "bad.3dscen", 4);
}

/// Seeded start/end pairs at polygon centres of an OBJ navmesh (read here, not by tessera).
fn navmesh_queries(mesh: &str, count: usize) -> PathBuf {
    let text = std::fs::read_to_string(mesh).unwrap();
    let mut vertices = Vec::new();
    let mut centres = Vec::new();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        match it.next() {
            Some("v") => vertices.push(it.map(|x| x.parse::<f64>().unwrap()).collect::<Vec<_>>()),
            Some("f") => {
                let idx: Vec<usize> = it.map(|x| x.split('/').next().unwrap().parse::<usize>().unwrap() - 1).collect();
                centres.push((0..3).map(|k| idx.iter().map(|&i| vertices[i][k]).sum::<f64>() / idx.len() as f64).collect::<Vec<_>>());
            }
            _ => {}
        }
    }
    let mut state = 12345u64;
    let mut pick = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        &centres[(state >> 33) as usize % centres.len()]
    };
    let lines: Vec<String> =
        (0..count).map(|_| format!("{{\"start\": {:?}, \"end\": {:?}, \"tag\": \"ignored\"}}", pick(), pick())).collect();
    let path = scratch(&format!("{}.queries.jsonl", Path::new(mesh).file_stem().unwrap().to_string_lossy()));
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

fn rows(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn navmesh_queries_run_in_both_modes_and_optimal_is_never_longer() {
    for name in ["dungeon", "nav_test", "undulating"] {
        let mesh = data(&format!("navmesh/{name}.navmesh.obj"));
        let queries = navmesh_queries(&mesh, 150);
        let (funnel_out, optimal_out) = (scratch(&format!("{name}-funnel.jsonl")), scratch(&format!("{name}-optimal.jsonl")));
        let f = summary(&tessera(&["navmesh", &mesh, "--queries", queries.to_str().unwrap(), "--json", "--out", funnel_out.to_str().unwrap()]));
        let o = summary(&tessera(&["navmesh", &mesh, "--queries", queries.to_str().unwrap(), "--mode", "optimal", "--json", "--out", optimal_out.to_str().unwrap()]));
        for s in [&f, &o] {
            let total: u64 = ["complete", "partial", "none"].iter().map(|k| s[*k].as_u64().unwrap()).sum();
            assert_eq!((s["queries"].as_u64(), total), (Some(150), 150), "{s}");
            // Every endpoint is a polygon centre, so every query finds its polygons.
            assert_eq!(s["none"].as_u64(), Some(0), "{s}");
        }
        for (fr, or) in rows(&funnel_out).iter().zip(rows(&optimal_out)) {
            assert_eq!(fr["status"], or["status"], "{name}: {fr} / {or}");
            let (fl, ol) = (fr["length_xz"].as_f64().unwrap(), or["length_xz"].as_f64().unwrap());
            assert!(ol <= fl + 1e-3, "{name}: optimal {ol} longer than funnel {fl}");
            // No path is shorter than the straight XZ line between its own ends.
            let pts = fr["points"].as_array().unwrap();
            let (a, b) = (&pts[0], &pts[pts.len() - 1]);
            let chord = (a[0].as_f64().unwrap() - b[0].as_f64().unwrap()).hypot(a[2].as_f64().unwrap() - b[2].as_f64().unwrap());
            assert!(ol >= chord - 1e-3 && fr["length_3d"].as_f64().unwrap() >= fl - 1e-6, "{name}: {fr}");
        }
    }
    let picture = scratch("navmesh.svg");
    let out = tessera(&["svg", "navmesh", &data("navmesh/undulating.navmesh.obj"), "--from", "0,0,0", "--to", "10,0,10", "-o", picture.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&picture).unwrap().starts_with("<svg"));
}

#[test]
fn malformed_navmesh_inputs_exit_2_naming_the_line() {
    let mesh = scratch("bad.navmesh.obj");
    std::fs::write(&mesh, "v 0 0 0\nv 1 0 0\nv 1 0 1\nf 1 2 3\nf 1 2 x\n").unwrap();
    let queries = scratch("ok.queries.jsonl");
    std::fs::write(&queries, "{\"start\": [0,0,0], \"end\": [1,0,1]}\n").unwrap();
    fails_naming(&tessera(&["navmesh", mesh.to_str().unwrap(), "--queries", queries.to_str().unwrap()]), "bad.navmesh.obj", 5);
    let bad_queries = scratch("bad.queries.jsonl");
    std::fs::write(&bad_queries, "{\"start\": [0,0,0], \"end\": [1,0,1]}\n\n{\"start\": [0,0]}\n").unwrap();
    fails_naming(&tessera(&["navmesh", &data("navmesh/dungeon.navmesh.obj"), "--queries", bad_queries.to_str().unwrap()]), "bad.queries.jsonl", 3);
}

#[test]
fn every_subcommand_has_help() {
    for args in [&["--help"][..], &["grid", "--help"], &["voxel", "--help"], &["svg", "--help"], &["svg", "grid", "--help"], &["svg", "voxel", "--help"], &["navmesh", "--help"], &["svg", "navmesh", "--help"]] {
        let out = tessera(args);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage:"), "{args:?}");
    }
}
