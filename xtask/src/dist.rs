//! `cargo xtask dist`: the install layout engines consume.
//!
//! ```text
//! dist/include/     tessera.h, tessera.hpp, tessera/*.hpp
//! dist/lib/         libtessera.so, libtessera.a
//! dist/lib/cmake/tessera/   tesseraConfig.cmake, tesseraConfigVersion.cmake
//! dist/lib/pkgconfig/       tessera.pc
//! dist/unity/Plugins/x86_64/libtessera.so, dist/unity/Tessera/*.cs + Tessera.asmdef
//! ```

use std::fs;
use std::path::{Path, PathBuf};

/// System libraries the static library needs on Linux (what
/// `rustc --print native-static-libs` reports for a std-using staticlib).
pub const STATIC_LIBS: [&str; 6] = ["gcc_s", "util", "rt", "pthread", "m", "dl"];

fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to.parent().unwrap())?;
    fs::copy(from, to).map(|_| ())
}

fn copy_matching(dir: &Path, ext: &str, to: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == ext) {
            copy(&path, &to.join(path.file_name().unwrap()))?;
        }
    }
    Ok(())
}

fn fill(template: &str, vars: &[(&str, String)]) -> String {
    vars.iter().fold(template.to_string(), |text, (key, value)| text.replace(&format!("@{key}@"), value))
}

fn version(root: &Path) -> String {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')))
        .expect("package version")
        .to_string()
}

/// Lays out `dist/` from an already built release library.
pub fn lay_out(root: &Path) -> std::io::Result<PathBuf> {
    let dist = root.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist)?;
    }
    let release = root.join("target/release");
    copy(&root.join("include/tessera.h"), &dist.join("include/tessera.h"))?;
    copy(&root.join("bindings/cpp/tessera.hpp"), &dist.join("include/tessera.hpp"))?;
    copy_matching(&root.join("bindings/cpp/tessera"), "hpp", &dist.join("include/tessera"))?;
    for lib in ["libtessera.so", "libtessera.a"] {
        copy(&release.join(lib), &dist.join("lib").join(lib))?;
    }

    let version = version(root);
    let mut parts = version.split('.');
    let (major, minor) = (parts.next().unwrap().to_string(), parts.next().unwrap().to_string());
    let vars = [
        ("VERSION", version.clone()),
        ("MAJOR", major.clone()),
        ("COMPAT", format!("{major}.{minor}")),
        ("STATIC_LIBS", STATIC_LIBS.join(";")),
        ("STATIC_LIBS_FLAGS", STATIC_LIBS.iter().map(|l| format!("-l{l}")).collect::<Vec<_>>().join(" ")),
        ("PREFIX", "${pcfiledir}/../..".to_string()),
    ];
    let cmake = dist.join("lib/cmake/tessera");
    fs::create_dir_all(&cmake)?;
    for name in ["tesseraConfig.cmake", "tesseraConfigVersion.cmake"] {
        let template = fs::read_to_string(root.join("packaging").join(format!("{name}.in")))?;
        fs::write(cmake.join(name), fill(&template, &vars))?;
    }
    let pc = fs::read_to_string(root.join("packaging/tessera.pc.in"))?;
    fs::create_dir_all(dist.join("lib/pkgconfig"))?;
    fs::write(dist.join("lib/pkgconfig/tessera.pc"), fill(&pc, &vars))?;

    let unity = dist.join("unity");
    copy(&release.join("libtessera.so"), &unity.join("Plugins/x86_64/libtessera.so"))?;
    copy_matching(&root.join("bindings/csharp"), "cs", &unity.join("Tessera"))?;
    copy(&root.join("packaging/Tessera.asmdef"), &unity.join("Tessera/Tessera.asmdef"))?;
    Ok(dist)
}
