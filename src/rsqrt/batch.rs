//! Batch forms: one call over a whole array.

use super::{rsqrt_f32, rsqrt_f32_normal, rsqrt_f64, Magic};

/// Elements checked together: a chunk of ordinary inputs skips the special-value selects.
const CHUNK: usize = 16;

/// True when every element is a positive normal finite float.
#[inline(always)]
fn all_normal(chunk: &[f32]) -> bool {
    chunk.iter().fold(true, |acc, &x| acc & (f32::MIN_POSITIVE..f32::INFINITY).contains(&x))
}

macro_rules! dispatch {
    ($magic:expr, $iterations:expr, $run:ident) => {
        match ($magic, $iterations.min(super::MAX_ITERATIONS)) {
            (Magic::Quake, 0) => $run!(Magic::Quake, 0),
            (Magic::Quake, 1) => $run!(Magic::Quake, 1),
            (Magic::Quake, 2) => $run!(Magic::Quake, 2),
            (Magic::Lomont, 0) => $run!(Magic::Lomont, 0),
            (Magic::Lomont, 1) => $run!(Magic::Lomont, 1),
            (Magic::Lomont, 2) => $run!(Magic::Lomont, 2),
            (Magic::Moroz, 0) => $run!(Magic::Moroz, 0),
            (Magic::Moroz, 1) => $run!(Magic::Moroz, 1),
            (Magic::Moroz, 2) => $run!(Magic::Moroz, 2),
            (m, it) => $run!(m, it),
        }
    };
}

/// Writes `rsqrt_f32(input[i])` to `output[i]` for every i.
///
/// # Panics
/// If the slices differ in length.
pub fn rsqrt_f32_into(input: &[f32], output: &mut [f32], magic: Magic, iterations: u32) {
    assert_eq!(input.len(), output.len(), "input and output lengths differ");
    // Dispatching on the constants lets the compiler unroll and vectorise each loop.
    macro_rules! run {
        ($m:expr, $it:expr) => {
            for (o, i) in output.chunks_mut(CHUNK).zip(input.chunks(CHUNK)) {
                if all_normal(i) {
                    for (o, &x) in o.iter_mut().zip(i) {
                        *o = rsqrt_f32_normal(x, $m, $it);
                    }
                } else {
                    for (o, &x) in o.iter_mut().zip(i) {
                        *o = rsqrt_f32(x, $m, $it);
                    }
                }
            }
        };
    }
    dispatch!(magic, iterations, run);
}

/// Replaces each element of `data` with its inverse square root.
pub fn rsqrt_f32_in_place(data: &mut [f32], magic: Magic, iterations: u32) {
    macro_rules! run {
        ($m:expr, $it:expr) => {
            for chunk in data.chunks_mut(CHUNK) {
                if all_normal(chunk) {
                    chunk.iter_mut().for_each(|x| *x = rsqrt_f32_normal(*x, $m, $it));
                } else {
                    chunk.iter_mut().for_each(|x| *x = rsqrt_f32(*x, $m, $it));
                }
            }
        };
    }
    dispatch!(magic, iterations, run);
}

/// Writes `rsqrt_f64(input[i])` to `output[i]` for every i.
///
/// # Panics
/// If the slices differ in length.
pub fn rsqrt_f64_into(input: &[f64], output: &mut [f64], magic: Magic, iterations: u32) {
    assert_eq!(input.len(), output.len(), "input and output lengths differ");
    for (o, &x) in output.iter_mut().zip(input) {
        *o = rsqrt_f64(x, magic, iterations);
    }
}

/// Replaces each element of `data` with its inverse square root.
pub fn rsqrt_f64_in_place(data: &mut [f64], magic: Magic, iterations: u32) {
    for x in data.iter_mut() {
        *x = rsqrt_f64(*x, magic, iterations);
    }
}

/// Normalises every vector of `data` in place with [`super::normalize3`].
pub fn normalize3_in_place(data: &mut [[f32; 3]], magic: Magic, iterations: u32) {
    for v in data.iter_mut() {
        *v = super::normalize3(*v, magic, iterations);
    }
}


