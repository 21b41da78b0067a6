//! Generates the C header (`include/tessera.h`) with cbindgen and the C#
//! P/Invoke declarations (`bindings/csharp/NativeMethods.g.cs`) with
//! csbindgen from the exports in `src/ffi/`. Both outputs are committed;
//! `cargo xtask test` fails when the committed copies are stale.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    let ffi_files = ffi_sources(&root.join("src/ffi"));
    for f in &ffi_files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    // `cargo package` verifies in a copy: never write into the source tree there.
    if root.components().any(|c| c.as_os_str() == "package") && root.to_string_lossy().contains("target") {
        return;
    }
    generate_header(&root);
    generate_csharp(&root, &ffi_files);
}

fn ffi_sources(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("src/ffi exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
}

fn generate_header(root: &Path) {
    let mut config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let patch = env::var("CARGO_PKG_VERSION_PATCH").unwrap();
    config.after_includes = Some(format!(
        "\n/* Version of this header; compare with tess_version() at run time. */\n\
         #define TESS_VERSION_MAJOR {major}\n#define TESS_VERSION_MINOR {minor}\n#define TESS_VERSION_PATCH {patch}\n\
         #define TESS_VERSION_STRING \"{major}.{minor}.{patch}\"\n"
    ));
    let mut header = Vec::new();
    // Only src/ffi/ is the C face: parsing just those files keeps the safe
    // core's public items out of the header.
    // (mod.rs leads cbindgen to every submodule.)
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
        .expect("cbindgen could not generate the header")
        .write(&mut header);
    write_if_changed(&root.join("include/tessera.h"), &String::from_utf8(header).unwrap());
}

fn generate_csharp(root: &Path, ffi_files: &[PathBuf]) {
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let generated = out_dir.join("NativeMethods.g.cs");
    let mut builder = csbindgen::Builder::default();
    for f in ffi_files {
        builder = builder.input_extern_file(f);
    }
    builder
        .csharp_dll_name("tessera")
        .csharp_namespace("Tessera")
        .csharp_class_name("NativeMethods")
        .csharp_class_accessibility("public")
        // Mono's mcs is a C# 7 compiler: no function pointers, no nint.
        .csharp_use_function_pointer(false)
        .csharp_use_nint_types(false)
        .csharp_generate_const_filter(|name| name.starts_with("TESS_"))
        .generate_csharp_file(&generated)
        .expect("csbindgen could not generate the C# bindings");
    let text = fs::read_to_string(&generated).unwrap();
    write_if_changed(&root.join("bindings/csharp/NativeMethods.g.cs"), &text);
}
