//! `tessera navmesh`: a JSON-lines file of start/end queries against a
//! polygon navmesh (nearest polygons, path, straight or optimal path).

use crate::report::{parse_floats, print_summary, read_text, round3, timing, CliError, Lines};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tessera::navmesh::{BuildError, NavMesh, NavMeshQuery, QueryError, QueryFilter, StraightPoint};

/// Arguments of `tessera navmesh`.
#[derive(clap::Args)]
pub struct NavmeshArgs {
    /// Polygon navmesh as Wavefront OBJ (n-gon faces, Y up, counter-clockwise from +Y).
    mesh: PathBuf,
    /// JSON lines, each an object with at least "start": [x,y,z] and "end": [x,y,z].
    #[arg(long)]
    queries: PathBuf,
    /// Path mode: Detour-style A* + funnel, or exact any-angle shortest paths (Polyanya).
    #[arg(long, value_enum, default_value = "funnel")]
    mode: Mode,
    /// Search box half extents around each endpoint for the nearest polygon, "x,y,z".
    #[arg(long, default_value = "2,4,2")]
    half_extents: String,
    /// Write one JSON line per query here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

/// How a path is drawn through the polygon corridor.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Mode {
    Funnel,
    Optimal,
}

/// Node budget of the query object.
const MAX_NODES: u32 = 65_536;

/// The OBJ line of the `k`-th face (polygon k), for errors that name a polygon.
fn face_line(text: &str, polygon: u32) -> Option<usize> {
    text.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with("f ")).nth(polygon as usize).map(|(i, _)| i + 1)
}

/// Loads a polygon OBJ navmesh, naming file and line on failure.
pub fn load_mesh(path: &Path) -> Result<NavMesh, CliError> {
    let text = read_text(path)?;
    NavMesh::from_obj(&text).map_err(|e: BuildError| {
        // Parse errors say "OBJ line N: …"; validation errors name the polygon.
        let parse_line = e.message.strip_prefix("OBJ line ").and_then(|rest| rest.split(':').next()?.parse().ok());
        let line = parse_line.or_else(|| e.polygon.and_then(|p| face_line(&text, p)));
        let message = match e.message.split_once(": ") {
            Some((prefix, rest)) if parse_line.is_some() && prefix.starts_with("OBJ line") => rest.to_string(),
            _ => e.message.clone(),
        };
        CliError::new(path, line, message)
    })
}

fn point(value: &Value, key: &str) -> Option<[f32; 3]> {
    let items = value.get(key)?.as_array()?;
    if items.len() != 3 {
        return None;
    }
    let mut p = [0.0f32; 3];
    for (o, v) in p.iter_mut().zip(items) {
        *o = v.as_f64()? as f32;
        if !o.is_finite() {
            return None;
        }
    }
    Some(p)
}

/// One query's outcome.
pub struct Answer {
    pub status: &'static str,
    pub points: Vec<[f32; 3]>,
}

/// Nearest polygons, polygon path, then the funnel or optimal point path.
pub fn answer(query: &mut NavMeshQuery, start: [f32; 3], end: [f32; 3], half: [f32; 3], mode: Mode, scratch: &mut (Vec<u32>, Vec<StraightPoint>)) -> Result<Answer, QueryError> {
    let filter = QueryFilter::default();
    let none = Answer { status: "none", points: Vec::new() };
    let (Ok((start_poly, start_pos)), Ok((end_poly, end_pos))) =
        (query.find_nearest_poly(start, half, &filter), query.find_nearest_poly(end, half, &filter))
    else {
        return Ok(none);
    };
    let (polys, straight) = scratch;
    let result = query.find_path(start_poly, end_poly, start_pos, end_pos, &filter, polys)?;
    let Some(&last) = polys.last() else { return Ok(none) };
    let status = if result.partial { "partial" } else { "complete" };
    // A partial path ends at the reachable polygon closest to the goal: aim at its closest point.
    let target = if result.partial { query.closest_point_on_poly(last, end_pos)?.0 } else { end_pos };
    let points = match mode {
        Mode::Funnel => {
            query.find_straight_path(start_pos, target, polys, 0, straight)?;
            straight.iter().map(|p| p.pos).collect()
        }
        Mode::Optimal => {
            let mut out = Vec::new();
            match query.find_optimal_path(start_poly, last, start_pos, target, &filter, &mut out)? {
                (Some(_), _) => out,
                (None, _) => return Ok(none),
            }
        }
    };
    Ok(Answer { status, points })
}

fn lengths(points: &[[f32; 3]]) -> (f64, f64) {
    points.windows(2).fold((0.0, 0.0), |(xz, d3), w| {
        let d = [0, 1, 2].map(|k| f64::from(w[1][k] - w[0][k]));
        (xz + d[0].hypot(d[2]), d3 + (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt())
    })
}

pub fn run(args: &NavmeshArgs) -> Result<bool, CliError> {
    let mesh = Arc::new(load_mesh(&args.mesh)?);
    let half = parse_floats::<3>(&args.half_extents, "--half-extents").map_err(|e| CliError::new(Path::new("arguments"), None, e))?;
    let text = read_text(&args.queries)?;
    let mut requests = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let value: Value = serde_json::from_str(line).map_err(|e| CliError::new(&args.queries, Some(i + 1), format!("not JSON: {e}")))?;
        match (point(&value, "start"), point(&value, "end")) {
            (Some(s), Some(e)) => requests.push((s, e)),
            _ => return Err(CliError::new(&args.queries, Some(i + 1), "needs \"start\": [x,y,z] and \"end\": [x,y,z] with finite numbers")),
        }
    }
    let mut query = NavMeshQuery::new(Arc::clone(&mesh), MAX_NODES);
    let mut scratch = (Vec::new(), Vec::new());
    let mut out = Lines::create(args.out.as_deref())?;
    let mut counts = std::collections::BTreeMap::<&str, u64>::new();
    let mut micros = Vec::with_capacity(requests.len());
    for (i, (start, end)) in requests.iter().enumerate() {
        let began = Instant::now();
        let a = answer(&mut query, *start, *end, half, args.mode, &mut scratch).map_err(|e| CliError::new(&args.queries, None, format!("query {i}: {e}")))?;
        let time_us = began.elapsed().as_secs_f64() * 1e6;
        micros.push(time_us);
        let (xz, d3) = lengths(&a.points);
        *counts.entry(a.status).or_default() += 1;
        out.write(json!({"i": i, "status": a.status, "length_xz": xz, "length_3d": d3, "points": a.points, "time_us": round3(time_us)}))?;
    }
    out.finish()?;
    let mut summary = Map::new();
    summary.insert("queries".into(), json!(requests.len()));
    for status in ["complete", "partial", "none"] {
        summary.insert(status.into(), json!(counts.get(status).copied().unwrap_or(0)));
    }
    summary.insert("polygons".into(), json!(mesh.poly_count()));
    summary.insert("mode".into(), json!(match args.mode { Mode::Funnel => "funnel", Mode::Optimal => "optimal" }));
    summary.insert("time".into(), timing(micros));
    print_summary(&format!("tessera navmesh {}", args.mesh.display()), summary, args.json);
    Ok(true)
}
