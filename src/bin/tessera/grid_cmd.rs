//! `tessera grid`: every scenario of a Moving AI `.scen` file.

use crate::report::{print_summary, read_text, round3, timing, CliError, Lines};
use serde_json::{json, Map};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tessera::grid::{path_length_checked, Algorithm, Cell, GridMap, GridQuery, MapError, Moves, PathStyle, SearchOptions};
use tessera::movingai::parse_grid_scenarios;

/// Arguments of `tessera grid`.
#[derive(clap::Args)]
pub struct GridArgs {
    /// Moving AI scenario file (`*.map.scen`).
    scen: PathBuf,
    /// Map file; by default the file named in the scenarios, next to the scenario file.
    #[arg(long)]
    map: Option<PathBuf>,
    /// Search algorithm.
    #[arg(long, value_enum, default_value = "jps-block")]
    algo: Algo,
    /// Write one JSON line per scenario here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Algo {
    Astar,
    Jps,
    JpsBlock,
}

/// The map file's line for a parse error, where the error knows it.
fn map_error_line(e: &MapError) -> Option<usize> {
    match e {
        MapError::Header { line, .. } => Some(*line),
        // Four header lines precede row 0.
        MapError::RowLength { row, .. } | MapError::UnknownChar { row, .. } => Some(row + 5),
        _ => None,
    }
}

/// Loads a Moving AI map, naming file and line on failure.
pub fn load_map(path: &Path) -> Result<GridMap, CliError> {
    GridMap::parse_movingai(&read_text(path)?).map_err(|e| CliError::new(path, map_error_line(&e), e.to_string()))
}

/// `maps/dao/arena.map` → `<dir of scen>/arena.map`.
fn map_next_to(scen: &Path, map_field: &str) -> PathBuf {
    let name = map_field.rsplit(['/', '\\']).next().unwrap_or(map_field);
    scen.parent().unwrap_or(Path::new(".")).join(name)
}

pub fn run(args: &GridArgs) -> Result<bool, CliError> {
    let scenarios = parse_grid_scenarios(&read_text(&args.scen)?).map_err(|e| CliError::new(&args.scen, Some(e.line), e.message))?;
    let first = scenarios.first().ok_or_else(|| CliError::new(&args.scen, None, "no scenarios"))?;
    let map_path = args.map.clone().unwrap_or_else(|| map_next_to(&args.scen, &first.map));
    let map = Arc::new(load_map(&map_path)?);
    let algorithm = match args.algo {
        Algo::Astar => Algorithm::AStar,
        Algo::Jps => Algorithm::Jps,
        Algo::JpsBlock => Algorithm::JpsBlock,
    };
    let opts = SearchOptions { algorithm, moves: Moves::Octile, style: PathStyle::TurningPoints, record_expanded: false };
    let mut query = GridQuery::new(Arc::clone(&map));
    let mut out = Lines::create(args.out.as_deref())?;
    let (mut solved, mut mismatches, mut invalid) = (0u64, 0u64, 0u64);
    let mut micros = Vec::with_capacity(scenarios.len());
    for (i, s) in scenarios.iter().enumerate() {
        let line = i + 2;
        if s.size != (map.width(), map.height()) {
            let msg = format!("scenario is for a {}x{} map, {} is {}x{}", s.size.0, s.size.1, map_path.display(), map.width(), map.height());
            return Err(CliError::new(&args.scen, Some(line), msg));
        }
        let (start, goal) = (Cell::new(s.start.0, s.start.1), Cell::new(s.goal.0, s.goal.1));
        let began = Instant::now();
        let result = query.find_path(start, goal, &opts).map_err(|e| CliError::new(&args.scen, Some(line), e.to_string()))?;
        let time_us = began.elapsed().as_secs_f64() * 1e6;
        micros.push(time_us);
        let valid = result.found && path_length_checked(&map, query.path(), Moves::Octile).is_ok_and(|len| (len - result.length).abs() < 1e-6);
        let matches = result.found && (result.length - s.optimal).abs() <= 1e-3 * s.optimal.max(1.0);
        solved += u64::from(result.found);
        mismatches += u64::from(!matches);
        invalid += u64::from(result.found && !valid);
        out.write(json!({
            "i": i,
            "length": if result.found { json!(result.length) } else { json!(null) },
            "expected": s.optimal,
            "valid": valid,
            "time_us": round3(time_us),
            "expanded": result.expanded,
        }))?;
    }
    out.finish()?;
    let mut summary = Map::new();
    summary.insert("scenarios".into(), json!(scenarios.len()));
    summary.insert("solved".into(), json!(solved));
    summary.insert("mismatches".into(), json!(mismatches));
    summary.insert("invalid_paths".into(), json!(invalid));
    summary.insert("map".into(), json!(map_path.display().to_string()));
    summary.insert("algorithm".into(), json!(format!("{algorithm:?}")));
    summary.insert("time".into(), timing(micros));
    print_summary(&format!("tessera grid {}", args.scen.display()), summary, args.json);
    Ok(mismatches == 0 && invalid == 0)
}
