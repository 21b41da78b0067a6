//! Finding (and, as root, installing) the host toolchains.

use std::process::Command;

/// A command (or shared library) the tasks need and the Debian package that provides it.
pub struct Tool {
    pub command: &'static str,
    pub package: &'static str,
    /// `command` is a pattern for a shared library in the loader cache, not a command.
    library: bool,
}

const fn tool(command: &'static str, package: &'static str) -> Tool {
    Tool { command, package, library: false }
}

/// A shared library, found by a pattern on `ldconfig -p`'s lines.
const fn library(pattern: &'static str, package: &'static str) -> Tool {
    Tool { command: pattern, package, library: true }
}

pub const TEST_TOOLS: [Tool; 10] = [
    tool("cmake", "cmake"),
    tool("pkg-config", "pkg-config"),
    tool("nm", "binutils"),
    tool("gcc", "gcc"),
    tool("g++", "g++"),
    tool("valgrind", "valgrind"),
    tool("mcs", "mono-mcs"),
    tool("mono", "mono-runtime"),
    tool("git", "git"),
    // bindgen's libclang, for the Detour build in peers/detour (cmake builds the C++).
    library("libclang-[0-9]*[.]so", "libclang-dev"),
];

pub const DEMO_TOOLS: [Tool; 4] = [tool("gcc", "gcc"), tool("g++", "g++"), tool("mcs", "mono-mcs"), tool("mono", "mono-runtime")];

fn found(t: &Tool) -> bool {
    let check = if t.library { format!("ldconfig -p | grep -q '{}'", t.command) } else { format!("command -v {} >/dev/null 2>&1", t.command) };
    Command::new("sh").args(["-c", &check]).status().is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Makes sure every tool is on PATH: installs the missing packages with
/// apt-get when running as root, otherwise fails naming them. Never skips.
pub fn ensure(tools: &[Tool]) -> Result<(), String> {
    let missing: Vec<&Tool> = tools.iter().filter(|t| !found(t)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut packages: Vec<&str> = missing.iter().map(|t| t.package).collect();
    packages.dedup();
    if !is_root() {
        return Err(format!(
            "missing tools: {}. Install them with: sudo apt-get install -y {}",
            missing.iter().map(|t| if t.library { t.package } else { t.command }).collect::<Vec<_>>().join(", "),
            packages.join(" ")
        ));
    }
    eprintln!("installing {} with apt-get", packages.join(" "));
    let updated = crate::run(Command::new("apt-get").args(["update", "-qq"]));
    let installed = crate::run(Command::new("apt-get").args(["install", "-y", "-qq"]).args(&packages).env("DEBIAN_FRONTEND", "noninteractive"));
    let still: Vec<&str> = tools.iter().filter(|t| !found(t)).map(|t| t.package).collect();
    if updated && installed && still.is_empty() {
        Ok(())
    } else {
        Err(format!("could not install: {} (apt-get install -y {})", still.join(", "), still.join(" ")))
    }
}
