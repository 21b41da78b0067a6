//! Project tasks: `cargo xtask test` (everything CI checks) and `cargo xtask demo`
//! (build the library and run the C, C++ and C# samples).

mod abi;
mod dist;
mod hosts;
mod tally;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{exit, Command};

fn main() {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = project_root();
    std::env::set_current_dir(&root).expect("project root");
    let ok = match task.as_str() {
        "test" => test(&root),
        "demo" => demo(&root),
        "dist" => dist(&root).is_some(),
        "ffi-overhead" => hosts::ffi_overhead(&root),
        _ => {
            eprintln!("usage: cargo xtask <test|demo|dist|ffi-overhead>");
            eprintln!("  test          everything CI checks; ends with 'N passed, N failed'");
            eprintln!("  demo          build the library and header, run the C, C++ and C# samples");
            eprintln!("  dist          release build laid out in dist/ (include, lib, CMake, pkg-config, Unity)");
            eprintln!("  ffi-overhead  time trivial calls from C (for docs/PERFORMANCE.md)");
            false
        }
    };
    exit(if ok { 0 } else { 1 });
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root").to_path_buf()
}

/// Runs a command, echoing it; returns whether it succeeded.
pub fn run(cmd: &mut Command) -> bool {
    eprintln!("$ {}", describe(cmd));
    match cmd.status() {
        Ok(s) => s.success(),
        Err(e) => {
            eprintln!("could not start {}: {e}", describe(cmd));
            false
        }
    }
}

/// Runs a command and captures stdout (stderr passes through).
pub fn run_capture(cmd: &mut Command) -> (bool, String) {
    eprintln!("$ {}", describe(cmd));
    match cmd.stderr(std::process::Stdio::inherit()).output() {
        Ok(out) => (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned()),
        Err(e) => (false, format!("could not start {}: {e}", describe(cmd))),
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn test(root: &Path) -> bool {
    let mut tally = tally::Tally::default();
    if let Err(missing) = tools::ensure(&tools::TEST_TOOLS) {
        eprintln!("{missing}");
        println!("0 passed, 1 failed");
        return false;
    }

    // Rust: unit, integration and doc tests (the test profile is optimised).
    let (ok, out) = run_capture(cargo().args(["test", "--workspace", "--no-fail-fast", "--color", "never"]));
    print!("{out}");
    tally.add_cargo_output("cargo test", ok, &out);

    // Detour itself as the oracle of the Detour-style navmesh queries (a workspace of its own:
    // building Detour needs cmake and libclang, which nothing else does).
    let detour = root.join("peers/detour/Cargo.toml");
    let (ok, out) = run_capture(cargo().args(["test", "--release", "--no-fail-fast", "--color", "never", "--manifest-path"]).arg(&detour));
    print!("{out}");
    tally.add_cargo_output("cargo test (peers/detour)", ok, &out);

    // The release library the hosts link against; building it regenerates the header and C# file.
    tally.step("cargo build --release", run(cargo().args(["build", "--release", "--lib"])));
    tally.step("generated header and C# declarations are committed", hosts::generated_files_fresh(root));

    let mut vectors = hosts::Vectors::default();
    let (ok, out) = run_capture(cargo().args(["run", "--release", "--quiet", "--example", "vectors"]));
    tally.step("rust vectors", ok);
    vectors.collect("rust", &out);

    hosts::c_tests(root, &mut tally, &mut vectors);
    hosts::cpp_tests(root, &mut tally, &mut vectors);
    hosts::csharp_tests(root, &mut tally, &mut vectors);
    vectors.compare(&mut tally);

    // The router across processes: C++ host and C# client, each asserting every message.
    let (cpp_ok, cpp_out, cs_ok, cs_out) = hosts::router_two_process(root);
    print!("{cpp_out}{cs_out}");
    tally.add_host_output("router two-process: C++ host", cpp_ok, &cpp_out);
    tally.add_host_output("router two-process: C# client", cs_ok, &cs_out);

    // ABI and packaging.
    tally.step("exported symbols all start with tess_", abi::exported_symbols_prefixed(root));
    abi::header_compiles(root, &mut tally);
    abi::layouts_match(root, &mut tally);
    tally.step("every function in tessera.h is documented", abi::header_documented(root));
    tally.step("cargo doc without warnings", abi::docs_build(&mut cargo()));
    abi::static_c_hosts(root, &mut tally);
    match dist(root) {
        Some(dist) => {
            tally.step("cargo xtask dist", true);
            abi::cmake_sample(root, &dist, &mut tally);
            tally.step("pkg-config tessera builds a program", abi::pkg_config(root, &dist));
            abi::doc_snippets(root, &dist, &mut tally);
        }
        None => tally.step("cargo xtask dist", false),
    }

    tally.finish()
}

fn dist(root: &Path) -> Option<PathBuf> {
    if !run(cargo().args(["build", "--release", "--lib"])) {
        return None;
    }
    match dist::lay_out(root) {
        Ok(dir) => {
            println!("dist/ laid out: include/, lib/ (so, a, cmake, pkgconfig), unity/");
            Some(dir)
        }
        Err(e) => {
            eprintln!("dist failed: {e}");
            None
        }
    }
}

fn demo(root: &Path) -> bool {
    if let Err(missing) = tools::ensure(&tools::DEMO_TOOLS) {
        eprintln!("{missing}");
        return false;
    }
    if !run(cargo().args(["build", "--release", "--lib"])) {
        return false;
    }
    println!("library: target/release/libtessera.so, libtessera.a; header: include/tessera.h");
    // The samples write their pictures here.
    let pictures = root.join("build/demo");
    std::fs::create_dir_all(&pictures).expect("create build/demo");
    let ok = hosts::run_samples(root);
    let mut svgs: Vec<_> = std::fs::read_dir(&pictures)
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "svg")).collect())
        .unwrap_or_default();
    svgs.sort();
    println!("\npictures:");
    for svg in svgs {
        println!("  {}", svg.strip_prefix(root).unwrap_or(&svg).display());
    }
    ok
}
