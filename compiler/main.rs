//! The `kstep` command line. Parsing arguments, rendering diagnostics and exit codes only;
//! the work is in the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kstep::diagnostic::{Code, Renderer, Severity, Style, formats};
use kstep::driver::{self, CompileOptions, ImportArgs, LintOptions, Outcome, OutputMode, Status};
use kstep::emit::Format;
use kstep::import::{ImportOptions, SecretsMode, StepFormat};
use kstep::template::VarOptions;

#[derive(Parser)]
#[command(
    name = "kstep",
    version,
    about = "Compile Kubernetes deployment steps into checked manifests"
)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// How diagnostics are written.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    /// For people, on standard error.
    Human,
    /// One JSON object per diagnostic and line.
    Json,
    /// A SARIF 2.1.0 log, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Check step files and write their manifests and deploy scripts.
    Compile(CompileArgs),
    /// Check step files against everything `compile` checks and best-practice rules; write
    /// nothing.
    Lint(LintArgs),
    /// Show a step's variables: their values and where each one comes from.
    Vars(VarsArgs),
    /// Turn Kubernetes manifests into step files: one per Deployment, with its Services,
    /// Ingresses, ConfigMaps and Secrets.
    Import(ImportCliArgs),
    /// Print the JSON Schema of step files (for editors: see docs/editors.md).
    Schema,
    /// Explain a diagnostic code: what it means, why it matters and how to fix it.
    Explain {
        /// The code, as shown on a diagnostic's first line (`kstep::unknown-field` or
        /// `unknown-field`).
        #[arg(value_name = "CODE")]
        code: String,
    },
}

/// Where templates get their variables; later options win over earlier ones.
#[derive(clap::Args)]
struct VarArgs {
    /// Use the step's `[env.NAME.vars]`; templates see NAME as `env`.
    #[arg(long = "env", value_name = "NAME")]
    environment: Option<String>,
    /// Read variables from a TOML, YAML or JSON file (repeatable; later files win).
    #[arg(long, value_name = "FILE")]
    vars_file: Vec<PathBuf>,
    /// Like --vars-file, and every value in the file is sensitive: never shown, and only
    /// allowed in Secrets.
    #[arg(long, value_name = "FILE")]
    sensitive_vars_file: Vec<PathBuf>,
    /// Set a variable (repeatable); the value is a string. Beats vars files; only
    /// KSTEP_VAR_<KEY> and KSTEP_SENSITIVE_VAR_<KEY> in the environment beat it.
    #[arg(long = "var", value_name = "KEY=VALUE")]
    assignments: Vec<String>,
}

impl VarArgs {
    fn options(self) -> VarOptions {
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
struct CompileArgs {
    /// Step files (.toml, .yaml or .yml).
    #[arg(required = true, value_name = "STEP")]
    steps: Vec<PathBuf>,
    /// Output directory; each step is written to DIR/<step-id>/.
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    output: PathBuf,
    /// Print all manifests to standard output instead of writing files.
    #[arg(long, conflicts_with_all = ["output", "check"])]
    stdout: bool,
    /// Compare with what DIR already holds: print the differences and exit 1 if there are
    /// any. Writes nothing.
    #[arg(long)]
    check: bool,
    /// Manifest format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// How to write diagnostics (machine formats go to standard output, or to standard
    /// error with --stdout or --check).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Deployment strategy, overriding the step's.
    #[arg(long, value_name = "NAME", value_parser = ["recreate", "rolling-update", "blue-green"])]
    strategy: Option<String>,
    /// Name this deployment (a CI build number or commit); default: a hash of the output.
    #[arg(long, value_name = "ID")]
    deployment_id: Option<String>,
    /// Show Secret values in --stdout output and --check differences (masked by default).
    #[arg(long)]
    show_secrets: bool,
    #[command(flatten)]
    vars: VarArgs,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Step files (.toml, .yaml or .yml).
    #[arg(required = true, value_name = "STEP")]
    steps: Vec<PathBuf>,
    /// How to write diagnostics (machine formats go to standard output).
    #[arg(long, visible_alias = "message-format", value_enum, default_value_t = MessageFormat::Human)]
    format: MessageFormat,
    /// `--deny warnings`: report every warning as an error.
    #[arg(long, value_name = "WHAT", value_parser = ["warnings"])]
    deny: Option<String>,
    /// Lint as if deploying with this strategy (rules such as `single-replica` depend on it).
    #[arg(long, value_name = "NAME", value_parser = ["recreate", "rolling-update", "blue-green"])]
    strategy: Option<String>,
    /// Lint as if deploying with this deployment id.
    #[arg(long, value_name = "ID")]
    deployment_id: Option<String>,
    #[command(flatten)]
    vars: VarArgs,
}

#[derive(clap::Args)]
struct ImportCliArgs {
    /// Manifest files: YAML (several documents) or JSON; `-` reads standard input
    /// (`helm template app ./chart | kstep import -`).
    #[arg(required = true, value_name = "MANIFEST")]
    manifests: Vec<PathBuf>,
    /// Where to write the step files (`<step-id>.toml`).
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    output: PathBuf,
    /// The language of the step files.
    #[arg(long, value_enum, default_value_t = StepFormat::Toml)]
    to: StepFormat,
    /// Secrets: keep them references, or make those one step uses its own, values included.
    #[arg(long, value_enum, default_value_t = SecretsMode::Reference)]
    secrets: SecretsMode,
    /// Make every field that only a patch can carry an error.
    #[arg(long)]
    strict: bool,
    /// Replace step files that exist.
    #[arg(long)]
    force: bool,
    /// How to write diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

#[derive(clap::Args)]
struct VarsArgs {
    /// The step file.
    #[arg(value_name = "STEP")]
    step: PathBuf,
    #[command(flatten)]
    vars: VarArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let renderer = Renderer::new(style(cli.color));
    match cli.command {
        Command::Compile(args) => compile(args, &renderer),
        Command::Lint(args) => lint(args, &renderer),
        Command::Vars(args) => {
            let outcome = driver::vars(&args.step, &args.vars.options());
            report(&outcome, &renderer, MessageFormat::Human, false, "");
            finish(&outcome)
        }
        Command::Import(args) => import(args, &renderer),
        Command::Schema => print(&kstep::schema::text()),
        Command::Explain { code } => explain(&code),
    }
}

/// Prints a code's page, or says which codes are close to an unknown one (exit code 2, as
/// for other command-line mistakes).
fn explain(name: &str) -> ExitCode {
    if let Some(code) = Code::from_name(name) {
        return print(code.explanation());
    }
    let wanted = name.strip_prefix("kstep::").unwrap_or(name);
    let mut message = format!("kstep: no diagnostic code `{wanted}`");
    let close: Vec<String> = Code::suggest(wanted)
        .iter()
        .map(|c| format!("`{}`", c.name()))
        .collect();
    match close.as_slice() {
        [] => message.push_str("; docs/diagnostics/README.md lists them all"),
        [one] => message.push_str(&format!("; did you mean {one}?")),
        [init @ .., last] => {
            message.push_str(&format!("; did you mean {} or {last}?", init.join(", ")));
        }
    }
    let _ = writeln!(std::io::stderr(), "{message}");
    ExitCode::from(2)
}

/// Writes `text` to standard output: exit code 0, or 2 if it cannot be written (a closed pipe).
fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn compile(args: CompileArgs, renderer: &Renderer) -> ExitCode {
    let output = args.output.clone();
    let mode = if args.stdout {
        OutputMode::Stdout
    } else if args.check {
        OutputMode::Check
    } else {
        OutputMode::Write
    };
    let outcome = driver::compile(&CompileOptions {
        inputs: args.steps,
        out_dir: args.output,
        output: mode,
        format: args.format,
        strategy: args.strategy,
        deployment_id: args.deployment_id,
        show_secrets: args.show_secrets,
        vars: args.vars.options(),
    });
    // Manifests on standard output push machine-readable diagnostics to standard error.
    let on_stderr = args.stdout || args.check;
    report(
        &outcome,
        renderer,
        args.message_format,
        on_stderr,
        "; nothing was written",
    );
    let code = finish(&outcome);
    let mut stderr = std::io::stderr().lock();
    match outcome.written.as_slice() {
        [] => {}
        [id] => {
            let _ = writeln!(stderr, "kstep: wrote {}", output.join(id).display());
        }
        ids => {
            let _ = writeln!(
                stderr,
                "kstep: wrote {} steps to {}",
                ids.len(),
                output.display()
            );
        }
    }
    code
}

fn import(args: ImportCliArgs, renderer: &Renderer) -> ExitCode {
    let outcome = driver::import(&ImportArgs {
        inputs: args.manifests,
        out_dir: args.output.clone(),
        options: ImportOptions {
            format: args.to,
            secrets: args.secrets,
            strict: args.strict,
        },
        force: args.force,
    });
    report(
        &outcome,
        renderer,
        args.message_format,
        false,
        "; nothing was written",
    );
    let code = finish(&outcome);
    let mut stderr = std::io::stderr().lock();
    for file in &outcome.written {
        let _ = writeln!(stderr, "kstep: wrote {}", args.output.join(file).display());
    }
    code
}

fn lint(args: LintArgs, renderer: &Renderer) -> ExitCode {
    let steps = args.steps.len();
    let linted = driver::lint(&LintOptions {
        inputs: args.steps,
        strategy: args.strategy,
        deployment_id: args.deployment_id,
        vars: args.vars.options(),
        deny_warnings: args.deny.is_some(),
    });
    let outcome = &linted.outcome;
    let consequence = if linted.rules_ran {
        ""
    } else {
        "; the lint rules run once the errors are fixed"
    };
    report(outcome, renderer, args.format, false, consequence);
    if args.format == MessageFormat::Human && outcome.diagnostics.is_empty() {
        let files = if steps == 1 {
            "step file"
        } else {
            "step files"
        };
        let _ = writeln!(
            std::io::stderr(),
            "kstep: {steps} {files} linted: no problems"
        );
    }
    finish(outcome)
}

/// Writes the diagnostics: for people on standard error with a summary line when there are
/// errors (`consequence` says what an error means for the command); for machines on
/// standard output, or standard error when `on_stderr`.
fn report(
    outcome: &Outcome,
    renderer: &Renderer,
    format: MessageFormat,
    on_stderr: bool,
    consequence: &str,
) {
    let diagnostics = &outcome.diagnostics;
    let machine = match format {
        MessageFormat::Human => None,
        MessageFormat::Json => Some(formats::json_lines(diagnostics, &outcome.sources)),
        MessageFormat::Sarif => Some(formats::sarif(diagnostics, &outcome.sources)),
        MessageFormat::Github => Some(formats::github(diagnostics, &outcome.sources)),
    };
    if let Some(text) = machine {
        let written = if on_stderr {
            std::io::stderr().lock().write_all(text.as_bytes())
        } else {
            std::io::stdout().lock().write_all(text.as_bytes())
        };
        drop(written);
        return;
    }
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics.iter().take(MAX_RENDERED) {
        let _ = write!(stderr, "{}", renderer.render(diagnostic, &outcome.sources));
    }
    let hidden = diagnostics.len().saturating_sub(MAX_RENDERED);
    if hidden > 0 {
        let _ = writeln!(
            stderr,
            "kstep: {hidden} more diagnostics not shown (the first {MAX_RENDERED} are above)"
        );
    }
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    if errors > 0 || warnings + notes > 0 && consequence.is_empty() {
        let mut summary = format!(
            "kstep: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        if notes > 0 {
            summary.push_str(&format!(", {}", plural(notes, "note")));
        }
        if errors > 0 {
            summary.push_str(consequence);
        }
        let _ = writeln!(stderr, "{summary}");
    }
}

/// Prints the command's standard output and maps the status to the exit code.
fn finish(outcome: &Outcome) -> ExitCode {
    if let Some(text) = &outcome.stdout
        && print(text) != ExitCode::SUCCESS
    {
        return ExitCode::from(2);
    }
    match outcome.status {
        Status::Success => ExitCode::SUCCESS,
        Status::InputErrors | Status::OutOfDate => ExitCode::from(1),
        Status::Failure => ExitCode::from(2),
    }
}

/// Diagnostics drawn per run. A real step file has a handful; a hostile one can have a
/// hundred thousand, which would take seconds to draw and bury the first, useful ones.
const MAX_RENDERED: usize = 200;

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn style(color: Color) -> Style {
    let terminal = std::io::stderr().is_terminal();
    let width = if terminal {
        terminal_width().unwrap_or(100)
    } else {
        100
    };
    let colored = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    if colored {
        Style::Color { width }
    } else {
        Style::Plain { width }
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}
