//! The `plaza` command line: `serve`, `check`, `plugin run` and
//! `simulate`.

mod check;
mod plugin_run;
mod serve;
mod simulate;

use crate::telemetry::LogFormat;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Plaza: a WebAssembly plugin host for smart business districts.
#[derive(Debug, Parser)]
#[command(name = "plaza", version)]
pub struct Cli {
    /// How log lines are written (filter them with RUST_LOG).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t,
        env = "PLAZA_LOG_FORMAT"
    )]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve every district of a config.
    Serve {
        /// Config file.
        #[arg(long, default_value = "config/plaza.toml", env = "PLAZA_CONFIG")]
        config: PathBuf,
        /// Address to listen on, overriding `[server] listen`.
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Data folder, overriding `[storage] data_dir`.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Database URL (sqlite:// or postgres://), overriding `[storage] url`.
        #[arg(long, env = "PLAZA_DATABASE_URL")]
        database_url: Option<String>,
        /// Embedded MQTT broker address, overriding `[mqtt] listen`.
        #[arg(long)]
        mqtt_listen: Option<SocketAddr>,
    },
    /// Check a config and load every plugin, without serving.
    Check {
        /// Config file.
        #[arg(long, default_value = "config/plaza.toml", env = "PLAZA_CONFIG")]
        config: PathBuf,
    },
    /// Publish realistic device uplinks for a district to the broker.
    Simulate {
        /// Config file (devices and the broker's address).
        #[arg(long, default_value = "config/plaza.toml", env = "PLAZA_CONFIG")]
        config: PathBuf,
        /// District whose devices to simulate.
        #[arg(long)]
        district: String,
        /// Messages per second, all devices together.
        #[arg(long, default_value_t = 100)]
        rate: u32,
        /// Broker `mqtt://host:port` (default: the config's).
        #[arg(long)]
        broker: Option<String>,
        /// Stop after this many seconds.
        #[arg(long)]
        duration: Option<u64>,
        /// Stop after this many messages.
        #[arg(long)]
        count: Option<u64>,
    },
    /// Work with plugin components.
    Plugin {
        /// What to do with a plugin.
        #[command(subcommand)]
        command: PluginCommand,
    },
}

/// `plaza plugin ...`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Call a plugin offline with a JSON fixture and print the result.
    Run {
        /// The `.wasm` component.
        plugin: PathBuf,
        /// The fixture: config values and the call to make.
        #[arg(long)]
        input: PathBuf,
    },
}

/// Runs the command line; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve {
            config,
            listen,
            data_dir,
            database_url,
            mqtt_listen,
        } => {
            let options = crate::server::ServeOptions {
                config,
                listen,
                data_dir,
                database_url,
                mqtt_listen,
            };
            serve::run(options).await
        }
        Command::Check { config } => check::run(config).await,
        Command::Simulate {
            config,
            district,
            rate,
            broker,
            duration,
            count,
        } => {
            let args = simulate::SimulateArgs {
                config,
                district,
                rate,
                broker,
                duration,
                count,
            };
            simulate::run(args).await
        }
        Command::Plugin {
            command: PluginCommand::Run { plugin, input },
        } => plugin_run::run(plugin, input).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
