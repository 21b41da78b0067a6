//! `tessera voxel`: every scenario of a Moving AI `.3dscen` file through the
//! sparse voxel octree, each path checked segment by segment against the raw
//! voxel grid.

use crate::report::{print_summary, read_text, round3, round6, timing, CliError, Lines};
use serde_json::{json, Map};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tessera::movingai::parse_voxel_scenarios;
use tessera::svo::{parse_3dmap, PathOptions, RawVoxelGrid, Svo, SvoError, SvoQuery};

/// Arguments of `tessera voxel`.
#[derive(clap::Args)]
pub struct VoxelArgs {
    /// Moving AI 3D scenario file (`*.3dscen`).
    scen: PathBuf,
    /// Voxel map; by default the file named on the scenario file's second line, next to it.
    #[arg(long)]
    map: Option<PathBuf>,
    /// Return the raw node path instead of the line-of-sight smoothed one.
    #[arg(long)]
    no_smooth: bool,
    /// Write one JSON line per scenario here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

/// Node budget of the query object: enough for the longest Warframe problems.
const MAX_NODES: usize = 4 << 20;

/// The octree and the raw grid of a `.3dmap` file.
pub fn load_map(path: &Path) -> Result<(Svo, RawVoxelGrid), CliError> {
    let parse_error = |e: SvoError| match e {
        SvoError::Parse { line, message } => CliError::new(path, Some(line), message),
        other => CliError::new(path, None, other.to_string()),
    };
    let parsed = parse_3dmap(&read_text(path)?).map_err(parse_error)?;
    let svo = Svo::from_voxels(parsed.dims, &parsed.voxels, [0.0; 3], 1.0).map_err(parse_error)?;
    let mut raw = RawVoxelGrid::new(parsed.dims.map(i64::from));
    parsed.voxels.iter().for_each(|v| raw.set(v.map(i64::from)));
    Ok((svo, raw))
}

fn center(v: [u32; 3]) -> [f32; 3] {
    v.map(|c| c as f32 + 0.5)
}

pub fn run(args: &VoxelArgs) -> Result<bool, CliError> {
    let (map_name, scenarios) =
        parse_voxel_scenarios(&read_text(&args.scen)?).map_err(|e| CliError::new(&args.scen, Some(e.line), e.message))?;
    let map_path = args.map.clone().unwrap_or_else(|| args.scen.parent().unwrap_or(Path::new(".")).join(&map_name));
    let (svo, raw) = load_map(&map_path)?;
    let mut query = SvoQuery::new(Arc::new(svo), MAX_NODES);
    let opts = PathOptions { smooth: !args.no_smooth, ..PathOptions::default() };
    let mut out = Lines::create(args.out.as_deref())?;
    let mut points = Vec::new();
    let (mut solved, mut invalid) = (0u64, 0u64);
    let (mut ratio_sum, mut ratio_max) = (0.0f64, 0.0f64);
    let mut micros = Vec::with_capacity(scenarios.len());
    for (i, s) in scenarios.iter().enumerate() {
        let line = i + 3;
        let began = Instant::now();
        let info = query
            .find_path(center(s.start), center(s.goal), &opts, &mut points)
            .map_err(|e| CliError::new(&args.scen, Some(line), e.to_string()))?;
        let time_us = began.elapsed().as_secs_f64() * 1e6;
        micros.push(time_us);
        let valid = info.found
            && points.windows(2).all(|w| raw.segment_hits(w[0].map(f64::from), w[1].map(f64::from)).is_none());
        let ratio = f64::from(info.length) / s.optimal.max(f64::MIN_POSITIVE);
        solved += u64::from(info.found);
        invalid += u64::from(info.found && !valid);
        if info.found {
            ratio_sum += ratio;
            ratio_max = ratio_max.max(ratio);
        }
        out.write(json!({
            "i": i,
            "length": if info.found { json!(info.length) } else { json!(null) },
            "expected": s.optimal,
            "ratio": if info.found { json!(round6(ratio)) } else { json!(null) },
            "valid": valid,
            "time_us": round3(time_us),
            "expanded": info.expanded,
        }))?;
    }
    out.finish()?;
    let mut summary = Map::new();
    summary.insert("scenarios".into(), json!(scenarios.len()));
    summary.insert("solved".into(), json!(solved));
    summary.insert("invalid_paths".into(), json!(invalid));
    summary.insert("map".into(), json!(map_path.display().to_string()));
    summary.insert("smoothed".into(), json!(!args.no_smooth));
    summary.insert("length_ratio".into(), json!({
        "mean": if solved > 0 { round6(ratio_sum / solved as f64) } else { 0.0 },
        "max": round6(ratio_max),
    }));
    summary.insert("time".into(), timing(micros));
    print_summary(&format!("tessera voxel {}", args.scen.display()), summary, args.json);
    Ok(solved == scenarios.len() as u64 && invalid == 0)
}
