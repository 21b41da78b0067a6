use super::*;

fn table(anchors: &[(&str, Route)]) -> Table {
    Table {
        anchors: anchors.iter().map(|(p, r)| (*p, *r)).collect(),
        links: Vec::new(),
        by_peer: HashMap::new(),
        groups: HashSet::new(),
        migrating: HashSet::new(),
        draining: HashSet::new(),
    }
}

/// Oracle: the anchor that is the longest whole-segment prefix, by brute force.
fn brute(anchors: &[(&str, Route)], dest: &str) -> Option<Route> {
    let segments: Vec<&str> = dest.split("::").collect();
    (1..=segments.len()).rev().find_map(|k| {
        let prefix = segments[..k].join("::");
        anchors.iter().find(|(p, _)| *p == prefix).map(|(_, r)| *r)
    })
}

#[test]
fn longest_prefix_matches_brute_force() {
    let anchors = [("a", Route::Local), ("b", Route::Link(0)), ("a::x", Route::Link(1)), ("a::x::y", Route::Local), ("c::d", Route::Link(2))];
    let t = table(&anchors);
    let mut rng = crate::random::Rng::new(7);
    let parts = ["a", "b", "c", "d", "x", "y", "z"];
    for _ in 0..2000 {
        let n = 1 + rng.below(4) as usize;
        let dest: Vec<&str> = (0..n).map(|_| parts[rng.below(parts.len() as u64) as usize]).collect();
        let dest = dest.join("::");
        assert_eq!(Shared::resolve(&t, &dest), brute(&anchors, &dest), "{dest}");
    }
    // A prefix must end at a `::` boundary: `ab` does not match anchor `a`.
    assert_eq!(Shared::resolve(&t, "ab::x"), None);
}

#[test]
fn names_and_ids_are_checked() {
    assert!(check_id("zone1", "id").is_ok());
    assert!(check_id("a::b", "id").is_err());
    assert!(check_id("", "id").is_err());
    assert!(check_id(&"x".repeat(64), "id").is_err());
    assert!(check_name("a::b c", "d").is_err());
    assert!(check_name(&"x".repeat(255), "d").is_ok());
    assert!(check_name(&"x".repeat(256), "d").is_err());
    assert!(Router::new("bad id", Config::default()).is_err());
}

#[test]
fn sessions_differ_and_are_never_zero() {
    let a = new_session();
    let b = new_session();
    assert_ne!(a, b);
    assert_ne!(a & b, 0);
}
