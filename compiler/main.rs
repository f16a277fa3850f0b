//! The `kstep` command line. Parsing arguments, rendering diagnostics and exit codes only;
//! the work is in the library.

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use cli::args::{
    Cli, Color, Command, CompileArgs, Deferred, ImportArgs, LegacyFormat, LintArgs, MessageFormat,
    VarsArgs,
};
use kstep::diagnostic::{Code, Diagnostic, Renderer, Severity, Style, formats};
use kstep::driver::{self, CompileOptions, LintOptions, Outcome, OutputMode, Status};
use kstep::emit::Format;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let renderer = Renderer::new(style(cli.color));
    match cli.command {
        Command::Compile(Deferred(args)) => compile(args, &renderer),
        Command::Lint(Deferred(args)) => lint(args, &renderer),
        Command::Vars(Deferred(args)) => vars(args, &renderer),
        Command::Import(Deferred(args)) => import(args, &renderer),
        Command::Schema => print(&kstep::schema::text()),
        Command::Lsp => match kstep::lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "kstep lsp: {message}");
                ExitCode::from(1)
            }
        },
        Command::Explain(Deferred(args)) => match (args.list, args.code) {
            (true, _) => print(&cli::explain::list()),
            (false, code) => match cli::explain::page(code.as_deref().unwrap_or_default()) {
                Ok(page) => print(page),
                Err(message) => {
                    let _ = writeln!(std::io::stderr(), "{message}");
                    ExitCode::from(2)
                }
            },
        },
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cli::args::command_in_full(), "kstep", &mut out);
            print(&String::from_utf8_lossy(&out))
        }
        Command::Man { dir } => cli::man(dir.as_deref(), cli::args::command_in_full()),
    }
}

/// Shows a diagnostic about the command line on standard error, for people whatever the
/// message format: a renamed option is the concern of whoever writes the command, not of
/// the tools that read the findings.
fn show(diagnostic: &Diagnostic, renderer: &Renderer) {
    let sources = kstep::source::SourceMap::default();
    let _ = write!(
        std::io::stderr(),
        "{}",
        renderer.render(diagnostic, &sources)
    );
}

/// The warning for the renamed `--format`, saying which flag to write instead.
fn renamed_format(given: LegacyFormat, flag: &str) -> Diagnostic {
    let word = given.word();
    Diagnostic::warning(
        Code::SuspiciousArgument,
        format!("`--format {word}` is renamed `{flag} {word}`"),
    )
    .help(format!(
        "write `{flag} {word}`: `--manifest-format` chooses the manifests' format, \
         `--message-format` the diagnostics'"
    ))
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

fn import(args: ImportArgs, renderer: &Renderer) -> ExitCode {
    let mut outcome = driver::import(&driver::ImportArgs {
        inputs: args.manifests,
        out_dir: args.output.clone(),
        options: kstep::import::ImportOptions {
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
    let code = finish(&mut outcome);
    let mut stderr = std::io::stderr().lock();
    for file in &outcome.written {
        let _ = writeln!(stderr, "kstep: wrote {}", args.output.join(file).display());
    }
    code
}

fn compile(args: CompileArgs, renderer: &Renderer) -> ExitCode {
    let mode = if args.stdout {
        OutputMode::Stdout
    } else if args.check {
        OutputMode::Check
    } else {
        OutputMode::Write
    };
    // The renamed `--format`: manifests for its manifest words, as it was; diagnostics for the
    // others.
    let (mut manifest_format, mut message_format) = (args.manifest_format, args.message_format);
    let renamed = args.format.map(|given| match given {
        LegacyFormat::Yaml | LegacyFormat::Json => {
            manifest_format = Some(if given == LegacyFormat::Yaml {
                Format::Yaml
            } else {
                Format::Json
            });
            renamed_format(given, "--manifest-format")
        }
        _ => {
            message_format = given.message_format().unwrap_or(MessageFormat::Human);
            renamed_format(given, "--message-format")
        }
    });
    let mut outcome = driver::compile(&CompileOptions {
        inputs: args.steps.steps,
        input_format: args.steps.input_format,
        out_dir: args.output,
        output: mode,
        format: manifest_format,
        strategy: args.strategy,
        deployment_id: args.deployment_id,
        show_secrets: args.show_secrets,
        vars: args.vars.options(),
    });
    if let Some(warning) = renamed {
        show(&warning, renderer);
    }
    // Manifests on standard output push machine-readable diagnostics to standard error.
    let on_stderr = args.stdout || args.check;
    report(
        &outcome,
        renderer,
        message_format,
        on_stderr,
        "; nothing was written",
    );
    let code = finish(&mut outcome);
    let mut stderr = std::io::stderr().lock();
    let output = outcome.out_dir.unwrap_or_default();
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

fn lint(args: LintArgs, renderer: &Renderer) -> ExitCode {
    let mut format = args.message_format;
    let renamed = match args.format {
        Some(given) => match given.message_format() {
            Some(message_format) => {
                format = message_format;
                Some(renamed_format(given, "--message-format"))
            }
            None => {
                let mistake = Diagnostic::error(
                    Code::InvalidArgument,
                    "`kstep lint` writes no manifests: `--format yaml` has no meaning here",
                )
                .help("`--message-format` chooses how findings are written: `human`, `json`, `sarif` or `github`");
                show(&mistake, renderer);
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let linted = driver::lint(&LintOptions {
        inputs: args.steps.steps,
        input_format: args.steps.input_format,
        strategy: args.strategy,
        deployment_id: args.deployment_id,
        vars: args.vars.options(),
        deny_warnings: args.deny.is_some(),
    });
    let mut outcome = linted.outcome;
    if let Some(warning) = renamed {
        show(&warning, renderer);
    }
    // The rules wait for errors in the steps, not for a mistake on the command line.
    let consequence = if linted.rules_ran || outcome.status == Status::Failure {
        ""
    } else {
        "; the lint rules run once the errors are fixed"
    };
    report(&outcome, renderer, format, false, consequence);
    if format == MessageFormat::Human && outcome.diagnostics.is_empty() {
        let steps = outcome.steps;
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
    finish(&mut outcome)
}

fn vars(args: VarsArgs, renderer: &Renderer) -> ExitCode {
    let mut outcome = driver::vars(&args.step, args.input_format, &args.vars.options());
    report(&outcome, renderer, args.message_format, true, "");
    finish(&mut outcome)
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
    // A file's `too-many-diagnostics` count is always shown: it says what the cap hid.
    let mut rendered = 0;
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i < MAX_RENDERED || diagnostic.code == Code::TooManyDiagnostics {
            let _ = write!(stderr, "{}", renderer.render(diagnostic, &outcome.sources));
            rendered += 1;
        }
    }
    let hidden = diagnostics.len() - rendered;
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
fn finish(outcome: &mut Outcome) -> ExitCode {
    if let Some(printed) = outcome.stdout.take() {
        let mut stdout = std::io::stdout().lock();
        if printed
            .write_to(&mut stdout)
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::from(2);
        }
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
