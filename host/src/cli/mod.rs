//! The `plaza` command line: `serve`, `check`, `simulate`, `token ...`,
//! `plugin ...` (run offline, push, activate, roll back, keygen, sign),
//! `merchant token`, `courier-sim` and `utility-sim`.

mod check;
mod courier_sim;
mod merchant;
mod plugin_run;
mod remote;
mod serve;
mod simulate;
mod token;

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
        /// Development mode: reload a plugin when its file changes.
        #[arg(long)]
        watch: bool,
    },
    /// Manage operator tokens for the admin API.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
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
    /// Work with merchants.
    Merchant {
        /// What to do for a merchant.
        #[command(subcommand)]
        command: MerchantCommand,
    },
    /// Run a simulated courier company's API (for courier-flash demos).
    CourierSim(courier_sim::CourierSimArgs),
    /// Run a simulated utility provider (water, electricity, gas bills)
    /// for the `utility-bills` plugin to call.
    UtilitySim {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9400")]
        listen: SocketAddr,
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

/// Where tokens are stored: the database of a config.
#[derive(Debug, Clone, clap::Args)]
pub struct TokenStoreArgs {
    /// Config file whose database holds the tokens.
    #[arg(long, default_value = "config/plaza.toml", env = "PLAZA_CONFIG")]
    pub config: PathBuf,
    /// Database URL, overriding `[storage] url`.
    #[arg(long, env = "PLAZA_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// `plaza token ...`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is printed once and stored only as a hash.
    Create {
        /// `city-admin` or `district-operator`.
        #[arg(long)]
        role: String,
        /// The district of a district operator.
        #[arg(long)]
        district: Option<String>,
        /// What the token is for.
        #[arg(long)]
        label: Option<String>,
        /// Where tokens are stored.
        #[command(flatten)]
        store: TokenStoreArgs,
    },
    /// List live tokens (ids and roles; never secrets).
    List {
        /// Where tokens are stored.
        #[command(flatten)]
        store: TokenStoreArgs,
    },
    /// Revoke a token by id.
    Revoke {
        /// The token's id, as `list` shows it.
        id: String,
        /// Where tokens are stored.
        #[command(flatten)]
        store: TokenStoreArgs,
    },
}

/// A plugin slot on a running server, reached through its admin API.
#[derive(Debug, Clone, clap::Args)]
pub struct RemoteArgs {
    /// The server, e.g. `http://127.0.0.1:8080`.
    #[arg(long, env = "PLAZA_SERVER")]
    pub server: String,
    /// An admin token.
    #[arg(long, env = "PLAZA_TOKEN", hide_env_values = true)]
    pub token: String,
    /// District id.
    #[arg(long)]
    pub district: String,
    /// Plugin id within the district.
    #[arg(long)]
    pub plugin: String,
}

impl From<RemoteArgs> for remote::Remote {
    fn from(a: RemoteArgs) -> Self {
        Self {
            server: a.server,
            token: a.token,
            district: a.district,
            plugin: a.plugin,
        }
    }
}

/// `plaza plugin ...`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Upload a component as a plugin's next version (verified, not yet
    /// serving).
    Push {
        /// Which plugin, on which server.
        #[command(flatten)]
        remote: RemoteArgs,
        /// Detached signature (hex) from `plaza plugin sign`.
        #[arg(long)]
        signature: Option<String>,
        /// The `.wasm` component.
        file: PathBuf,
    },
    /// Make an uploaded version serve.
    Activate {
        /// Which plugin, on which server.
        #[command(flatten)]
        remote: RemoteArgs,
        /// The version.
        #[arg(long)]
        version: i64,
        /// Approve capabilities it asks for beyond the serving version.
        #[arg(long)]
        approve: bool,
    },
    /// Go back to an earlier version (default: the one before).
    Rollback {
        /// Which plugin, on which server.
        #[command(flatten)]
        remote: RemoteArgs,
        /// The version to go back to.
        #[arg(long)]
        version: Option<i64>,
        /// Approve capabilities it asks for beyond the serving version.
        #[arg(long)]
        approve: bool,
    },
    /// Make an ed25519 key pair for signing plugins.
    Keygen,
    /// Print the detached signature of a component.
    Sign {
        /// File holding the hex secret key from `keygen`.
        #[arg(long)]
        key: PathBuf,
        /// The `.wasm` component.
        file: PathBuf,
    },
    /// Call a plugin offline with a JSON fixture and print the result.
    Run {
        /// The `.wasm` component.
        plugin: PathBuf,
        /// The fixture: config values and the call to make.
        #[arg(long)]
        input: PathBuf,
    },
}

/// Serves the simulated utility provider with its demo accounts until
/// Ctrl-C.
async fn utility_sim(listen: SocketAddr) -> anyhow::Result<()> {
    let sim = crate::services::sim_utility::SimUtility::with_demo_accounts();
    let running = sim.serve(listen).await?;
    println!("simulated utility provider on {}", running.url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// Runs the command line; the exit code says whether it worked.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Serve {
            config,
            listen,
            data_dir,
            database_url,
            watch,
            mqtt_listen,
        } => {
            let options = crate::server::ServeOptions {
                config,
                listen,
                data_dir,
                database_url,
                mqtt_listen,
            };
            serve::run(options, watch).await
        }
        Command::Token { command } => match command {
            TokenCommand::Create {
                role,
                district,
                label,
                store,
            } => token::create(store.into(), role, district, label).await,
            TokenCommand::List { store } => token::list(store.into()).await,
            TokenCommand::Revoke { id, store } => token::revoke(store.into(), id).await,
        },
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
        Command::Plugin { command } => match command {
            PluginCommand::Run { .. } => unreachable!("matched above"),
            PluginCommand::Push {
                remote,
                signature,
                file,
            } => remote::push(remote.into(), file, signature).await,
            PluginCommand::Activate {
                remote,
                version,
                approve,
            } => remote::activate(remote.into(), false, Some(version), approve).await,
            PluginCommand::Rollback {
                remote,
                version,
                approve,
            } => remote::activate(remote.into(), true, version, approve).await,
            PluginCommand::Keygen => remote::keygen(),
            PluginCommand::Sign { key, file } => remote::sign(key, file),
        },
        Command::Merchant {
            command:
                MerchantCommand::Token {
                    config,
                    database_url,
                    district,
                    merchant,
                },
        } => merchant::token(config, database_url, district, merchant).await,
        Command::CourierSim(args) => courier_sim::run(args).await,
        Command::UtilitySim { listen } => utility_sim(listen).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

impl From<TokenStoreArgs> for token::Target {
    fn from(a: TokenStoreArgs) -> Self {
        Self {
            config: a.config,
            database_url: a.database_url,
        }
    }
}
