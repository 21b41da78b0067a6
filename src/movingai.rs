//! Moving AI benchmark scenario files (Sturtevant 2012; Brewer & Sturtevant 2018).
//!
//! - `.map.scen` (grid): a `version` line, then tab-separated lines
//!   `bucket map width height start_x start_y goal_x goal_y optimal_length`.
//! - `.3dscen` (voxel): `version 1`, the map file name, then lines
//!   `sx sy sz gx gy gz optimal_length ratio`.
//!
//! Errors name the 1-based line and the problem.
//!
//! ```
//! use tessera::movingai::parse_grid_scenarios;
//! let text = "version 1\n0\tmaps/arena.map\t49\t49\t1\t11\t1\t12\t1\n";
//! let s = parse_grid_scenarios(text).unwrap();
//! assert_eq!((s[0].start, s[0].goal, s[0].optimal), ((1, 11), (1, 12), 1.0));
//! assert_eq!(parse_grid_scenarios("version 1\n0\tx.map\t1\n").unwrap_err().line, 2);
//! ```

use std::fmt;

/// One grid problem.
#[derive(Debug, Clone, PartialEq)]
pub struct GridScenario {
    /// `floor(optimal / 4)` in the published files.
    pub bucket: u32,
    /// Map path as written in the file (e.g. `maps/dao/arena.map`).
    pub map: String,
    /// Map width and height the scenario was made for.
    pub size: (u32, u32),
    /// Start cell (x = column, y = row).
    pub start: (u32, u32),
    /// Goal cell.
    pub goal: (u32, u32),
    /// Optimal octile length (√2 diagonals, no corner cutting).
    pub optimal: f64,
}

/// One voxel problem.
#[derive(Debug, Clone, PartialEq)]
pub struct VoxelScenario {
    /// Start voxel.
    pub start: [u32; 3],
    /// Goal voxel.
    pub goal: [u32; 3],
    /// Optimal 26-connected length (1, √2, √3; no corner cutting).
    pub optimal: f64,
    /// `optimal / h(start, goal)` as published.
    pub ratio: f64,
}

/// A malformed scenario file: the 1-based line and the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ScenarioError {}

fn error(line: usize, message: impl Into<String>) -> ScenarioError {
    ScenarioError { line, message: message.into() }
}

fn field<T: std::str::FromStr>(fields: &[&str], i: usize, name: &str, line: usize) -> Result<T, ScenarioError> {
    let raw = fields.get(i).ok_or_else(|| error(line, format!("missing field {} ({name})", i + 1)))?;
    raw.trim().parse().map_err(|_| error(line, format!("field {} ({name}) is not a number: {raw:?}", i + 1)))
}

fn finite_length(value: f64, line: usize) -> Result<f64, ScenarioError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(error(line, format!("optimal length {value} is not a non-negative number")))
    }
}

/// Parses a grid `.scen` file.
///
/// # Errors
/// A missing `version` header, a line without 9 fields, or a field that is not a number.
pub fn parse_grid_scenarios(text: &str) -> Result<Vec<GridScenario>, ScenarioError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_start().starts_with("version") => {}
        _ => return Err(error(1, "expected a `version` header line")),
    }
    let mut scenarios = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 9 {
            return Err(error(n, format!("expected 9 tab-separated fields, found {}", fields.len())));
        }
        scenarios.push(GridScenario {
            bucket: field(&fields, 0, "bucket", n)?,
            map: fields[1].to_string(),
            size: (field(&fields, 2, "width", n)?, field(&fields, 3, "height", n)?),
            start: (field(&fields, 4, "start x", n)?, field(&fields, 5, "start y", n)?),
            goal: (field(&fields, 6, "goal x", n)?, field(&fields, 7, "goal y", n)?),
            optimal: finite_length(field(&fields, 8, "optimal length", n)?, n)?,
        });
    }
    Ok(scenarios)
}

/// Parses a voxel `.3dscen` file into (map file name, scenarios).
///
/// # Errors
/// A missing header, a line without 8 fields, or a field that is not a number.
pub fn parse_voxel_scenarios(text: &str) -> Result<(String, Vec<VoxelScenario>), ScenarioError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_start().starts_with("version") => {}
        _ => return Err(error(1, "expected a `version` header line")),
    }
    let map = match lines.next() {
        Some((_, name)) if !name.trim().is_empty() => name.trim().to_string(),
        _ => return Err(error(2, "expected the map file name")),
    };
    let mut scenarios = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() != 8 {
            return Err(error(n, format!("expected 8 space-separated fields, found {}", fields.len())));
        }
        let v = |k: usize, name: &str| field::<u32>(&fields, k, name, n);
        scenarios.push(VoxelScenario {
            start: [v(0, "start x")?, v(1, "start y")?, v(2, "start z")?],
            goal: [v(3, "goal x")?, v(4, "goal y")?, v(5, "goal z")?],
            optimal: finite_length(field(&fields, 6, "optimal length", n)?, n)?,
            ratio: field(&fields, 7, "ratio", n)?,
        });
    }
    Ok((map, scenarios))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_lines_and_errors() {
        let ok = "version\t1.0\n3\tmaps/x.map\t512\t512\t10\t20\t30\t40\t12.5\n\n";
        let s = parse_grid_scenarios(ok).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].bucket, s[0].size, s[0].optimal), (3, (512, 512), 12.5));
        assert_eq!(parse_grid_scenarios("").unwrap_err().line, 1);
        let bad = "version 1\n0\tm\t1\t1\t0\t0\t0\tx\t1\n";
        let e = parse_grid_scenarios(bad).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("goal y"), "{e}");
        assert!(parse_grid_scenarios("version 1\n0\tm\t1\t1\t0\t0\t0\t0\tnan\n").is_err());
    }

    #[test]
    fn voxel_lines_and_errors() {
        let ok = "version 1\nA1.3dmap\n1 2 3 4 5 6 7.5 1.1\n";
        let (map, s) = parse_voxel_scenarios(ok).unwrap();
        assert_eq!(map, "A1.3dmap");
        assert_eq!((s[0].start, s[0].goal, s[0].optimal), ([1, 2, 3], [4, 5, 6], 7.5));
        assert_eq!(parse_voxel_scenarios("version 1\nA.3dmap\n1 2 3\n").unwrap_err().line, 3);
        assert_eq!(parse_voxel_scenarios("version 1\n").unwrap_err().line, 2);
    }
}
