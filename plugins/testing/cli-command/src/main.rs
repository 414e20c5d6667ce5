//! A test-only `wasi:cli` command. It is a valid component, but of a world
//! Plaza does not host, so an upload of it must be refused.

fn main() {
    println!("a command, not a plugin");
}
