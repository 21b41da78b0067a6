//! Prints the cross-language test vectors (the same lines the C, C++ and C#
//! host tests print); `cargo xtask test` checks that all four agree.

use tessera::random::{AliasTable, Prd, Rng};

fn main() {
    let mut rng = Rng::new(42);
    let values: Vec<String> = (0..8).map(|_| rng.next_u64().to_string()).collect();
    println!("VECTOR rng {}", values.join(" "));

    let weights: Vec<f64> = (1..=10).map(f64::from).collect();
    let table = AliasTable::new(&weights).expect("valid weights");
    let mut rng = Rng::new(7);
    let samples: Vec<String> = (0..32).map(|_| table.sample(&mut rng).to_string()).collect();
    println!("VECTOR alias {}", samples.join(" "));

    let mut prd = Prd::new(0.25).expect("valid probability");
    let mut rng = Rng::new(9);
    let rolls: String = (0..64).map(|_| if prd.roll(&mut rng) { '1' } else { '0' }).collect();
    println!("VECTOR prd {rolls}");
}
