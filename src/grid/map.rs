//! The occupancy grid: bit-packed rows with a blocked border, a transposed
//! copy for vertical word scans, and region ids.

use super::Cell;
use bitvec::prelude::*;
use std::fmt;

/// Blocked columns left of every row: one whole word, so a 64-cell window
/// ending at any real cell never reads before the row.
const LEFT_PAD: usize = 64;

/// Largest width or height accepted (cells per side).
pub const MAX_SIDE: u32 = 1 << 16;

/// Bit planes of one orientation: row-major, 1 = passable, with a blocked
/// border of one row above and below, `LEFT_PAD` columns on the left and at
/// least one column plus one spare word on the right.
#[derive(Debug, Clone)]
pub(crate) struct Plane {
    pub(crate) bits: BitVec<u64, Lsb0>,
    /// Words per row.
    pub(crate) stride_words: usize,
}

impl Plane {
    fn new(width: usize, height: usize) -> Self {
        let stride_words = (LEFT_PAD + width + 1).div_ceil(64) + 1;
        let bits = bitvec![u64, Lsb0; 0; stride_words * 64 * (height + 2)];
        Plane { bits, stride_words }
    }

    /// Bit index of cell (x, y) (x, y may be -1 or one past the end: border).
    #[inline(always)]
    pub(crate) fn index(&self, x: isize, y: isize) -> usize {
        ((y + 1) as usize) * self.stride_words * 64 + (x + LEFT_PAD as isize) as usize
    }

    #[inline(always)]
    pub(crate) fn get(&self, idx: usize) -> bool {
        // The index is within the padded plane by construction of every caller.
        (self.bits.as_raw_slice()[idx >> 6] >> (idx & 63)) & 1 == 1
    }

    /// 64 cells starting at bit `idx`: bit i of the result is the cell at `idx + i`.
    #[inline(always)]
    pub(crate) fn window_right(&self, idx: usize) -> u64 {
        let words = self.bits.as_raw_slice();
        let w = idx >> 6;
        let s = idx & 63;
        let lo = words[w] >> s;
        if s == 0 {
            lo
        } else {
            lo | (words[w + 1] << (64 - s))
        }
    }

    /// 64 cells ending at bit `idx`: bit 63 of the result is the cell at
    /// `idx`, bit 63 − i the cell at `idx − i`.
    #[inline(always)]
    pub(crate) fn window_left(&self, idx: usize) -> u64 {
        self.window_right(idx - 63)
    }
}

/// An immutable occupancy grid. Cells are passable or blocked; `(0, 0)` is
/// the upper-left corner, `x` the column, `y` the row.
///
/// Storage is one bit per cell (`bitvec`), kept twice (row-major and
/// transposed) so block-based JPS scans 64 cells per word in all four
/// straight directions. Region ids (connected components; with no corner
/// cutting, 8-connected and 4-connected regions coincide) are computed at
/// construction, so a query between two regions answers "no path" at once.
///
/// # Example
/// ```
/// use tessera::grid::GridMap;
/// let map = GridMap::parse_movingai("type octile\nheight 2\nwidth 3\nmap\n.@.\n.@T\n").unwrap();
/// assert_eq!((map.width(), map.height()), (3, 2));
/// assert!(map.is_passable(0, 0) && !map.is_passable(1, 0) && !map.is_passable(2, 1));
/// assert_eq!(map.region_count(), 2);
/// assert_ne!(map.region(0, 0), map.region(2, 0));
/// ```
#[derive(Debug, Clone)]
pub struct GridMap {
    width: u32,
    height: u32,
    pub(crate) rows: Plane,
    pub(crate) cols: Plane,
    regions: Vec<u32>,
    region_count: u32,
    passable_count: u64,
}

/// Why a map could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapError {
    /// A header line is missing or wrong (`type`, `height`, `width`, `map`).
    Header {
        /// 1-based line number.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// What was found (shortened).
        found: String,
    },
    /// Width or height is zero or larger than the limit.
    BadDimensions {
        /// Width given.
        width: u64,
        /// Height given.
        height: u64,
    },
    /// A map row does not have `width` characters.
    RowLength {
        /// 0-based map row.
        row: usize,
        /// The header's width.
        expected: usize,
        /// Characters found.
        found: usize,
    },
    /// A character that is not a Moving AI terrain letter.
    UnknownChar {
        /// 0-based map row.
        row: usize,
        /// 0-based column.
        col: usize,
        /// The character.
        ch: char,
    },
    /// Fewer rows than the header's height.
    Truncated {
        /// The header's height.
        expected: usize,
        /// Rows found.
        found: usize,
    },
    /// More non-empty rows than the header's height.
    ExtraRows {
        /// The header's height.
        expected: usize,
    },
    /// Raw cell bytes do not match `width * height`.
    ByteCount {
        /// `width * height`.
        expected: u64,
        /// Bytes given.
        found: u64,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::Header { line, expected, found } => {
                write!(f, "map header line {line}: expected {expected}, found {found:?}")
            }
            MapError::BadDimensions { width, height } => {
                write!(f, "map dimensions {width} x {height} are invalid (each side must be 1..={MAX_SIDE})")
            }
            MapError::RowLength { row, expected, found } => {
                write!(f, "map row {row} has {found} cells, the header says width {expected}")
            }
            MapError::UnknownChar { row, col, ch } => {
                write!(f, "map row {row} column {col}: unknown terrain character {ch:?}")
            }
            MapError::Truncated { expected, found } => {
                write!(f, "map is truncated: {found} of {expected} rows")
            }
            MapError::ExtraRows { expected } => write!(f, "map has more than the {expected} rows its header says"),
            MapError::ByteCount { expected, found } => {
                write!(f, "{found} cell bytes given, width * height = {expected}")
            }
        }
    }
}

impl std::error::Error for MapError {}

/// Passability of a Moving AI terrain character, `None` for unknown ones.
fn terrain(ch: u8) -> Option<bool> {
    match ch {
        b'.' | b'G' | b'S' => Some(true),
        b'@' | b'O' | b'T' | b'W' => Some(false),
        _ => None,
    }
}

fn check_dims(width: u64, height: u64) -> Result<(u32, u32), MapError> {
    if width == 0 || height == 0 || width > u64::from(MAX_SIDE) || height > u64::from(MAX_SIDE) {
        return Err(MapError::BadDimensions { width, height });
    }
    Ok((width as u32, height as u32))
}

impl GridMap {
    /// Parses the Moving AI `.map` text format: the header lines `type octile`,
    /// `height H`, `width W`, `map`, then `H` rows of `W` characters. Passable
    /// cells are `.` `G` `S`; blocked ones `@` `O` `T` `W`. A trailing `\r` on a
    /// line is ignored, as are empty lines after the last row.
    ///
    /// # Errors
    /// [`MapError`] for a bad header, wrong dimensions, a row of the wrong
    /// length, an unknown character, or too few or too many rows.
    pub fn parse_movingai(text: &str) -> Result<GridMap, MapError> {
        Self::parse_movingai_bytes(text.as_bytes())
    }

    /// As [`GridMap::parse_movingai`], from bytes (the file's contents).
    ///
    /// # Errors
    /// As [`GridMap::parse_movingai`].
    pub fn parse_movingai_bytes(text: &[u8]) -> Result<GridMap, MapError> {
        let mut lines = text.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        let mut line_no = 0;
        let mut next_header = |expected: &'static str| -> Result<Vec<String>, MapError> {
            line_no += 1;
            let line = lines.next().unwrap_or(b"");
            let s = String::from_utf8_lossy(line).into_owned();
            let words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            if words.is_empty() {
                return Err(MapError::Header { line: line_no, expected, found: s.chars().take(40).collect() });
            }
            Ok(words)
        };
        let ty = next_header("`type octile`")?;
        if ty.len() != 2 || ty[0] != "type" {
            return Err(MapError::Header { line: 1, expected: "`type octile`", found: ty.join(" ") });
        }
        let mut height = None;
        let mut width = None;
        for line in 2..=3 {
            let words = next_header("`height H` or `width W`")?;
            let value = (words.len() == 2).then(|| words[1].parse::<u64>().ok()).flatten();
            match (words[0].as_str(), value) {
                ("height", Some(v)) if height.is_none() => height = Some(v),
                ("width", Some(v)) if width.is_none() => width = Some(v),
                _ => {
                    return Err(MapError::Header {
                        line,
                        expected: "`height H` or `width W` with a non-negative integer",
                        found: words.join(" "),
                    })
                }
            }
        }
        let (width, height) = check_dims(width.unwrap_or(0), height.unwrap_or(0))?;
        let m = next_header("`map`")?;
        if m.len() != 1 || m[0] != "map" {
            return Err(MapError::Header { line: 4, expected: "`map`", found: m.join(" ") });
        }
        // Rows follow; parse straight into the row plane.
        let (w, h) = (width as usize, height as usize);
        let mut rows = Plane::new(w, h);
        let mut row = 0usize;
        for line in lines.by_ref() {
            if row == h {
                if line.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                return Err(MapError::ExtraRows { expected: h });
            }
            if line.len() != w {
                // An empty final line means the file ended early.
                if line.is_empty() {
                    return Err(MapError::Truncated { expected: h, found: row });
                }
                return Err(MapError::RowLength { row, expected: w, found: line.len() });
            }
            for (col, &ch) in line.iter().enumerate() {
                match terrain(ch) {
                    Some(free) => {
                        if free {
                            let idx = rows.index(col as isize, row as isize);
                            rows.bits.set(idx, true);
                        }
                    }
                    None => {
                        let ch = String::from_utf8_lossy(&line[col..]).chars().next().unwrap_or('?');
                        return Err(MapError::UnknownChar { row, col, ch });
                    }
                }
            }
            row += 1;
        }
        if row < h {
            return Err(MapError::Truncated { expected: h, found: row });
        }
        Ok(Self::finish(width, height, rows))
    }

    /// Reads and parses a Moving AI `.map` file.
    ///
    /// # Errors
    /// The I/O error, or a parse error wrapped as `InvalidData`.
    pub fn load_movingai(path: impl AsRef<std::path::Path>) -> std::io::Result<GridMap> {
        let bytes = std::fs::read(path)?;
        Self::parse_movingai_bytes(&bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    /// Builds a map from `width * height` bytes in row-major order
    /// (`cells[y * width + x]`): 0 is passable, any other value blocked.
    ///
    /// # Errors
    /// [`MapError::BadDimensions`] or [`MapError::ByteCount`].
    pub fn from_bytes(width: u32, height: u32, cells: &[u8]) -> Result<GridMap, MapError> {
        let (width, height) = check_dims(u64::from(width), u64::from(height))?;
        let expected = u64::from(width) * u64::from(height);
        if cells.len() as u64 != expected {
            return Err(MapError::ByteCount { expected, found: cells.len() as u64 });
        }
        let mut rows = Plane::new(width as usize, height as usize);
        for (y, line) in cells.chunks_exact(width as usize).enumerate() {
            for (x, &c) in line.iter().enumerate() {
                if c == 0 {
                    let idx = rows.index(x as isize, y as isize);
                    rows.bits.set(idx, true);
                }
            }
        }
        Ok(Self::finish(width, height, rows))
    }

    fn finish(width: u32, height: u32, rows: Plane) -> GridMap {
        let (w, h) = (width as usize, height as usize);
        let mut cols = Plane::new(h, w);
        let mut passable_count = 0;
        for y in 0..h {
            for x in 0..w {
                if rows.get(rows.index(x as isize, y as isize)) {
                    let idx = cols.index(y as isize, x as isize);
                    cols.bits.set(idx, true);
                    passable_count += 1;
                }
            }
        }
        let mut map = GridMap { width, height, rows, cols, regions: Vec::new(), region_count: 0, passable_count };
        map.compute_regions();
        map
    }

    /// Labels 4-connected components with a scanline flood fill. Without
    /// corner cutting a legal diagonal step joins two cells that already share
    /// free orthogonal neighbours, so these are also the 8-connected regions.
    fn compute_regions(&mut self) {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut regions = vec![u32::MAX; w * h];
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut next = 0u32;
        for y0 in 0..h {
            for x0 in 0..w {
                if regions[y0 * w + x0] != u32::MAX || !self.is_passable(x0 as u32, y0 as u32) {
                    continue;
                }
                stack.push((x0, y0));
                regions[y0 * w + x0] = next;
                while let Some((x, y)) = stack.pop() {
                    let mut visit = |nx: usize, ny: usize| {
                        if regions[ny * w + nx] == u32::MAX && self.is_passable(nx as u32, ny as u32) {
                            regions[ny * w + nx] = next;
                            stack.push((nx, ny));
                        }
                    };
                    if x > 0 {
                        visit(x - 1, y);
                    }
                    if x + 1 < w {
                        visit(x + 1, y);
                    }
                    if y > 0 {
                        visit(x, y - 1);
                    }
                    if y + 1 < h {
                        visit(x, y + 1);
                    }
                }
                next += 1;
            }
        }
        self.regions = regions;
        self.region_count = next;
    }

    /// Width in cells.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in cells.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Number of passable cells.
    pub fn passable_count(&self) -> u64 {
        self.passable_count
    }

    /// True when (x, y) is inside the map and passable.
    #[inline]
    pub fn is_passable(&self, x: u32, y: u32) -> bool {
        x < self.width && y < self.height && self.rows.get(self.rows.index(x as isize, y as isize))
    }

    /// True when `cell` is inside the map.
    pub fn contains(&self, cell: Cell) -> bool {
        cell.x < self.width && cell.y < self.height
    }

    /// Region id of a passable cell (`0..region_count()`); `None` for a
    /// blocked or outside cell. Two passable cells are connected exactly when
    /// their region ids are equal.
    pub fn region(&self, x: u32, y: u32) -> Option<u32> {
        if !self.contains(Cell::new(x, y)) {
            return None;
        }
        let r = self.regions[y as usize * self.width as usize + x as usize];
        (r != u32::MAX).then_some(r)
    }

    /// Number of regions (connected components of passable cells).
    pub fn region_count(&self) -> u32 {
        self.region_count
    }

    /// Region id by cell index (`y * width + x`), `u32::MAX` when blocked.
    #[inline]
    pub(crate) fn region_raw(&self, index: usize) -> u32 {
        self.regions[index]
    }
}
