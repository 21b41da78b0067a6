//! Counting passes and failures across every kind of test, for the closing line.

#[derive(Default)]
pub struct Tally {
    passed: u64,
    failed: u64,
    failures: Vec<String>,
}

impl Tally {
    /// One pass/fail step (a build, a freshness check).
    pub fn step(&mut self, name: &str, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            self.failures.push(name.to_string());
        }
    }

    /// Adds the counts of every "test result:" line of cargo test output.
    pub fn add_cargo_output(&mut self, name: &str, ok: bool, out: &str) {
        let (mut passed, mut failed) = (0, 0);
        for line in out.lines().filter(|l| l.starts_with("test result:")) {
            passed += count_before(line, " passed");
            failed += count_before(line, " failed");
        }
        self.passed += passed;
        self.failed += failed;
        if failed > 0 || !ok {
            self.failures.push(name.to_string());
            if failed == 0 {
                self.failed += 1; // a build failure or crash with no counted test
            }
        }
    }

    /// Adds a host program's own "N passed, N failed" line; a crash or a
    /// non-zero exit without failures counts as one failure.
    pub fn add_host_output(&mut self, name: &str, ok: bool, out: &str) {
        let summary = out.lines().rev().find(|l| l.contains(" passed, ") && l.trim_end().ends_with(" failed"));
        let (passed, failed) = summary.map(|l| (count_before(l, " passed"), count_before(l, " failed"))).unwrap_or((0, 0));
        self.passed += passed;
        self.failed += failed;
        if !ok || failed > 0 || summary.is_none() {
            self.failures.push(name.to_string());
            if failed == 0 {
                self.failed += 1;
            }
        }
    }

    /// Prints the closing line; true when nothing failed.
    pub fn finish(self) -> bool {
        if !self.failures.is_empty() {
            println!("failed: {}", self.failures.join("; "));
        }
        println!("{} passed, {} failed", self.passed, self.failed);
        self.failed == 0
    }
}

/// The number right before `word` in `line` ("12 passed" → 12).
fn count_before(line: &str, word: &str) -> u64 {
    line.find(word)
        .and_then(|end| line[..end].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_host_summaries() {
        let mut t = Tally::default();
        t.add_cargo_output("x", true, "test result: ok. 12 passed; 0 failed; 1 ignored\ntest result: ok. 3 passed; 0 failed;");
        t.add_host_output("c", true, "VECTOR\n310 passed, 0 failed\n");
        assert_eq!((t.passed, t.failed), (325, 0));
        t.add_host_output("crash", false, "");
        assert_eq!(t.failed, 1);
    }
}
