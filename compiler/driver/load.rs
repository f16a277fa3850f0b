//! Loading files: step files through syntax → vars → templates → read → check, and the vars
//! files given on the command line.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::inputs::{self, InputFormat, PROJECT_FILE};
use crate::check;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::lint;
use crate::model::{LintLevels, Project, RunDefaults, SecurityProfile, Spanned, Step};
use crate::read;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Node, input};
use crate::template::{self, Externals, VarOptions, Vars};

/// The id templates see while the default deployment id (a hash of the output) is computed.
pub(super) const PLACEHOLDER_ID: &str = crate::plan::PLACEHOLDER_ID;

/// A step, read and checked.
pub(super) struct Loaded {
    pub(super) file: FileId,
    pub(super) step: Step,
    /// The step's `[lint]` levels.
    pub(super) lint: LintLevels,
    /// The `[lint]` levels of the step's `kstep.toml`, which the step's own override.
    pub(super) project_lint: LintLevels,
    /// Set when the step's templates read the deployment id and none was given: the step is
    /// rendered again once the default id is known.
    pub(super) again: Option<Again>,
    /// For `kstep lint`: the spans of the file's keys and values, where a `#` starts no
    /// comment. Empty for `compile`.
    pub(super) literals: Vec<Span>,
    /// The step's variables as its templates saw them (for the language server's hover).
    pub(super) vars: Vars,
    /// With [`Run::placeholders`]: the variables that got one, and the templated values that
    /// use them, whose problems are not the step's (CI gives the real value).
    pub(super) placeholders: template::Placeholders,
}

/// What rendering a step again needs.
pub(super) struct Again {
    file: FileId,
    root: Node,
    vars: Vars,
    profile: Option<Spanned<SecurityProfile>>,
}

/// What every step of one run is loaded with.
pub(super) struct Run<'a> {
    /// Vars files, `--var` and `KSTEP_VAR_*`, read once.
    pub(super) externals: &'a Externals,
    pub(super) vars: &'a VarOptions,
    /// `--deployment-id`.
    pub(super) deployment_id: Option<&'a str>,
    /// `--input-format`: the language of standard input.
    pub(super) input_format: Option<InputFormat>,
    /// Load what only `kstep lint` needs.
    pub(super) for_lint: bool,
    /// The language server's open buffers, read instead of the files on disk.
    pub(super) overlay: Option<&'a Overlay>,
    /// The language server: a variable declared without a value (CI supplies it) gets a
    /// placeholder instead of being undefined.
    pub(super) placeholders: bool,
}

/// Texts that stand in for files on disk: the buffers an editor has open, unsaved changes
/// included. Paths are as the driver is given them (the language server gives absolute ones).
#[derive(Clone, Debug, Default)]
pub(crate) struct Overlay {
    texts: BTreeMap<PathBuf, std::sync::Arc<str>>,
}

impl Overlay {
    pub(crate) fn set(&mut self, path: PathBuf, text: std::sync::Arc<str>) {
        self.texts.insert(path, text);
    }

    pub(crate) fn remove(&mut self, path: &Path) {
        self.texts.remove(path);
    }

    pub(crate) fn get(&self, path: &Path) -> Option<&std::sync::Arc<str>> {
        self.texts.get(path)
    }

    /// Whether `path` is a file, open or on disk.
    fn is_file(&self, path: &Path) -> bool {
        self.texts.contains_key(path) || path.is_file()
    }
}

/// The variables the steps of a run declare, to hold the values given from outside to.
#[derive(Default)]
pub(super) struct Declared {
    pub(super) names: std::collections::BTreeSet<String>,
    /// False when a step's variables could not be read (a syntax error): any name may be
    /// one of them.
    pub(super) complete: bool,
}

impl Declared {
    /// None yet, and nothing unread.
    pub(super) fn complete() -> Declared {
        Declared {
            complete: true,
            ..Declared::default()
        }
    }
}

/// The `kstep.toml` files read so far, by path, and which one each directory of steps has
/// (a thousand steps in one directory look it up once).
#[derive(Default)]
pub(super) struct Projects {
    read: BTreeMap<PathBuf, Project>,
    found: BTreeMap<PathBuf, Option<PathBuf>>,
}

impl Projects {
    pub(super) fn new() -> Projects {
        Projects::default()
    }
}

/// Reads, parses, renders, reads and checks one step file, with the settings of the
/// `kstep.toml` above it: [`source`], then [`analyze`]. `Err` for problems with the file
/// itself (missing, unreadable, not a step file type); everything else is a diagnostic.
pub(super) fn load(
    path: &Path,
    run: &Run<'_>,
    sources: &mut SourceMap,
    projects: &mut Projects,
    declared: &mut Declared,
    diags: &mut Diagnostics,
) -> Result<Option<Loaded>, Diagnostic> {
    let read = read_step_file(path, run.input_format, run.overlay);
    let Some(source) = source(path, read, run, sources, projects, diags)? else {
        declared.complete = false;
        return Ok(None);
    };
    let loaded = analyze(&source, run, sources, declared, diags);
    for span in diags.take_redactions() {
        sources.redact(span);
    }
    Ok(loaded)
}

/// A step file in the source map, with its language and the settings of its `kstep.toml`.
pub(super) struct Source {
    file: FileId,
    format: syntax::Format,
    project: Project,
}

/// Adds a step file that was read ([`read_step_file`]) and reads the `kstep.toml` above it
/// into the source map: the part of loading that changes the run's shared state, done one
/// file after another. `Ok(None)` when the file's content is unusable (reported).
pub(super) fn source(
    path: &Path,
    read: Result<StepRead, Diagnostic>,
    run: &Run<'_>,
    sources: &mut SourceMap,
    projects: &mut Projects,
    diags: &mut Diagnostics,
) -> Result<Option<Source>, Diagnostic> {
    let Some((file, format)) = add_step_file(read?, sources, diags) else {
        return Ok(None);
    };
    let project = project(path, run.overlay, sources, projects, diags)?;
    Ok(Some(Source {
        file,
        format,
        project,
    }))
}

/// Parses, renders, reads and checks a step file in the source map. It changes nothing
/// shared, so the files of a run are analysed on every core; what must be hidden is left in
/// `diags`' redactions for the caller to apply to the source map. `for_lint` adds what only
/// `kstep lint` needs: the spans of the file's literals (for ignore comments).
pub(super) fn analyze(
    source: &Source,
    run: &Run<'_>,
    sources: &SourceMap,
    declared: &mut Declared,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let file = source.file;
    let text = sources.get(file).text();
    let Some(root) = syntax::parse(file, text, source.format, diags) else {
        declared.complete = false;
        return None;
    };
    let literals = if run.for_lint {
        lint::literal_spans(&root)
    } else {
        Vec::new()
    };
    load_tree(file, text, root, &source.project, run, declared, diags)
        .map(|loaded| Loaded { literals, ..loaded })
}

/// Reads, renders, reads and checks a parsed step file.
fn load_tree(
    file: FileId,
    text: &str,
    root: Node,
    project: &Project,
    run: &Run<'_>,
    declared: &mut Declared,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let deployment_id = run.deployment_id;
    let lint = root
        .get("lint")
        .map(|node| read::read_lint(file, text, node, diags))
        .unwrap_or_default();
    let step_vars = read::read_vars(file, text, &root, diags);
    let environments = step_vars.environments.iter().flat_map(|e| &e.vars);
    declared.names.extend(
        step_vars
            .vars
            .iter()
            .chain(environments)
            .map(|decl| decl.name.value.clone()),
    );
    let mut vars = template::resolve(
        &step_vars,
        run.externals,
        run.vars.environment.as_deref(),
        diags,
    );
    let placeholders = if run.placeholders {
        template::fill_placeholders(&mut vars, &root)
    } else {
        template::Placeholders::default()
    };
    let id = deployment_id.unwrap_or(PLACEHOLDER_ID);
    let (step, usage) = if template::has_templates(&root) {
        let (rendered, usage) = template::render(text, &root, &vars, id, diags);
        (read::read_step(file, text, &rendered, diags), usage)
    } else {
        (
            read::read_step(file, text, &root, diags),
            template::Usage::default(),
        )
    };
    let mut step = step?;
    with_project(&mut step, &project.security_profile);
    check::check(&step, diags);
    let again = (usage.deployment_id && deployment_id.is_none()).then(|| Again {
        file,
        root,
        vars: vars.clone(),
        profile: project.security_profile.clone(),
    });
    Some(Loaded {
        file,
        step,
        lint,
        project_lint: project.lint.clone(),
        again,
        literals: Vec::new(),
        vars,
        placeholders,
    })
}

/// A step file's text through syntax, templates, reading and checking as [`load`] takes it,
/// without a file system, a `kstep.toml` or values from outside: for [`crate::fuzz`]. The
/// step and its `[lint]` levels; `None` when it could not be read.
pub(crate) fn load_text(
    file: FileId,
    text: &str,
    format: syntax::Format,
    diags: &mut Diagnostics,
) -> Option<(Step, LintLevels)> {
    let root = syntax::parse(file, text, format, diags)?;
    let externals = Externals::default();
    let run = Run {
        externals: &externals,
        vars: &VarOptions::default(),
        deployment_id: None,
        input_format: None,
        for_lint: false,
        overlay: None,
        placeholders: false,
    };
    let loaded = load_tree(
        file,
        text,
        root,
        &Project::default(),
        &run,
        &mut Declared::default(),
        diags,
    )?;
    Some((loaded.step, loaded.lint))
}

/// Fills in what the step leaves to its `kstep.toml`.
fn with_project(step: &mut Step, profile: &Option<Spanned<SecurityProfile>>) {
    if step.pod.security_profile.is_none() {
        step.pod.security_profile.clone_from(profile);
    }
}

/// Reads a step file into the source map, with its format. Standard input (`-`) is in
/// `input_format`, or else in the language it parses as.
pub(super) fn step_source(
    path: &Path,
    input_format: Option<InputFormat>,
    overlay: Option<&Overlay>,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Option<(FileId, syntax::Format)>, Diagnostic> {
    Ok(add_step_file(
        read_step_file(path, input_format, overlay)?,
        sources,
        diags,
    ))
}

/// A step file read, and its format when known before its text is (`None`: standard input,
/// whose text tells).
pub(super) struct StepRead {
    read: FileRead,
    format: Option<syntax::Format>,
}

/// Reads a step file without the source map, so the files of a run are read on every core.
pub(super) fn read_step_file(
    path: &Path,
    input_format: Option<InputFormat>,
    overlay: Option<&Overlay>,
) -> Result<StepRead, Diagnostic> {
    if inputs::is_stdin(path) {
        return Ok(StepRead {
            read: read_file(path, None)?,
            format: input_format.map(InputFormat::syntax),
        });
    }
    // A step file is opened once: the open file says whether the path is a directory, and how
    // much to read. (Read from the editor's buffer, or when it cannot be opened, the path is
    // asked instead, and the read reports what went wrong.)
    let opened = match overlay.and_then(|o| o.get(path)) {
        Some(_) => None,
        None => fs::File::open(path)
            .ok()
            .and_then(|file| Some((file.metadata().ok()?, file))),
    };
    let is_dir = match &opened {
        Some((metadata, _)) => metadata.is_dir(),
        None => path.is_dir(),
    };
    if is_dir {
        return Err(Diagnostic::error(
            Code::InvalidArgument,
            format!("`{}` is a directory", path.display()),
        )
        .help("`kstep vars` shows the variables of one step: name a step file, or `-`"));
    }
    let Some(format) = syntax::Format::from_path(path) else {
        return Err(unsupported(
            path,
            "a step file",
            ".toml, .yaml or .yml",
            "rename the file, or pass the step file instead",
        ));
    };
    let read = match opened {
        Some((metadata, file)) => read_opened(path, file, metadata.len())?,
        None => read_file(path, overlay)?,
    };
    Ok(StepRead {
        read,
        format: Some(format),
    })
}

/// Adds a step file that was read to the source map.
fn add_step_file(
    read: StepRead,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<(FileId, syntax::Format)> {
    let file = add_file(read.read, sources, diags)?;
    let format = read
        .format
        .unwrap_or_else(|| inputs::detect(file, sources.get(file).text()));
    Some((file, format))
}

/// Renders, reads and checks a step again with its deployment id. Problems the first pass
/// reported are not reported again; new errors are (the id can change what a template makes).
pub(super) fn again(
    again: &Again,
    sources: &SourceMap,
    deployment_id: &str,
    diags: &mut Diagnostics,
) -> Option<Step> {
    let text = sources.get(again.file).text();
    let mut found = Diagnostics::default();
    let (rendered, _) = template::render(text, &again.root, &again.vars, deployment_id, &mut found);
    let mut step = read::read_step(again.file, text, &rendered, &mut found);
    if let Some(step) = &mut step {
        with_project(step, &again.profile);
        check::check(step, &mut found);
    }
    if found.has_errors() {
        diags.extend(found);
    }
    step
}

/// Reads the vars files of the command line, the `KSTEP_VAR_*` values and `--var`, in that
/// order of precedence (later wins).
/// `Err` for a file that cannot be read; problems with the values are diagnostics, and
/// problems with the command line itself set `usage_errors`.
pub(super) fn externals(
    options: &VarOptions,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<(Externals, bool), Diagnostic> {
    let mut externals = Externals::default();
    let files = options.files.iter().map(|p| (p, false));
    let sensitive = options.sensitive_files.iter().map(|p| (p, true));
    for (path, sensitive) in files.chain(sensitive) {
        let format = syntax::Format::from_vars_path(path).ok_or_else(|| {
            unsupported(
                path,
                "a vars file",
                ".toml, .yaml, .yml or .json",
                "vars files are TOML, YAML or JSON: give the file the extension of its language",
            )
        })?;
        let Some(file) = read_source(path, None, sources, diags)? else {
            continue;
        };
        let text = sources.get(file).text();
        let mut found = Diagnostics::default();
        match syntax::parse(file, text, format, &mut found) {
            Some(root) => {
                let name = path.display().to_string();
                externals.add_file(&name, file, text, &root, sensitive, &mut found);
            }
            None if sensitive => found.redact(crate::source::Span::new(file, 0, text.len())),
            None => {}
        }
        for span in found.take_redactions() {
            sources.redact(span);
        }
        diags.extend(found);
    }
    // Lowest precedence first: the command line beats the environment.
    let mut usage = Diagnostics::default();
    externals.add_process_env(&options.process_env, &mut usage);
    externals.add_assignments(&options.assignments, &mut usage);
    let usage_errors = usage.has_errors();
    diags.extend(usage);
    Ok((externals, usage_errors))
}

/// Reads a file into the source map (from `overlay` when it holds the file), capped at the
/// input limit and decoded. `Ok(None)` when its content is unusable (reported).
fn read_source(
    path: &Path,
    overlay: Option<&Overlay>,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Option<FileId>, Diagnostic> {
    Ok(add_file(read_file(path, overlay)?, sources, diags))
}

/// A file read and decoded, not yet in the source map.
enum FileRead {
    Text {
        file: SourceFile,
        problem: Option<input::InputProblem>,
    },
    TooLarge {
        name: PathBuf,
        size: u64,
    },
}

/// Reads a file (from `overlay` when it holds the file), capped at the input limit, and
/// decodes it.
fn read_file(path: &Path, overlay: Option<&Overlay>) -> Result<FileRead, Diagnostic> {
    let name = inputs::display_path(path);
    let cannot_read =
        |e: &std::io::Error| io_error(&format!("cannot read `{}`", name.display()), e);
    let open = overlay.and_then(|o| o.get(path));
    let limit = input::MAX_FILE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if let Some(text) = open {
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec()))
    } else if inputs::is_stdin(path) {
        Box::new(std::io::stdin().lock())
    } else {
        let file = fs::File::open(path).map_err(|e| cannot_read(&e))?;
        let size = file.metadata().map_or(0, |m| m.len());
        return read_opened(path, file, size);
    };
    reader
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(&e))?;
    decoded(path, bytes, open.map(|text| text.len() as u64))
}

/// Reads `file`, opened from `path`, of `size` bytes by its metadata: with room for the whole
/// file (and the read that finds its end), one read, not eight growing ones.
fn read_opened(path: &Path, file: fs::File, size: u64) -> Result<FileRead, Diagnostic> {
    let limit = input::MAX_FILE_BYTES as u64 + 1;
    let mut bytes = Vec::with_capacity(size.min(limit) as usize + 1);
    file.take(limit).read_to_end(&mut bytes).map_err(|e| {
        let name = inputs::display_path(path);
        io_error(&format!("cannot read `{}`", name.display()), &e)
    })?;
    decoded(path, bytes, None)
}

/// The bytes read from `path` (at most one past the input limit), decoded; `size` is the
/// whole text's, when known.
fn decoded(path: &Path, bytes: Vec<u8>, size: Option<u64>) -> Result<FileRead, Diagnostic> {
    let name = inputs::display_path(path);
    if bytes.len() > input::MAX_FILE_BYTES {
        let size =
            size.unwrap_or_else(|| fs::metadata(path).map_or(bytes.len() as u64, |m| m.len()));
        return Ok(FileRead::TooLarge {
            name: name.to_owned(),
            size,
        });
    }
    let decoded = input::decode(bytes);
    Ok(FileRead::Text {
        file: SourceFile::new(name.to_owned(), decoded.text.into()),
        problem: decoded.problem,
    })
}

/// Adds a file that was read to the source map. `None` when its content is unusable
/// (reported).
fn add_file(read: FileRead, sources: &mut SourceMap, diags: &mut Diagnostics) -> Option<FileId> {
    match read {
        FileRead::TooLarge { name, size } => {
            let shown = name.display().to_string();
            let id = sources.add(name, "".into());
            diags.push(input::too_large(id, &shown, size));
            None
        }
        FileRead::Text { file, problem } => {
            let id = sources.insert(file);
            match problem {
                Some(problem) => {
                    diags.push(problem.into_diagnostic(id));
                    None
                }
                None => Some(id),
            }
        }
    }
}

fn unsupported(path: &Path, what: &str, extensions: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnsupportedFileType,
        format!(
            "`{}` is not {what}: expected a {extensions} extension",
            path.display()
        ),
    )
    .help(help)
}

pub(super) fn io_error(what: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::IoError, format!("{what}: {error}"))
        .help("check the path and its permissions")
}

/// `[compile]` of the `kstep.toml` nearest the current directory (walking up from it), with
/// the file's path; the default of each value when there is none.
pub(super) fn run_defaults(
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<RunDefaults, Diagnostic> {
    let Some(dir) = upward(Path::new(""))
        .into_iter()
        .find(|dir| dir.join(PROJECT_FILE).is_file())
    else {
        return Ok(RunDefaults::default());
    };
    let config = if dir == Path::new(".") {
        PathBuf::from(PROJECT_FILE)
    } else {
        dir.join(PROJECT_FILE)
    };
    // Read here for `[compile]` alone; the steps below it read the rest.
    let Some(file) = read_source(&config, None, sources, diags)? else {
        return Ok(RunDefaults::default());
    };
    let text = sources.get(file).text();
    Ok(syntax::parse(file, text, syntax::Format::Toml, diags)
        .map(|root| read::read_run_defaults(file, text, &root, &dir, diags))
        .unwrap_or_default())
}

/// The settings of the `kstep.toml` nearest above `step` (walking up from its directory),
/// each file read once.
fn project(
    step: &Path,
    overlay: Option<&Overlay>,
    sources: &mut SourceMap,
    cache: &mut Projects,
    diags: &mut Diagnostics,
) -> Result<Project, Diagnostic> {
    let dir = step.parent().unwrap_or(Path::new(""));
    let found = match cache.found.get(dir) {
        Some(found) => found.clone(),
        None => {
            let found = upward(dir)
                .into_iter()
                .map(|dir| dir.join(PROJECT_FILE))
                .find(|p| overlay.map_or_else(|| p.is_file(), |o| o.is_file(p)))
                .map(|config| {
                    config
                        .strip_prefix(".")
                        .map(Path::to_owned)
                        .unwrap_or(config)
                });
            cache.found.insert(dir.to_owned(), found.clone());
            found
        }
    };
    let Some(config) = found else {
        return Ok(Project::default());
    };
    if let Some(project) = cache.read.get(&config) {
        return Ok(project.clone());
    }
    let project = match read_source(&config, overlay, sources, diags)? {
        Some(file) => {
            let text = sources.get(file).text();
            syntax::parse(file, text, syntax::Format::Toml, diags)
                .map(|root| read::read_project(file, text, &root, diags))
                .unwrap_or_default()
        }
        None => Project::default(),
    };
    cache.read.insert(config, project.clone());
    Ok(project)
}

/// `dir` and every directory above it up to the root, named as the user named `dir`: a
/// relative directory gives relative names (`steps`, `.`, `..`, `../..`), so diagnostics
/// about a `kstep.toml` found there show a path the user recognises.
fn upward(dir: &Path) -> Vec<PathBuf> {
    let depth = fs::canonicalize(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .map_or(1, |d| d.ancestors().count());
    let mut named = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_owned()
    };
    let mut out = Vec::with_capacity(depth);
    for _ in 0..depth {
        let parent = match named.components().next_back() {
            Some(Component::Normal(_)) => match named.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                _ => PathBuf::from("."),
            },
            Some(Component::CurDir) => PathBuf::from(".."),
            Some(Component::ParentDir) => named.join(".."),
            Some(Component::RootDir | Component::Prefix(_)) | None => named.clone(),
        };
        out.push(std::mem::replace(&mut named, parent));
    }
    out
}
