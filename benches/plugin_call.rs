//! Plugin-call benchmark (its harness is still to come).
fn main() {}
