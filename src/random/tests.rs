use super::*;

/// Upper critical value of chi-square with `df` degrees of freedom at a
/// one-sided significance of about 1e-4 (Wilson–Hilferty, z = 3.719).
fn chi2_critical(df: f64) -> f64 {
    let z = 3.719;
    df * (1.0 - 2.0 / (9.0 * df) + z * (2.0 / (9.0 * df)).sqrt()).powi(3)
}

/// Chi-square statistic of `counts` against probabilities `p`, over bins
/// whose expected count is at least 5 (the rest are pooled into one bin).
fn chi2(counts: &[u64], p: &[f64], total: u64) -> (f64, f64) {
    let (mut stat, mut df) = (0.0, -1.0);
    let (mut pooled_obs, mut pooled_exp) = (0.0, 0.0);
    for (&c, &pi) in counts.iter().zip(p) {
        let expected = pi * total as f64;
        if expected >= 5.0 {
            stat += (c as f64 - expected).powi(2) / expected;
            df += 1.0;
        } else {
            pooled_obs += c as f64;
            pooled_exp += expected;
        }
    }
    if pooled_exp >= 5.0 {
        stat += (pooled_obs - pooled_exp).powi(2) / pooled_exp;
        df += 1.0;
    }
    (stat, df)
}

fn normalised(weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    weights.iter().map(|w| w / sum).collect()
}

fn check_fit(weights: &[f64], samples: u64, seed: u64) {
    let p = normalised(weights);
    let alias = AliasTable::new(weights).unwrap();
    let cdf = CdfSampler::new(weights).unwrap();
    type Sampler<'a> = (&'a str, &'a dyn Fn(&mut Rng) -> u32);
    let samplers: [Sampler; 2] = [("alias", &|r| alias.sample(r)), ("cdf", &|r| cdf.sample(r))];
    for (name, sampler) in samplers {
        let mut rng = Rng::new(seed);
        let mut counts = vec![0u64; weights.len()];
        for _ in 0..samples {
            counts[sampler(&mut rng) as usize] += 1;
        }
        for (i, &w) in weights.iter().enumerate() {
            if w == 0.0 {
                assert_eq!(counts[i], 0, "{name}: zero-weight category {i} sampled");
            }
        }
        let (stat, df) = chi2(&counts, &p, samples);
        assert!(stat < chi2_critical(df), "{name}: chi2 {stat} with {df} df (critical {})", chi2_critical(df));
    }
}

#[test]
fn splitmix64_matches_the_published_sequence() {
    // Reference outputs for seed 1234567 (Vigna's splitmix64.c).
    let mut state = 1_234_567u64;
    let expected = [6457827717110365317u64, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
    for e in expected {
        assert_eq!(rng::splitmix64(&mut state), e);
    }
}

#[test]
fn below_is_uniform_and_in_range() {
    let mut rng = Rng::new(11);
    let bound = 7u64;
    let mut counts = vec![0u64; bound as usize];
    for _ in 0..700_000 {
        counts[rng.below(bound) as usize] += 1;
    }
    let (stat, df) = chi2(&counts, &[1.0 / 7.0; 7], 700_000);
    assert!(stat < chi2_critical(df), "{stat}");
    assert_eq!(rng.below(0), 0);
    assert!((0..10_000).all(|_| rng.below(u64::MAX) < u64::MAX));
}

#[test]
fn floats_are_in_the_unit_interval_with_the_right_mean() {
    let mut rng = Rng::new(5);
    let n = 1_000_000;
    let (mut s32, mut s64) = (0.0f64, 0.0f64);
    for _ in 0..n {
        let (a, b) = (rng.next_f32(), rng.next_f64());
        assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b));
        s32 += f64::from(a);
        s64 += b;
    }
    // Standard error of the mean of U(0,1) is sqrt(1/12/n) ≈ 2.9e-4.
    assert!((s32 / n as f64 - 0.5).abs() < 1.5e-3);
    assert!((s64 / n as f64 - 0.5).abs() < 1.5e-3);
}

#[test]
fn jump_gives_a_different_stream_and_state_round_trips() {
    let base = Rng::new(9);
    let mut jumped = base.clone();
    jumped.jump();
    assert_ne!(base.state(), jumped.state());
    let mut copy = Rng::from_state(jumped.state()).unwrap();
    assert_eq!(copy.next_u64(), jumped.next_u64());
    assert!(Rng::from_state([0; 4]).is_none());
}

#[test]
fn uniform_weights_fit() {
    check_fit(&[1.0; 10], 1_000_000, 1);
}

#[test]
fn skewed_weights_with_a_tiny_one_fit() {
    let mut weights: Vec<f64> = (1..=50).map(|i| f64::from(i).powi(3)).collect();
    weights.push(1e-6);
    weights.push(0.0);
    check_fit(&weights, 2_000_000, 2);
}

#[test]
fn a_million_categories_fit() {
    let weights: Vec<f64> = (0..1_000_000u32).map(|i| f64::from(i % 997 + 1)).collect();
    let p = normalised(&weights);
    let table = AliasTable::new(&weights).unwrap();
    // Exact: every category's probability is within the 2^-32 bucket resolution.
    for (got, want) in table.probabilities().iter().zip(&p) {
        assert!((got - want).abs() < 1e-9 / weights.len() as f64 + 1e-15, "{got} vs {want}");
    }
    // Statistical: 10M samples grouped into 1000 blocks of 1000 categories.
    let mut rng = Rng::new(3);
    let mut blocks = vec![0u64; 1000];
    let samples = 10_000_000u64;
    for _ in 0..samples {
        blocks[table.sample(&mut rng) as usize / 1000] += 1;
    }
    let block_p: Vec<f64> = p.chunks(1000).map(|c| c.iter().sum()).collect();
    let (stat, df) = chi2(&blocks, &block_p, samples);
    assert!(stat < chi2_critical(df), "{stat} {df}");
}

#[test]
fn exact_probabilities_match_weights() {
    let weights = [0.5, 0.0, 1e-6, 3.0, 3.0, 7.25, 1e300, 2e300];
    let sum: f64 = weights.iter().sum();
    let table = AliasTable::new(&weights).unwrap();
    for (got, w) in table.probabilities().iter().zip(weights) {
        assert!((got - w / sum).abs() < 2.0 / 4_294_967_296.0, "{got} vs {}", w / sum);
    }
}

#[test]
fn bad_weights_are_rejected() {
    assert_eq!(AliasTable::new(&[]).unwrap_err(), WeightError::Empty);
    assert_eq!(AliasTable::new(&[1.0, -1.0]).unwrap_err(), WeightError::Negative { index: 1, value: -1.0 });
    assert!(matches!(AliasTable::new(&[f64::NAN]).unwrap_err(), WeightError::NotFinite { index: 0, .. }));
    assert!(matches!(CdfSampler::new(&[1.0, f64::INFINITY]).unwrap_err(), WeightError::NotFinite { index: 1, .. }));
    assert_eq!(AliasTable::new(&[0.0, 0.0]).unwrap_err(), WeightError::AllZero);
    assert_eq!(AliasTable::new(&[f64::MAX, f64::MAX]).unwrap_err(), WeightError::SumOverflow);
    assert_eq!(CdfSampler::new(&[f64::MAX, f64::MAX]).unwrap_err(), WeightError::SumOverflow);
}

#[test]
fn prd_constants_match_the_reference_table() {
    let table = [(0.05, 0.00380, 5e-6), (0.10, 0.01475, 5e-6), (0.20, 0.05570, 5e-6), (0.25, 0.0847, 5e-5), (0.30, 0.11895, 5e-6), (0.50, 0.30210, 5e-6)];
    for (p, c, tol) in table {
        let got = prd_c_from_p(p).unwrap();
        assert!((got - c).abs() <= tol, "P={p}: C={got}, table says {c}");
        assert!((prd_p_from_c(got) - p).abs() < 1e-12);
    }
    assert_eq!(prd_c_from_p(1.0).unwrap(), 1.0);
}

#[test]
fn prd_frequency_equals_nominal_probability() {
    let mut rng = Rng::new(77);
    let n = 1_000_000u32;
    for p in [0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 0.9] {
        let mut prd = Prd::new(p).unwrap();
        let hits = (0..n).filter(|_| prd.roll(&mut rng)).count();
        let freq = hits as f64 / f64::from(n);
        // PRD has less variance than Bernoulli(p); 5 Bernoulli sigmas is a safe bound.
        let tol = 5.0 * (p * (1.0 - p) / f64::from(n)).sqrt();
        assert!((freq - p).abs() < tol, "p={p}: observed {freq}");
    }
}

#[test]
fn prd_rejects_probabilities_outside_the_unit_interval() {
    for p in [0.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
        assert!(matches!(Prd::new(p), Err(WeightError::Probability(_))), "{p}");
    }
}
