//! Building and running the C, C++ and C# hosts against the release library.

use crate::tally::Tally;
use crate::{run, run_capture};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const C_FLAGS: [&str; 6] = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];
const CPP_FLAGS: [&str; 6] = ["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];

fn lib_dir(root: &Path) -> PathBuf {
    root.join("target/release")
}

fn build_dir(root: &Path, kind: &str) -> PathBuf {
    let dir = root.join("build").join(kind);
    fs::create_dir_all(&dir).expect("create build dir");
    dir
}

/// Files in `dir` whose name starts with `prefix` and ends with `suffix`, sorted.
fn sources(dir: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    name.starts_with(prefix) && name.ends_with(suffix)
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// A command that finds libtessera.so at run time.
fn with_lib(root: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("LD_LIBRARY_PATH", lib_dir(root)).current_dir(root);
    cmd
}

fn compile(root: &Path, compiler: &str, flags: &[&str], source: &Path, include_cpp: bool, exe: &Path) -> bool {
    let mut cmd = Command::new(compiler);
    cmd.args(flags).arg("-Iinclude").arg("-Itests/c");
    if include_cpp {
        cmd.arg("-Ibindings/cpp");
    }
    cmd.arg(source).arg("-o").arg(exe).arg(format!("-L{}", lib_dir(root).display())).args(["-ltessera", "-lm"]);
    run(cmd.current_dir(root))
}

/// `git diff` shows no change to the files build.rs generates.
pub fn generated_files_fresh(root: &Path) -> bool {
    let paths = ["include/tessera.h", "bindings/csharp/NativeMethods.g.cs"];
    let (ok, out) = run_capture(Command::new("git").args(["status", "--porcelain", "--"]).args(paths).current_dir(root));
    if !ok {
        eprintln!("git status failed: is this a git checkout?");
        return false;
    }
    if !out.trim().is_empty() {
        eprintln!("stale generated files (commit the regenerated versions):\n{out}");
        let _ = run(Command::new("git").args(["--no-pager", "diff", "--stat", "--"]).args(paths).current_dir(root));
        return false;
    }
    true
}

/// The `VECTOR <name> …` lines each host prints, compared across hosts.
#[derive(Default)]
pub struct Vectors {
    by_name: BTreeMap<String, Vec<(String, String)>>,
}

impl Vectors {
    pub fn collect(&mut self, host: &str, output: &str) {
        for line in output.lines() {
            if let Some(rest) = line.strip_prefix("VECTOR ") {
                let (name, values) = rest.split_once(' ').unwrap_or((rest, ""));
                self.by_name.entry(name.to_string()).or_default().push((host.to_string(), values.trim().to_string()));
            }
        }
    }

    /// Every vector must come from all four hosts with identical values.
    pub fn compare(&self, tally: &mut Tally) {
        tally.step("cross-language vectors present", !self.by_name.is_empty());
        for (name, seen) in &self.by_name {
            let hosts: Vec<&str> = seen.iter().map(|(h, _)| h.as_str()).collect();
            let all_hosts = ["rust", "c", "cpp", "csharp"].iter().all(|h| hosts.contains(h));
            let same = seen.windows(2).all(|w| w[0].1 == w[1].1);
            if !(all_hosts && same) {
                eprintln!("vector `{name}` differs or is missing:");
                for (h, v) in seen {
                    eprintln!("  {h}: {v}");
                }
            }
            tally.step(&format!("vector {name} equal in Rust, C, C++ and C#"), all_hosts && same);
        }
    }
}

pub fn c_tests(root: &Path, tally: &mut Tally, vectors: &mut Vectors) {
    let out_dir = build_dir(root, "c");
    for source in sources(&root.join("tests/c"), "test_", ".c") {
        let name = format!("C {}", stem(&source));
        let exe = out_dir.join(stem(&source));
        if !compile(root, "gcc", &C_FLAGS, &source, false, &exe) {
            tally.step(&format!("{name} (compile)"), false);
            continue;
        }
        let mut cmd = with_lib(root, "valgrind");
        cmd.args(["--quiet", "--error-exitcode=1", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect"]).arg(&exe);
        let (ok, out) = run_capture(&mut cmd);
        print!("{out}");
        tally.add_host_output(&format!("{name} under valgrind"), ok, &out);
        vectors.collect("c", &out);
    }
}

pub fn cpp_tests(root: &Path, tally: &mut Tally, vectors: &mut Vectors) {
    let out_dir = build_dir(root, "cpp");
    for source in sources(&root.join("tests/cpp"), "test_", ".cpp") {
        let name = format!("C++ {}", stem(&source));
        let exe = out_dir.join(stem(&source));
        if !compile(root, "g++", &CPP_FLAGS, &source, true, &exe) {
            tally.step(&format!("{name} (compile)"), false);
            continue;
        }
        let (ok, out) = run_capture(&mut with_lib(root, &exe));
        print!("{out}");
        tally.add_host_output(&name, ok, &out);
        vectors.collect("cpp", &out);
    }
}

fn mcs(root: &Path, sources: &[PathBuf], exe: &Path) -> bool {
    let mut cmd = Command::new("mcs");
    cmd.args(["-unsafe", "-nologo", "-warnaserror+", "-nowarn:0219,0414,0169,0649"]).arg(format!("-out:{}", exe.display()));
    cmd.args(sources);
    run(cmd.current_dir(root))
}

fn csharp_bindings(root: &Path) -> Vec<PathBuf> {
    sources(&root.join("bindings/csharp"), "", ".cs")
}

pub fn csharp_tests(root: &Path, tally: &mut Tally, vectors: &mut Vectors) {
    let exe = build_dir(root, "csharp").join("tessera-tests.exe");
    let mut all = csharp_bindings(root);
    all.extend(sources(&root.join("tests/csharp"), "", ".cs"));
    if !mcs(root, &all, &exe) {
        tally.step("C# tests (compile)", false);
        return;
    }
    let (ok, out) = run_capture(with_lib(root, "mono").arg(&exe));
    print!("{out}");
    tally.add_host_output("C# tests", ok, &out);
    vectors.collect("csharp", &out);
}

/// Builds and runs every sample: each `samples/c/*.c` and `samples/cpp/*.cpp`
/// is a program; the C# samples form one program.
pub fn run_samples(root: &Path) -> bool {
    let mut ok = true;
    let c_dir = build_dir(root, "samples-c");
    for source in sources(&root.join("samples/c"), "", ".c") {
        let exe = c_dir.join(stem(&source));
        println!("\n== C sample {} ==", stem(&source));
        ok &= compile(root, "gcc", &C_FLAGS, &source, false, &exe) && run(&mut with_lib(root, &exe));
    }
    let cpp_dir = build_dir(root, "samples-cpp");
    // router_host is one half of a two-process run: see `router_two_process`.
    for source in sources(&root.join("samples/cpp"), "", ".cpp").into_iter().filter(|s| stem(s) != "router_host") {
        let exe = cpp_dir.join(stem(&source));
        println!("\n== C++ sample {} ==", stem(&source));
        ok &= compile(root, "g++", &CPP_FLAGS, &source, true, &exe) && run(&mut with_lib(root, &exe));
    }
    println!("\n== C# sample ==");
    let exe = build_dir(root, "samples-csharp").join("tessera-sample.exe");
    let mut all = csharp_bindings(root);
    all.extend(sources(&root.join("samples/csharp"), "", ".cs"));
    ok &= mcs(root, &all, &exe) && run(with_lib(root, "mono").arg(&exe));
    println!("\n== C++ and C# router processes ==");
    let (cpp_ok, cpp_out, cs_ok, cs_out) = router_two_process(root);
    print!("{cpp_out}{cs_out}");
    ok && cpp_ok && cs_ok
}

/// Runs the router sample as two processes: the C++ host (samples/cpp/router_host.cpp) listens on
/// a Unix socket and answers; the C# client (samples/csharp/router/RouterClient.cs) connects, sends
/// requests, a multicast, a broadcast and a migrating entity's stream, and checks every message.
/// Returns (C++ ok, C++ output, C# ok, C# output); each output ends with "N passed, N failed".
pub fn router_two_process(root: &Path) -> (bool, String, bool, String) {
    let cpp_exe = build_dir(root, "samples-cpp").join("router_host");
    if !compile(root, "g++", &CPP_FLAGS, &root.join("samples/cpp/router_host.cpp"), true, &cpp_exe) {
        return (false, "router_host did not compile\n".into(), false, String::new());
    }
    let cs_exe = build_dir(root, "samples-csharp").join("router-client.exe");
    let mut all = csharp_bindings(root);
    all.push(root.join("samples/csharp/router/RouterClient.cs"));
    if !mcs(root, &all, &cs_exe) {
        return (false, String::new(), false, "router-client did not compile\n".into());
    }
    let sock = std::env::temp_dir().join(format!("tess-router-demo-{}.sock", std::process::id()));
    let mut cmd = with_lib(root, &cpp_exe);
    cmd.arg(&sock).stdout(std::process::Stdio::piped());
    eprintln!("$ {} {} &", cpp_exe.display(), sock.display());
    let mut cpp = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return (false, format!("could not start router_host: {e}\n"), false, String::new()),
    };
    let (cs_ok, cs_out) = run_capture(with_lib(root, "mono").arg(&cs_exe).arg(&sock));
    // Bounded wait for the C++ process (it exits after the client's quit, or after 60 s idle).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    let cpp_ok = loop {
        match cpp.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(std::time::Duration::from_millis(20)),
            _ => {
                let _ = cpp.kill();
                let _ = cpp.wait();
                break false;
            }
        }
    };
    let mut cpp_out = String::new();
    if let Some(mut out) = cpp.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut out, &mut cpp_out);
    }
    (cpp_ok, cpp_out, cs_ok, cs_out)
}

/// Times trivial calls from C, optimised, against the release library.
pub fn ffi_overhead(root: &Path) -> bool {
    if !run(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args(["build", "--release", "--lib"])) {
        return false;
    }
    let exe = build_dir(root, "bench").join("ffi_overhead");
    let flags = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"];
    compile(root, "gcc", &flags, &root.join("benches/c/ffi_overhead.c"), false, &exe) && run(&mut with_lib(root, &exe))
}
