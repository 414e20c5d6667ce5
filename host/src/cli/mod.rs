//! The `plaza` command line: `serve`, `check`, `plugin run` and
//! `merchant token`.

mod check;
mod merchant;
mod plugin_run;
mod serve;

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
    },
    /// Check a config and load every plugin, without serving.
    Check {
        /// Config file.
        #[arg(long, default_value = "config/plaza.toml", env = "PLAZA_CONFIG")]
        config: PathBuf,
    },
    /// Work with plugin components.
    Plugin {
        /// What to do with a plugin.
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Work with merchants.
    Merchant {
        /// What to do for a merchant.
        #[command(subcommand)]
        command: MerchantCommand,
    },
}

/// `plaza merchant ...`
#[derive(Debug, Subcommand)]
pub enum MerchantCommand {
    /// Create a token a merchant uses for `/api/v1/merchant/...`; it is
    /// printed once and only its hash is stored.
    Token {
        /// Config file.
        #[arg(long, default_value = "config/plaza.toml", env = "PLAZA_CONFIG")]
        config: PathBuf,
        /// Database URL, overriding `[storage] url`.
        #[arg(long, env = "PLAZA_DATABASE_URL")]
        database_url: Option<String>,
        /// District id.
        #[arg(long)]
        district: String,
        /// Merchant id.
        #[arg(long)]
        merchant: String,
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
        } => {
            let options = crate::server::ServeOptions {
                config,
                listen,
                data_dir,
                database_url,
            };
            serve::run(options).await
        }
        Command::Check { config } => check::run(config).await,
        Command::Plugin {
            command: PluginCommand::Run { plugin, input },
        } => plugin_run::run(plugin, input).await,
        Command::Merchant {
            command:
                MerchantCommand::Token {
                    config,
                    database_url,
                    district,
                    merchant,
                },
        } => merchant::token(config, database_url, district, merchant).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
