//! Stage 5, emit: objects to manifest files, and files to disk or stdout.
//!
//! Each object becomes one file named `NN-<kind>-<name>.<ext>` under `manifests/`, where `NN`
//! is the apply rank, so a plain sorted listing is the apply order. YAML and JSON come from the
//! same JSON value, so the two formats always agree.

mod write;
pub(crate) mod yaml;

pub(crate) use write::write_atomically;

use crate::lower::StepObjects;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// One file of a step's output, relative to the step's directory.
pub(crate) struct OutputFile {
    pub(crate) path: String,
    pub(crate) contents: String,
}

pub(crate) struct StepOutput {
    pub(crate) step_id: String,
    pub(crate) files: Vec<OutputFile>,
}

pub(crate) fn render(step: &StepObjects, format: Format) -> serde_json::Result<StepOutput> {
    let mut files = Vec::with_capacity(step.objects.len());
    for object in &step.objects {
        let value = object.to_json()?;
        let contents = match format {
            Format::Yaml => yaml::to_yaml(&value),
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&value)?;
                text.push('\n');
                text
            }
        };
        files.push(OutputFile {
            path: format!(
                "manifests/{:02}-{}-{}.{}",
                object.apply_rank(),
                object.kind().to_ascii_lowercase(),
                object.name(),
                format.extension()
            ),
            contents,
        });
    }
    Ok(StepOutput {
        step_id: step.step_id.clone(),
        files,
    })
}

/// Every manifest of every step as one stream: YAML documents separated by `---`, or JSON
/// documents one after another.
pub(crate) fn stream(outputs: &[StepOutput], format: Format) -> String {
    let mut out = String::new();
    for file in outputs.iter().flat_map(|o| &o.files) {
        if format == Format::Yaml {
            out.push_str("---\n");
        }
        out.push_str(&file.contents);
    }
    out
}
