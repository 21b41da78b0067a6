use super::accuracy::{measure_f32, measure_f64};
use super::*;

#[test]
fn quake_one_iteration_matches_the_published_bound() {
    // Lomont 2003 and others report a maximum relative error of about 1.75e-3.
    let s = measure_f32(Magic::Quake, 1);
    assert!(s.max_rel > 1.70e-3 && s.max_rel < 1.80e-3, "{s:?}");
    assert_eq!(s.samples, 1 << 24);
}

#[test]
fn moroz_and_lomont_beat_quake_after_one_step() {
    let quake = measure_f32(Magic::Quake, 1).max_rel;
    let lomont = measure_f32(Magic::Lomont, 1).max_rel;
    let moroz = measure_f32(Magic::Moroz, 1).max_rel;
    // Moroz et al. 2018 report 6.50e-4 for their one-step variant.
    assert!(moroz < 6.6e-4 && moroz > 6.3e-4, "{moroz}");
    assert!(lomont < quake, "{lomont} vs {quake}");
}

#[test]
fn every_extra_iteration_reduces_the_error_until_f32_rounding() {
    for magic in Magic::ALL {
        let e: Vec<f64> = (0..=3).map(|it| measure_f32(magic, it).max_rel).collect();
        assert!(e[1] < e[0] / 10.0 && e[2] < e[1] / 10.0, "{magic:?} {e:?}");
        // Past two steps, f32 rounding (~6e-8 relative per op) dominates.
        assert!(e[3] < 1e-6, "{magic:?} {e:?}");
    }
}

#[test]
fn f64_variants_converge_to_double_precision() {
    for magic in Magic::ALL {
        let s1 = measure_f64(magic, 1, 1 << 16).max_rel;
        let s4 = measure_f64(magic, 4, 1 << 16).max_rel;
        assert!(s1 < 2e-3, "{magic:?} {s1}");
        assert!(s4 < 1e-15, "{magic:?} {s4}");
    }
}

#[test]
fn error_repeats_with_period_four() {
    for bits in (1.0f32.to_bits()..4.0f32.to_bits()).step_by(9973) {
        let x = f32::from_bits(bits);
        for magic in Magic::ALL {
            for k in [-40i32, -3, 5, 30] {
                let scaled = x * 4f32.powi(k);
                let expect = rsqrt_f32(x, magic, 2) / 2f32.powi(k);
                assert_eq!(rsqrt_f32(scaled, magic, 2), expect, "{x} * 4^{k}");
            }
        }
    }
}

#[test]
fn special_inputs_follow_ieee_inverse_sqrt() {
    for magic in Magic::ALL {
        assert_eq!(rsqrt_f32(0.0, magic, 1), f32::INFINITY);
        assert_eq!(rsqrt_f32(-0.0, magic, 1), f32::NEG_INFINITY);
        assert!(rsqrt_f32(-2.0, magic, 1).is_nan());
        assert!(rsqrt_f32(f32::NAN, magic, 1).is_nan());
        assert!(rsqrt_f32(f32::NEG_INFINITY, magic, 1).is_nan());
        assert_eq!(rsqrt_f32(f32::INFINITY, magic, 1), 0.0);
        assert_eq!(rsqrt_f64(0.0, magic, 1), f64::INFINITY);
        assert!(rsqrt_f64(-1.0, magic, 1).is_nan());
        assert_eq!(rsqrt_f64(f64::INFINITY, magic, 1), 0.0);
    }
}

#[test]
fn subnormals_get_the_normal_relative_error() {
    let bound = measure_f32(Magic::Quake, 1).max_rel;
    for bits in (1u32..0x0080_0000).step_by(7919) {
        let x = f32::from_bits(bits);
        assert!(x.is_subnormal());
        let exact = 1.0 / f64::from(x).sqrt();
        let rel = ((f64::from(rsqrt_f32(x, Magic::Quake, 1)) - exact) / exact).abs();
        assert!(rel <= bound * 1.0001, "{x:e}: {rel}");
    }
    let x = f64::from_bits(12345);
    let rel = (rsqrt_f64(x, Magic::Lomont, 4) * x.sqrt() - 1.0).abs();
    assert!(rel < 1e-15, "{rel}");
}

#[test]
fn batch_forms_equal_the_scalar_form() {
    let input: Vec<f32> = (0..1000).map(|i| i as f32 * 0.37 - 20.0).chain([f32::NAN, f32::INFINITY, 1e-40]).collect();
    for magic in Magic::ALL {
        for it in 0..=4 {
            let mut out = vec![0.0; input.len()];
            rsqrt_f32_into(&input, &mut out, magic, it);
            let mut in_place = input.clone();
            rsqrt_f32_in_place(&mut in_place, magic, it);
            for (i, &x) in input.iter().enumerate() {
                let expect = rsqrt_f32(x, magic, it);
                assert!(out[i].to_bits() == expect.to_bits(), "{x}");
                assert!(in_place[i].to_bits() == expect.to_bits(), "{x}");
            }
        }
    }
}

#[test]
fn normalising_keeps_direction_to_rounding() {
    let (angle, length) = accuracy::measure_normalize(Magic::Quake, 1, 20_000);
    // Every component is scaled by the same factor, so only rounding turns it.
    assert!(angle < 1e-4, "{angle}");
    // The length is off by the rsqrt error itself.
    assert!(length < 1.8e-3 && length > 1e-4, "{length}");
}
