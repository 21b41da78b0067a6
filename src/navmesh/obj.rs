//! Polygon Wavefront OBJ reader (`v` and n-gon `f` lines only).

use super::{BuildError, BuildErrorKind};

/// Vertices, flat polygon indices and polygon sizes.
pub(crate) type ObjPolys = (Vec<[f32; 3]>, Vec<u32>, Vec<u32>);

/// Parses `v x y z` and `f a b c …` lines (1-based or negative indices, `a/b/c` forms allowed).
pub(crate) fn parse(text: &str) -> Result<ObjPolys, BuildError> {
    let err = |line: usize, m: &str| BuildError::new(BuildErrorKind::Parse, None, format!("OBJ line {}: {m}", line + 1));
    let mut verts = Vec::new();
    let mut indices = Vec::new();
    let mut sizes = Vec::new();
    for (ln, line) in text.lines().enumerate() {
        let mut it = line.split_whitespace();
        match it.next() {
            Some("v") => {
                let mut v = [0.0f32; 3];
                for c in &mut v {
                    *c = it
                        .next()
                        .and_then(|s| s.parse::<f32>().ok())
                        .ok_or_else(|| err(ln, "a vertex needs three numbers"))?;
                }
                verts.push(v);
            }
            Some("f") => {
                let mut n = 0u32;
                for tok in it {
                    let first = tok.split('/').next().unwrap_or("");
                    let i: i64 = first.parse().map_err(|_| err(ln, &format!("bad face index `{tok}`")))?;
                    let idx = if i > 0 {
                        i - 1
                    } else if i < 0 {
                        verts.len() as i64 + i
                    } else {
                        return Err(err(ln, "face index 0"));
                    };
                    if idx < 0 || idx > i64::from(u32::MAX) {
                        return Err(err(ln, &format!("face index `{tok}` out of range")));
                    }
                    indices.push(idx as u32);
                    n += 1;
                }
                if n < 3 {
                    return Err(err(ln, "a face needs at least three corners"));
                }
                sizes.push(n);
            }
            _ => {}
        }
    }
    Ok((verts, indices, sizes))
}
