//! The plugin-call benchmark; its measurements are not written yet.

fn main() {}
