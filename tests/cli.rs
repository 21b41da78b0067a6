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

#[test]
fn every_subcommand_has_help() {
    for args in [&["--help"][..], &["grid", "--help"], &["voxel", "--help"], &["svg", "--help"], &["svg", "grid", "--help"], &["svg", "voxel", "--help"]] {
        let out = tessera(args);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage:"), "{args:?}");
    }
}
