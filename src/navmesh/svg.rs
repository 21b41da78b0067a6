//! SVG top view (XZ) of a navmesh with optional paths.

use super::NavMesh;
use std::fmt::Write;

/// A polyline to draw over the mesh.
#[derive(Debug, Clone, Copy)]
pub struct SvgPath<'a> {
    /// Points (x, y, z); drawn in XZ.
    pub points: &'a [[f32; 3]],
    /// CSS colour, e.g. `"#d33"`.
    pub color: &'a str,
    /// Legend text.
    pub label: &'a str,
}

/// Renders the mesh seen from above (+Y), polygons shaded by height, with the given paths.
pub fn to_svg(mesh: &NavMesh, paths: &[SvgPath<'_>], width_px: f32) -> String {
    let v = mesh.vertices();
    let (mut min, mut max) = ([f32::MAX; 3], [f32::MIN; 3]);
    for p in v {
        for k in 0..3 {
            min[k] = min[k].min(p[k]);
            max[k] = max[k].max(p[k]);
        }
    }
    let w = (max[0] - min[0]).max(1e-3);
    let h = (max[2] - min[2]).max(1e-3);
    let scale = width_px / w;
    let height_px = h * scale;
    let tx = |p: [f32; 3]| ((p[0] - min[0]) * scale, (p[2] - min[2]) * scale);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" viewBox=\"0 0 {:.1} {:.1}\">",
        width_px,
        height_px + 24.0,
        width_px,
        height_px + 24.0
    );
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#fafafa\"/>");
    let yr = (max[1] - min[1]).max(1e-3);
    for p in 0..mesh.poly_count() {
        let idx = mesh.poly_indices(p);
        let mut pts = String::new();
        let mut ysum = 0.0;
        for &i in idx {
            let (x, z) = tx(v[i as usize]);
            let _ = write!(pts, "{x:.2},{z:.2} ");
            ysum += v[i as usize][1];
        }
        let shade = 200 - (((ysum / idx.len() as f32 - min[1]) / yr) * 120.0) as i32;
        let _ = writeln!(
            s,
            "<polygon points=\"{}\" fill=\"rgb({shade},{shade},{})\" fill-opacity=\"0.6\" stroke=\"#667\" stroke-width=\"0.5\"/>",
            pts.trim_end(),
            (shade + 40).min(255)
        );
    }
    for (k, path) in paths.iter().enumerate() {
        let mut pts = String::new();
        for &p in path.points {
            let (x, z) = tx(p);
            let _ = write!(pts, "{x:.2},{z:.2} ");
        }
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            pts.trim_end(),
            path.color
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.0}\" y=\"{:.0}\" font-family=\"sans-serif\" font-size=\"14\" fill=\"{}\">{}</text>",
            8.0 + 220.0 * k as f32,
            height_px + 18.0,
            path.color,
            path.label.replace('<', "&lt;").replace('&', "&amp;")
        );
    }
    s.push_str("</svg>\n");
    s
}
