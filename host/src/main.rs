//! The `plaza` binary; everything it does lives in the library's `cli`.

use clap::Parser;
use plaza::cli::{self, Cli};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    plaza::telemetry::init(cli.log_format);
    cli::run(cli).await
}
