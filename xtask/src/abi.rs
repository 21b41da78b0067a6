//! ABI and packaging checks run by `cargo xtask test`.

use crate::dist::STATIC_LIBS;
use crate::tally::Tally;
use crate::{run, run_capture};
use std::fs;
use std::path::Path;
use std::process::Command;

const STRICT: [&str; 4] = ["-Wall", "-Wextra", "-Werror", "-pedantic"];

/// Every symbol the shared library exports starts with `tess_`.
pub fn exported_symbols_prefixed(root: &Path) -> bool {
    let (ok, out) = run_capture(Command::new("nm").args(["-D", "--defined-only"]).arg(root.join("target/release/libtessera.so")));
    let symbols: Vec<&str> = out.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    let foreign: Vec<&&str> = symbols.iter().filter(|s| !s.starts_with("tess_")).collect();
    if !foreign.is_empty() {
        eprintln!("exported symbols without the tess_ prefix: {foreign:?}");
    }
    ok && !symbols.is_empty() && foreign.is_empty()
}

/// The header compiles alone as C99 and, with the C++ wrapper, as C++17.
pub fn header_compiles(root: &Path, tally: &mut Tally) {
    let dir = root.join("build/abi");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("header_c99.c"), "#include \"tessera.h\"\nint main(void) { return tess_abi_version() == TESS_ABI_VERSION ? 0 : 1; }\n").unwrap();
    fs::write(dir.join("header_cpp17.cpp"), "#include \"tessera.hpp\"\nint main() { return tess_abi_version() == TESS_ABI_VERSION ? 0 : 1; }\n").unwrap();
    let c = Command::new("gcc").args(["-std=c99", "-fsyntax-only", "-Iinclude"]).args(STRICT).arg(dir.join("header_c99.c")).current_dir(root).status();
    tally.step("header compiles as C99 -Wall -Wextra -Werror -pedantic", c.is_ok_and(|s| s.success()));
    let cpp = Command::new("g++")
        .args(["-std=c++17", "-fsyntax-only", "-Iinclude", "-Ibindings/cpp"])
        .args(STRICT)
        .arg(dir.join("header_cpp17.cpp"))
        .current_dir(root)
        .status();
    tally.step("header + tessera.hpp compile as C++17 -Wall -Wextra -Werror -pedantic", cpp.is_ok_and(|s| s.success()));
}

/// Rust's struct layouts (written by tests/abi_layout.rs) hold in C11 and C++17.
pub fn layouts_match(root: &Path, tally: &mut Tally) {
    let file = root.join("build/abi/layout_check.c");
    if !file.exists() {
        tally.step("struct layout check written by cargo test", false);
        return;
    }
    let c = run(Command::new("gcc").args(["-std=c11", "-fsyntax-only", "-Iinclude"]).args(STRICT).arg(&file).current_dir(root));
    tally.step("struct sizes/offsets: Rust == C11", c);
    let cpp = run(Command::new("g++").args(["-std=c++17", "-fsyntax-only", "-Iinclude", "-x", "c++"]).args(STRICT).arg(&file).current_dir(root));
    tally.step("struct sizes/offsets: Rust == C++17", cpp);
}

/// Every function declared in the header carries a doc comment.
pub fn header_documented(root: &Path) -> bool {
    let header = fs::read_to_string(root.join("include/tessera.h")).unwrap_or_default();
    let lines: Vec<&str> = header.lines().collect();
    let mut undocumented = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let is_prototype = line.contains(" tess_") && line.contains('(') && !line.starts_with(' ') && !line.starts_with('*') && !line.starts_with("/*");
        if is_prototype {
            let previous = lines[..i].iter().rev().find(|l| !l.trim().is_empty()).copied().unwrap_or("");
            if previous.trim() != "*/" {
                undocumented.push(line.to_string());
            }
        }
    }
    for u in &undocumented {
        eprintln!("undocumented in tessera.h: {u}");
    }
    undocumented.is_empty() && header.contains("tess_version")
}

/// The C host tests again, linked against libtessera.a only.
pub fn static_c_hosts(root: &Path, tally: &mut Tally) {
    let dir = root.join("build/c-static");
    fs::create_dir_all(&dir).unwrap();
    let mut sources: Vec<_> = fs::read_dir(root.join("tests/c"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("test_") && p.extension().is_some_and(|e| e == "c"))
        .collect();
    sources.sort();
    for source in sources {
        let stem = source.file_stem().unwrap().to_string_lossy().into_owned();
        let exe = dir.join(&stem);
        let mut cc = Command::new("gcc");
        cc.args(["-std=c11", "-Iinclude", "-Itests/c"]).args(STRICT).arg(&source).arg("-o").arg(&exe);
        cc.arg(root.join("target/release/libtessera.a")).args(STATIC_LIBS.iter().map(|l| format!("-l{l}")));
        let name = format!("C {stem} linked statically");
        if !run(cc.current_dir(root)) {
            tally.step(&format!("{name} (compile)"), false);
            continue;
        }
        let (_, deps) = run_capture(Command::new("ldd").arg(&exe));
        tally.step(&format!("{name}: no libtessera.so dependency"), !deps.contains("libtessera"));
        let (ok, out) = run_capture(Command::new(&exe).current_dir(root).env_remove("LD_LIBRARY_PATH"));
        tally.add_host_output(&name, ok, &out);
    }
}

/// `cargo doc` builds without warnings.
pub fn docs_build(cargo: &mut Command) -> bool {
    run(cargo.args(["doc", "--no-deps", "-p", "tessera", "--quiet"]).env("RUSTDOCFLAGS", "-D warnings"))
}

/// The CMake sample finds the installed package and runs, shared and static.
pub fn cmake_sample(root: &Path, dist: &Path, tally: &mut Tally) {
    let build = root.join("build/cpp-cmake");
    let _ = fs::remove_dir_all(&build);
    let configured = run(Command::new("cmake")
        .args(["-S", "samples/cpp-cmake", "-B"])
        .arg(&build)
        .arg(format!("-DCMAKE_PREFIX_PATH={}", dist.display()))
        .arg(format!("-DCMAKE_CXX_FLAGS={}", STRICT.join(" ")))
        .current_dir(root));
    let built = configured && run(Command::new("cmake").arg("--build").arg(&build).current_dir(root));
    tally.step("CMake sample: find_package(tessera) configures and builds", built);
    if built {
        for exe in ["sample_shared", "sample_static"] {
            tally.step(&format!("CMake sample {exe} runs"), run(&mut Command::new(build.join(exe))));
        }
    }
}

/// pkg-config resolves the installed package and a program builds with its flags.
pub fn pkg_config(root: &Path, dist: &Path) -> bool {
    let pc_dir = dist.join("lib/pkgconfig");
    let (ok, flags) = run_capture(Command::new("pkg-config").args(["--cflags", "--libs", "tessera"]).env("PKG_CONFIG_PATH", &pc_dir));
    if !ok {
        return false;
    }
    let exe = root.join("build/abi/pkgconfig_check");
    let built = run(Command::new("gcc")
        .arg(root.join("build/abi/header_c99.c"))
        .args(flags.split_whitespace())
        .arg("-o")
        .arg(&exe)
        .arg(format!("-Wl,-rpath,{}", dist.join("lib").display())));
    built && run(&mut Command::new(&exe))
}

/// Fenced code blocks of `lang` in a Markdown file.
fn code_blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match current.as_mut() {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(_) if line.trim() == "```" => blocks.push(current.take().unwrap()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// Every C, C++ and C# snippet of docs/INTEGRATION.md compiles against
/// `dist/` (and the C and C++ ones, complete programs, run).
pub fn doc_snippets(root: &Path, dist: &Path, tally: &mut Tally) {
    let guide = fs::read_to_string(root.join("docs/INTEGRATION.md")).unwrap_or_default();
    let dir = root.join("build/snippets");
    fs::create_dir_all(&dir).unwrap();
    let include = format!("-I{}", dist.join("include").display());
    let libs = [format!("-L{}", dist.join("lib").display()), "-ltessera".into(), format!("-Wl,-rpath,{}", dist.join("lib").display())];
    let mut count = 0;
    for (lang, compiler, std, ext) in [("c", "gcc", "-std=c11", "c"), ("cpp", "g++", "-std=c++17", "cpp")] {
        for (i, code) in code_blocks(&guide, lang).iter().enumerate() {
            count += 1;
            let src = dir.join(format!("{lang}_{i}.{ext}"));
            let exe = dir.join(format!("{lang}_{i}"));
            fs::write(&src, code).unwrap();
            let ok = run(Command::new(compiler).arg(std).args(STRICT).arg(&include).arg(&src).arg("-o").arg(&exe).args(&libs).arg("-lm"))
                && run(Command::new(&exe).current_dir(root));
            tally.step(&format!("docs/INTEGRATION.md {lang} snippet {i} compiles and runs"), ok);
        }
    }
    let cs = code_blocks(&guide, "csharp");
    for (i, code) in cs.iter().enumerate() {
        count += 1;
        let src = dir.join(format!("snippet_{i}.cs"));
        fs::write(&src, code).unwrap();
        let mut mcs = Command::new("mcs");
        mcs.args(["-unsafe", "-nologo", "-target:library"]).arg(format!("-out:{}", dir.join(format!("snippet_{i}.dll")).display()));
        mcs.arg(&src);
        for entry in fs::read_dir(dist.join("unity/Tessera")).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "cs") {
                mcs.arg(entry.path());
            }
        }
        tally.step(&format!("docs/INTEGRATION.md C# snippet {i} compiles"), run(&mut mcs));
    }
    tally.step("docs/INTEGRATION.md has snippets", count > 0);
}
