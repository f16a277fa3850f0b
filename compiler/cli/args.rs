//! The command line's shape: subcommands, flags and their help, for clap, the shell
//! completions and the man page alike.
//!
//! One meaning per flag, the same in every subcommand: `--manifest-format` chooses the format
//! of manifests, `--message-format` that of diagnostics (as cargo's `--message-format` beside
//! its output options). `--format`, which meant one in `compile` and the other in `lint`, is
//! still read, hidden, with a warning ([`LegacyFormat`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand, ValueEnum, ValueHint};
use kstep::driver::InputFormat;
use kstep::emit::Format;
use kstep::import::{SecretsMode, StepFormat};
use kstep::template::VarOptions;

#[derive(Parser)]
#[command(
    name = "kstep",
    version,
    about = "Compile Kubernetes deployment steps into checked manifests",
    after_help = "Defaults for a run (output directory, manifest format, environment) may be \
                  set in the [compile] table of the kstep.toml nearest the current directory; \
                  flags win over it."
)]
pub(crate) struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub(crate) color: Color,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

/// How diagnostics are written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MessageFormat {
    /// For people, on standard error.
    Human,
    /// One JSON object per diagnostic and line.
    Json,
    /// A SARIF 2.1.0 log, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// The words the old `--format` took, in `compile` (manifests) or `lint` (diagnostics).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LegacyFormat {
    Yaml,
    Json,
    Human,
    Sarif,
    Github,
}

impl LegacyFormat {
    pub(crate) fn word(self) -> &'static str {
        match self {
            LegacyFormat::Yaml => "yaml",
            LegacyFormat::Json => "json",
            LegacyFormat::Human => "human",
            LegacyFormat::Sarif => "sarif",
            LegacyFormat::Github => "github",
        }
    }

    /// As a message format, if it is one.
    pub(crate) fn message_format(self) -> Option<MessageFormat> {
        match self {
            LegacyFormat::Yaml => None,
            LegacyFormat::Json => Some(MessageFormat::Json),
            LegacyFormat::Human => Some(MessageFormat::Human),
            LegacyFormat::Sarif => Some(MessageFormat::Sarif),
            LegacyFormat::Github => Some(MessageFormat::Github),
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Check step files and write their manifests and deploy scripts.
    Compile(Deferred<CompileArgs>),
    /// Check step files against everything `compile` checks and best-practice rules; write
    /// nothing.
    Lint(Deferred<LintArgs>),
    /// Show a step's variables: their values and where each one comes from.
    Vars(Deferred<VarsArgs>),
    /// Turn Kubernetes manifests into step files: one per Deployment, with its Services,
    /// Ingresses, ConfigMaps and Secrets.
    Import(Deferred<ImportArgs>),
    /// Print the JSON Schema of step files (for editors: see docs/editors.md).
    Schema,
    /// Explain a diagnostic code: what it means, why it matters and how to fix it.
    Explain(Deferred<ExplainArgs>),
    /// Run the language server on standard input and output, for editors: diagnostics as
    /// you type, hover, completion, fixes, navigation and an outline (see docs/editors.md).
    Lsp,
    /// Print a completion script for a shell.
    #[command(
        after_help = "Install it where your shell looks for completions, e.g.\n  \
        kstep completions bash > ~/.local/share/bash-completion/completions/kstep\n  \
        kstep completions zsh > ~/.zfunc/_kstep\n  \
        kstep completions fish > ~/.config/fish/completions/kstep.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print kstep's man page (roff), or write one page per command into a directory.
    Man {
        /// Write kstep.1 and kstep-<command>.1 for every command into DIR.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

/// A subcommand's arguments, defined only once that subcommand is chosen. clap otherwise
/// builds every subcommand's arguments, with their help, before it parses (about 60 µs, a
/// twentieth of a one-step compile). Help, completions and man pages build them all, as
/// before.
pub(crate) struct Deferred<T>(pub(crate) T);

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(
        &mut self,
        matches: &mut clap::ArgMatches,
    ) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: clap::Args> clap::Args for Deferred<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }

    fn augment_args(command: clap::Command) -> clap::Command {
        if IN_FULL.load(Ordering::Relaxed) {
            return T::augment_args(command);
        }
        command.defer(|command| keep_about(command, T::augment_args))
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        if IN_FULL.load(Ordering::Relaxed) {
            return T::augment_args_for_update(command);
        }
        command.defer(|command| keep_about(command, T::augment_args_for_update))
    }
}

/// Whether [`Deferred`] defines its arguments at once: see [`command_in_full`].
static IN_FULL: AtomicBool = AtomicBool::new(false);

/// The whole command line with no part of it deferred, for completions and man pages: the
/// global `--color` is then listed after each subcommand's own flags, not before them.
pub(crate) fn command_in_full() -> clap::Command {
    IN_FULL.store(true, Ordering::Relaxed);
    <Cli as clap::CommandFactory>::command()
}

/// `augment` applied to `command`, which keeps the description it had: the subcommand's (a
/// derived `augment_args` sets that of its struct, which clap sets before the subcommand's
/// when nothing is deferred).
fn keep_about(
    command: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    let about = command.get_about().cloned();
    let long_about = command.get_long_about().cloned();
    let mut command = augment(command);
    if let Some(about) = about {
        command = command.about(about);
    }
    if let Some(long_about) = long_about {
        command = command.long_about(long_about);
    }
    command
}

/// `kstep import`.
#[derive(clap::Args)]
pub(crate) struct ImportArgs {
    /// Manifest files: YAML (several documents) or JSON; `-` reads standard input
    /// (`helm template app ./chart | kstep import -`).
    #[arg(required = true, value_name = "MANIFEST", value_hint = ValueHint::FilePath)]
    pub(crate) manifests: Vec<PathBuf>,
    /// Where to write the step files (`<step-id>.toml`).
    #[arg(short, long, value_name = "DIR", default_value = ".", value_hint = ValueHint::DirPath)]
    pub(crate) output: PathBuf,
    /// The language of the step files.
    #[arg(long, value_enum, default_value_t = StepFormat::Toml)]
    pub(crate) to: StepFormat,
    /// Secrets: keep them references, or make those one step uses its own, values included.
    #[arg(long, value_enum, default_value_t = SecretsMode::Reference)]
    pub(crate) secrets: SecretsMode,
    /// Make every field that only a patch can carry an error.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Replace step files that exist.
    #[arg(long)]
    pub(crate) force: bool,
    /// How to write diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub(crate) message_format: MessageFormat,
}

/// The step files of `compile` and `lint`.
#[derive(clap::Args)]
pub(crate) struct StepArgs {
    /// Step files (.toml, .yaml or .yml), directories (every step file below them, in sorted
    /// order), or `-` to read one step from standard input.
    #[arg(required = true, value_name = "STEP", value_hint = ValueHint::AnyPath)]
    pub(crate) steps: Vec<PathBuf>,
    /// The language of a step read from standard input; by default, the one it parses as.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) input_format: Option<InputFormat>,
}

/// Where templates get their variables. Precedence, highest first: --var, KSTEP_VAR_* in the
/// environment, vars files, the step's `[env.NAME.vars]`, its `[vars]`.
#[derive(clap::Args)]
pub(crate) struct VarArgs {
    /// Use the step's `[env.NAME.vars]`; templates see NAME as `env` [default: `[compile] env`
    /// of kstep.toml].
    #[arg(long = "env", value_name = "NAME")]
    pub(crate) environment: Option<String>,
    /// Read variables from a TOML, YAML or JSON file (repeatable; later files win).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) vars_file: Vec<PathBuf>,
    /// Like --vars-file, and every value in the file is sensitive: never shown, and only
    /// allowed in Secrets.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub(crate) sensitive_vars_file: Vec<PathBuf>,
    /// Set a variable a step declares (repeatable); the value is a string. Beats
    /// KSTEP_VAR_<KEY> in the environment, which beats vars files.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub(crate) assignments: Vec<String>,
}

impl VarArgs {
    pub(crate) fn options(self) -> VarOptions {
        VarOptions {
            environment: self.environment,
            files: self.vars_file,
            sensitive_files: self.sensitive_vars_file,
            assignments: self.assignments,
            process_env: std::env::vars_os()
                .filter(|(key, _)| key.to_string_lossy().starts_with("KSTEP_"))
                .collect(),
        }
    }
}

#[derive(clap::Args)]
pub(crate) struct CompileArgs {
    #[command(flatten)]
    pub(crate) steps: StepArgs,
    /// Output directory; each step is written to DIR/<step-id>/ [default: `[compile] output`
    /// of kstep.toml, else dist].
    #[arg(short, long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub(crate) output: Option<PathBuf>,
    /// Print all manifests to standard output instead of writing files.
    #[arg(long, conflicts_with_all = ["output", "check"])]
    pub(crate) stdout: bool,
    /// Compare with what DIR already holds: print the differences and exit 1 if there are
    /// any. Writes nothing.
    #[arg(long)]
    pub(crate) check: bool,
    /// The format of the manifests [default: `[compile] manifest_format` of kstep.toml, else
    /// yaml].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) manifest_format: Option<Format>,
    /// How to write diagnostics (machine formats go to standard output, or to standard
    /// error with --stdout or --check).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    pub(crate) message_format: MessageFormat,
    /// Renamed: --manifest-format (yaml, json) or --message-format (human, sarif, github).
    #[arg(long, value_enum, hide = true, conflicts_with_all = ["manifest_format", "message_format"])]
    pub(crate) format: Option<LegacyFormat>,
    /// Deployment strategy, overriding the step's.
    #[arg(long, value_name = "NAME", value_parser = ["recreate", "rolling-update", "blue-green", "on-delete"])]
    pub(crate) strategy: Option<String>,
    /// Name this deployment (a CI build number or commit); default: a hash of the output.
    #[arg(long, value_name = "ID")]
    pub(crate) deployment_id: Option<String>,
    /// Show Secret values in --stdout output and --check differences (masked by default).
    #[arg(long)]
    pub(crate) show_secrets: bool,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

#[derive(clap::Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    pub(crate) steps: StepArgs,
    /// How to write diagnostics (machine formats go to standard output).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    pub(crate) message_format: MessageFormat,
    /// Renamed: --message-format.
    #[arg(long, value_enum, hide = true, conflicts_with = "message_format")]
    pub(crate) format: Option<LegacyFormat>,
    /// `--deny warnings`: report every warning as an error.
    #[arg(long, value_name = "WHAT", value_parser = ["warnings"])]
    pub(crate) deny: Option<String>,
    /// Lint as if deploying with this strategy (rules such as `single-replica` depend on it).
    #[arg(long, value_name = "NAME", value_parser = ["recreate", "rolling-update", "blue-green", "on-delete"])]
    pub(crate) strategy: Option<String>,
    /// Lint as if deploying with this deployment id.
    #[arg(long, value_name = "ID")]
    pub(crate) deployment_id: Option<String>,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

#[derive(clap::Args)]
pub(crate) struct VarsArgs {
    /// The step file, or `-` for standard input.
    #[arg(value_name = "STEP", value_hint = ValueHint::FilePath)]
    pub(crate) step: PathBuf,
    /// The language of a step read from standard input; by default, the one it parses as.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) input_format: Option<InputFormat>,
    /// How to write diagnostics (to standard error: the variables take standard output).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    pub(crate) message_format: MessageFormat,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

#[derive(clap::Args)]
pub(crate) struct ExplainArgs {
    /// The code, as shown on a diagnostic's first line (`kstep::unknown-field` or
    /// `unknown-field`).
    #[arg(value_name = "CODE", required_unless_present = "list")]
    pub(crate) code: Option<String>,
    /// List every code with its summary: errors, warnings and lint rules.
    #[arg(long, conflicts_with = "code")]
    pub(crate) list: bool,
}
