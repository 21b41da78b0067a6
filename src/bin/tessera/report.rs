//! Shared pieces of the subcommands: errors that name file and line, timing
//! statistics, and the summary / JSON-lines output.

use serde_json::{json, Map, Value};
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A problem with an input file: printed as one line, exit status 2.
#[derive(Debug)]
pub struct CliError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl CliError {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        CliError { file: file.to_path_buf(), line, message: message.into() }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Reads a whole file, naming it on failure.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::new(path, None, format!("cannot read: {e}")))
}

/// Median, mean and 95th percentile of per-query times in microseconds.
pub fn timing(mut micros: Vec<f64>) -> Value {
    if micros.is_empty() {
        return json!({"median_us": 0.0, "mean_us": 0.0, "p95_us": 0.0});
    }
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize];
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    json!({"median_us": round3(at(0.5)), "mean_us": round3(mean), "p95_us": round3(at(0.95))})
}

/// `x` rounded to 3 decimals (times in µs).
pub fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

/// `x` rounded to 6 decimals (length ratios).
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Writes one JSON object per line to `--out`, when given.
pub struct Lines(Option<(PathBuf, BufWriter<File>)>);

impl Lines {
    pub fn create(path: Option<&Path>) -> Result<Lines, CliError> {
        match path {
            None => Ok(Lines(None)),
            Some(p) => File::create(p)
                .map(|f| Lines(Some((p.to_path_buf(), BufWriter::new(f)))))
                .map_err(|e| CliError::new(p, None, format!("cannot create: {e}"))),
        }
    }

    pub fn write(&mut self, value: Value) -> Result<(), CliError> {
        if let Some((path, out)) = &mut self.0 {
            writeln!(out, "{value}").map_err(|e| CliError::new(path, None, format!("cannot write: {e}")))?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), CliError> {
        if let Some((path, mut out)) = self.0 {
            out.flush().map_err(|e| CliError::new(&path, None, format!("cannot write: {e}")))?;
        }
        Ok(())
    }
}

/// Prints a summary: one JSON object with `--json`, otherwise `key: value` lines.
pub fn print_summary(title: &str, summary: Map<String, Value>, as_json: bool) {
    if as_json {
        println!("{}", Value::Object(summary));
        return;
    }
    println!("{title}");
    for (key, value) in summary {
        match value {
            Value::Object(inner) => {
                for (k, v) in inner {
                    println!("  {key}.{k}: {v}");
                }
            }
            other => println!("  {key}: {other}"),
        }
    }
}

/// Parses "x,y,z" or "x,y" into floats.
pub fn parse_floats<const N: usize>(text: &str, what: &str) -> Result<[f32; N], String> {
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() != N {
        return Err(format!("{what} needs {N} comma-separated numbers, got {text:?}"));
    }
    let mut out = [0.0f32; N];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = p.trim().parse().map_err(|_| format!("{what}: {p:?} is not a number"))?;
        if !o.is_finite() {
            return Err(format!("{what}: {p:?} is not finite"));
        }
    }
    Ok(out)
}
