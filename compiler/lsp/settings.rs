//! The server's settings, from the client's `initializationOptions` and
//! `workspace/didChangeConfiguration`: `{ "kstep": { "environment": "staging", "strategy":
//! "blue-green", "docsUrl": "https://..." } }` (the `kstep` level may be left out).
//!
//! The editor is not the CI: no values come from outside the step, and a variable CI
//! supplies is a placeholder. What the CI chooses on the command line the user chooses here:
//! the environment (`--env`) whose variables the step is checked with, and the strategy
//! (`--strategy`) that the rules depending on it see.

use serde_json::Value;

use crate::driver::editor::EditorOptions;
use crate::model::{Choice, Strategy};

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Settings {
    pub(crate) environment: Option<String>,
    pub(crate) strategy: Option<Strategy>,
    /// Where the diagnostic pages are published (`<docsUrl>/<code>.md`); by default the
    /// pages of the source tree kstep was built from, when they are there.
    pub(crate) docs_url: Option<String>,
}

impl Settings {
    /// Reads what it knows and ignores the rest: a setting the server does not have is no
    /// reason to fail.
    pub(crate) fn from_json(value: &Value) -> Settings {
        let value = value.get("kstep").unwrap_or(value);
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Settings {
            environment: text("environment"),
            strategy: text("strategy").and_then(|s| Strategy::from_word(&s)),
            docs_url: text("docsUrl").map(|url| url.trim_end_matches('/').to_owned()),
        }
    }

    pub(crate) fn editor_options(&self) -> EditorOptions {
        EditorOptions {
            environment: self.environment.clone(),
            strategy: self.strategy,
        }
    }

    /// The page of a diagnostic code.
    pub(crate) fn page(&self, code: &str) -> Option<String> {
        if let Some(base) = &self.docs_url {
            return Some(format!("{base}/{code}.md"));
        }
        let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/diagnostics")
            .join(format!("{code}.md"));
        page.is_file()
            .then(|| super::documents::uri_of(&page).map(|u| u.as_str().to_owned()))
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_with_or_without_the_kstep_level() {
        let nested =
            serde_json::json!({"kstep": {"environment": "staging", "strategy": "blue-green"}});
        let flat = serde_json::json!({"environment": "staging", "strategy": "blue-green"});
        assert_eq!(Settings::from_json(&nested), Settings::from_json(&flat));
        let settings = Settings::from_json(&flat);
        assert_eq!(settings.environment.as_deref(), Some("staging"));
        assert_eq!(settings.strategy, Some(Strategy::BlueGreen));
        let odd = serde_json::json!({"strategy": "sideways", "environment": "", "other": 1});
        assert_eq!(Settings::from_json(&odd), Settings::default());
        let docs = Settings::from_json(&serde_json::json!({"docsUrl": "https://x.test/d/"}));
        assert_eq!(
            docs.page("unknown-field").unwrap(),
            "https://x.test/d/unknown-field.md"
        );
    }
}
