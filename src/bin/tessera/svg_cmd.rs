//! `tessera svg`: pictures of a grid map, a voxel map or a navmesh with a path
//! (the drawing code `cargo xtask demo` uses).

use crate::report::{parse_floats, read_text, CliError};
use std::path::PathBuf;
use std::sync::Arc;
use tessera::grid::{Algorithm, Cell, GridQuery, Moves, PathStyle, SearchOptions};
use tessera::movingai::{parse_grid_scenarios, parse_voxel_scenarios};
use tessera::svo::{PathOptions, SvoQuery};

/// What to draw.
#[derive(clap::Subcommand)]
pub enum SvgKind {
    /// A Moving AI grid map with a block-JPS path and the jump points it expanded.
    Grid(GridSvg),
    /// A voxel map seen from above with an octree path.
    Voxel(VoxelSvg),
    /// A navmesh seen from above with the funnel path and the optimal path.
    Navmesh(NavmeshSvg),
}

/// Endpoints from a scenario file or given directly.
#[derive(clap::Args)]
pub struct Endpoints {
    /// Scenario file to take the endpoints from.
    #[arg(long)]
    scen: Option<PathBuf>,
    /// Which scenario (0-based), with --scen.
    #[arg(long, default_value_t = 0)]
    index: usize,
    /// Start point ("x,y" for grids, "x,y,z" for voxels), instead of --scen.
    #[arg(long, allow_hyphen_values = true)]
    from: Option<String>,
    /// Goal point, instead of --scen.
    #[arg(long, allow_hyphen_values = true)]
    to: Option<String>,
    /// Output file.
    #[arg(short, long, default_value = "tessera.svg")]
    output: PathBuf,
}

#[derive(clap::Args)]
pub struct GridSvg {
    /// Moving AI `.map` file.
    map: PathBuf,
    #[command(flatten)]
    ends: Endpoints,
}

#[derive(clap::Args)]
pub struct VoxelSvg {
    /// Moving AI `.3dmap` file.
    map: PathBuf,
    #[command(flatten)]
    ends: Endpoints,
}

#[derive(clap::Args)]
pub struct NavmeshSvg {
    /// Polygon navmesh as Wavefront OBJ.
    mesh: PathBuf,
    /// Start point "x,y,z".
    #[arg(long, allow_hyphen_values = true)]
    from: String,
    /// Goal point "x,y,z".
    #[arg(long, allow_hyphen_values = true)]
    to: String,
    /// Output file.
    #[arg(short, long, default_value = "tessera.svg")]
    output: PathBuf,
}

fn usage(message: &str) -> CliError {
    CliError::new(&PathBuf::from("arguments"), None, message)
}

fn write(ends: &Endpoints, svg: String) -> Result<bool, CliError> {
    std::fs::write(&ends.output, svg).map_err(|e| CliError::new(&ends.output, None, format!("cannot write: {e}")))?;
    println!("wrote {}", ends.output.display());
    Ok(true)
}

fn grid(args: &GridSvg) -> Result<bool, CliError> {
    let map = Arc::new(crate::grid_cmd::load_map(&args.map)?);
    let (start, goal) = match (&args.ends.scen, &args.ends.from, &args.ends.to) {
        (Some(scen), _, _) => {
            let all = parse_grid_scenarios(&read_text(scen)?).map_err(|e| CliError::new(scen, Some(e.line), e.message))?;
            let s = all.get(args.ends.index).ok_or_else(|| CliError::new(scen, None, format!("no scenario {}", args.ends.index)))?;
            (Cell::new(s.start.0, s.start.1), Cell::new(s.goal.0, s.goal.1))
        }
        (None, Some(from), Some(to)) => {
            let [fx, fy] = parse_floats::<2>(from, "--from").map_err(|e| usage(&e))?;
            let [tx, ty] = parse_floats::<2>(to, "--to").map_err(|e| usage(&e))?;
            (Cell::new(fx as u32, fy as u32), Cell::new(tx as u32, ty as u32))
        }
        _ => return Err(usage("give --scen FILE [--index N] or --from x,y --to x,y")),
    };
    let opts = SearchOptions { algorithm: Algorithm::JpsBlock, moves: Moves::Octile, style: PathStyle::TurningPoints, record_expanded: true };
    let mut query = GridQuery::new(Arc::clone(&map));
    query.find_path(start, goal, &opts).map_err(|e| usage(&e.to_string()))?;
    write(&args.ends, tessera::grid::svg::render(&map, query.path(), query.expanded()))
}

fn voxel(args: &VoxelSvg) -> Result<bool, CliError> {
    let (svo, _) = crate::voxel_cmd::load_map(&args.map)?;
    let center = |v: [u32; 3]| v.map(|c| c as f32 + 0.5);
    let (start, goal) = match (&args.ends.scen, &args.ends.from, &args.ends.to) {
        (Some(scen), _, _) => {
            let (_, all) = parse_voxel_scenarios(&read_text(scen)?).map_err(|e| CliError::new(scen, Some(e.line), e.message))?;
            let s = all.get(args.ends.index).ok_or_else(|| CliError::new(scen, None, format!("no scenario {}", args.ends.index)))?;
            (center(s.start), center(s.goal))
        }
        (None, Some(from), Some(to)) => (
            parse_floats::<3>(from, "--from").map_err(|e| usage(&e))?,
            parse_floats::<3>(to, "--to").map_err(|e| usage(&e))?,
        ),
        _ => return Err(usage("give --scen FILE [--index N] or --from x,y,z --to x,y,z")),
    };
    let svo = Arc::new(svo);
    let mut query = SvoQuery::new(Arc::clone(&svo), 4 << 20);
    let mut points = Vec::new();
    query.find_path(start, goal, &PathOptions::default(), &mut points).map_err(|e| usage(&e.to_string()))?;
    write(&args.ends, svo.to_svg(&points))
}

fn navmesh(args: &NavmeshSvg) -> Result<bool, CliError> {
    use crate::navmesh_cmd::{answer, load_mesh, Mode};
    use tessera::navmesh::svg::{to_svg, SvgPath};
    let mesh = Arc::new(load_mesh(&args.mesh)?);
    let from = parse_floats::<3>(&args.from, "--from").map_err(|e| usage(&e))?;
    let to = parse_floats::<3>(&args.to, "--to").map_err(|e| usage(&e))?;
    let mut query = tessera::navmesh::NavMeshQuery::new(Arc::clone(&mesh), 65_536);
    let mut scratch = (Vec::new(), Vec::new());
    let half = [2.0, 4.0, 2.0];
    let funnel = answer(&mut query, from, to, half, Mode::Funnel, &mut scratch).map_err(|e| usage(&e.to_string()))?;
    let optimal = answer(&mut query, from, to, half, Mode::Optimal, &mut scratch).map_err(|e| usage(&e.to_string()))?;
    let paths = [
        SvgPath { points: &funnel.points, color: "#d33", label: "funnel (A* + string pulling)" },
        SvgPath { points: &optimal.points, color: "#23a", label: "optimal (Polyanya)" },
    ];
    std::fs::write(&args.output, to_svg(&mesh, &paths, 900.0)).map_err(|e| CliError::new(&args.output, None, format!("cannot write: {e}")))?;
    println!("wrote {} ({} funnel, {} optimal)", args.output.display(), funnel.status, optimal.status);
    Ok(true)
}

pub fn run(kind: &SvgKind) -> Result<bool, CliError> {
    match kind {
        SvgKind::Grid(args) => grid(args),
        SvgKind::Voxel(args) => voxel(args),
        SvgKind::Navmesh(args) => navmesh(args),
    }
}
