//! SVG pictures of a grid map, a path and the cells a search expanded.

use super::{Cell, GridMap};
use std::fmt::Write;

/// Draws `map` (free cells white, blocked cells dark, merged into runs per
/// row), the `expanded` cells (light blue squares), the `path` (a red
/// polyline through cell centres, turning points or every cell) and its start
/// (green) and goal (red) as one SVG document. One cell is one user unit; the
/// picture is scaled to about 1024 pixels on its long side.
///
/// # Example
/// ```
/// use tessera::grid::{svg, Cell, GridMap};
/// let map = GridMap::parse_movingai("type octile\nheight 2\nwidth 3\nmap\n.@.\n...\n").unwrap();
/// let doc = svg::render(&map, &[Cell::new(0, 0), Cell::new(1, 1), Cell::new(2, 0)], &[Cell::new(0, 0)]);
/// assert!(doc.starts_with("<svg") && doc.trim_end().ends_with("</svg>"));
/// assert!(doc.contains("<polyline"));
/// ```
pub fn render(map: &GridMap, path: &[Cell], expanded: &[Cell]) -> String {
    let (w, h) = (map.width(), map.height());
    let scale = (1024.0 / f64::from(w.max(h))).clamp(1.0, 32.0);
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{:.0}" height="{:.0}" shape-rendering="crispEdges">"#,
        f64::from(w) * scale,
        f64::from(h) * scale
    );
    let _ = writeln!(out, r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##);
    out.push_str("<g fill=\"#30343a\">\n");
    for y in 0..h {
        let mut x = 0;
        while x < w {
            if map.is_passable(x, y) {
                x += 1;
                continue;
            }
            let run_start = x;
            while x < w && !map.is_passable(x, y) {
                x += 1;
            }
            let _ = writeln!(out, r#"<rect x="{run_start}" y="{y}" width="{}" height="1"/>"#, x - run_start);
        }
    }
    out.push_str("</g>\n<g fill=\"#9cc8f0\" fill-opacity=\"0.8\">\n");
    for c in expanded {
        let _ = writeln!(out, r#"<rect x="{}" y="{}" width="1" height="1"/>"#, c.x, c.y);
    }
    out.push_str("</g>\n");
    if let (Some(first), Some(last)) = (path.first(), path.last()) {
        out.push_str(r##"<polyline fill="none" stroke="#d62728" stroke-width="0.6" stroke-linejoin="round" points=""##);
        for (i, c) in path.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(out, "{sep}{}.5,{}.5", c.x, c.y);
        }
        out.push_str("\"/>\n");
        let _ = writeln!(out, r##"<circle cx="{}.5" cy="{}.5" r="1.5" fill="#2ca02c"/>"##, first.x, first.y);
        let _ = writeln!(out, r##"<circle cx="{}.5" cy="{}.5" r="1.5" fill="#d62728"/>"##, last.x, last.y);
    }
    out.push_str("</svg>\n");
    out
}
