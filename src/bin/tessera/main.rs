//! `tessera`: run benchmark scenario files and navmesh query files against
//! tessera and report correctness and speed.
//!
//! A malformed input prints one line naming the file, the line and the
//! problem, and exits with status 2. A run with mismatches or invalid paths
//! exits with status 1.

mod grid_cmd;
mod navmesh_cmd;
mod report;
mod svg_cmd;
mod voxel_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Check tessera on your own maps, scenarios and meshes.
#[derive(Parser)]
#[command(name = "tessera", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every scenario of a Moving AI grid `.scen` file.
    Grid(grid_cmd::GridArgs),
    /// Run every scenario of a Moving AI 3D `.3dscen` file through the voxel octree.
    Voxel(voxel_cmd::VoxelArgs),
    /// Run a JSON-lines file of start/end queries against a polygon navmesh.
    Navmesh(navmesh_cmd::NavmeshArgs),
    /// Write an SVG picture of a map with a path.
    #[command(subcommand)]
    Svg(svg_cmd::SvgKind),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Grid(args) => grid_cmd::run(args),
        Command::Voxel(args) => voxel_cmd::run(args),
        Command::Navmesh(args) => navmesh_cmd::run(args),
        Command::Svg(kind) => svg_cmd::run(kind),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("tessera: {e}");
            ExitCode::from(2)
        }
    }
}
