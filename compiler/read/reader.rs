//! Typed reading of single values, with messages that say how to fix a wrong type.
//!
//! Every function reports what is wrong and returns `None`; callers carry on, so one run
//! reports every bad value. [`NodeKind::Invalid`] was reported by the syntax stage and is
//! skipped silently. An empty YAML value (`key:`) counts as absent for optional fields.

use super::table::Table;
use crate::diagnostic as suggest;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{Choice, Count, KeyValue, PortRef, Spanned};
use crate::source::{FileId, Span};
use crate::syntax::{Node, NodeKind, Rendered};

pub(crate) struct Reader<'a> {
    file: FileId,
    text: &'a str,
    diags: &'a mut Diagnostics,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(file: FileId, text: &'a str, diags: &'a mut Diagnostics) -> Self {
        Reader { file, text, diags }
    }

    pub(crate) fn file(&self) -> FileId {
        self.file
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// Whether this file's diagnostics are only counted now (a flood): hints need not be
    /// worked out.
    pub(crate) fn saturated(&self) -> bool {
        self.diags.saturated(self.file)
    }

    /// A secret string: its span is masked wherever source is shown, and a wrong type is
    /// reported without quoting the value.
    pub(crate) fn secret(&mut self, node: &Node) -> Option<Spanned<String>> {
        self.diags.redact(node.span);
        match &node.kind {
            NodeKind::Str(s) => Some(Spanned::new(s.clone(), node.span)),
            NodeKind::Rendered(rendered) => Some(Spanned::new(rendered.text.clone(), node.span)),
            NodeKind::Invalid => None,
            other => {
                let found = other.describe();
                self.report(
                    Diagnostic::error(Code::WrongType, format!("expected a string, found {found}"))
                        .label(node.span, format!("this is {found}"))
                        .help("quote the secret value to make it a string"),
                );
                None
            }
        }
    }

    /// Every entry of a table whose keys are names (`[config_maps.<name>]`), read as a table.
    pub(crate) fn named_tables<T>(
        &mut self,
        node: &Node,
        path: &str,
        mut read: impl FnMut(&mut Self, Spanned<String>, Table<'_>) -> Option<T>,
    ) -> Vec<T> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, "a table of named tables");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            let name = Spanned::new(entry.key.clone(), entry.key_span);
            if let Some(table) = self.table(
                &entry.value,
                format!("{path}.{}", entry.key),
                entry.key_span,
            ) && let Some(value) = read(self, name, table)
            {
                out.push(value);
            }
        }
        out
    }

    /// A count of pods: a number, or a percentage like "25%".
    pub(crate) fn count(&mut self, node: &Node) -> Option<Spanned<Count>> {
        match &node.kind {
            NodeKind::Int(n) => Some(Spanned::new(Count::Number(*n), node.span)),
            NodeKind::Str(s) => Some(Spanned::new(Count::Percent(s.clone()), node.span)),
            NodeKind::Rendered(rendered) => self.rendered(node, rendered, "", |text| {
                Some(match text.trim().parse() {
                    Ok(n) => Count::Number(n),
                    Err(_) => Count::Percent(text.to_owned()),
                })
            }),
            _ => {
                self.wrong_type(node, "a number of pods or a percentage");
                None
            }
        }
    }

    /// The first line of a span, for labels on multi-line values.
    pub(crate) fn first_line(&self, span: Span) -> Span {
        let text = &self.text[span.range()];
        match text.find('\n') {
            Some(i) => Span::new(
                span.file,
                span.start as usize,
                span.start as usize + text[..i].trim_end().len(),
            ),
            None => span,
        }
    }

    pub(crate) fn wrong_type(&mut self, node: &Node, expected: &str) {
        if node.kind == NodeKind::Invalid {
            return;
        }
        let found = node.kind.describe();
        let help = self.wrong_type_help(node, expected);
        self.report(
            Diagnostic::error(
                Code::WrongType,
                format!("expected {expected}, found {found}"),
            )
            .label(self.first_line(node.span), format!("this is {found}"))
            .help(help),
        );
    }

    fn wrong_type_help(&self, node: &Node, expected: &str) -> String {
        let written = &self.text[node.span.range()];
        match (&node.kind, expected) {
            (NodeKind::Null, _) => "give a value, or remove the key".into(),
            (
                NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) | NodeKind::Datetime(_),
                "a string",
            ) => format!("quote the value to make it a string: \"{written}\""),
            (_, "a string") => "give a single string".into(),
            (NodeKind::Str(s), "an integer") if s.trim().parse::<i64>().is_ok() => {
                format!("remove the quotes: {}", s.trim())
            }
            (_, "an integer") => "write a whole number without quotes, e.g. 10".into(),
            (NodeKind::Str(s), "a boolean") => match s.to_ascii_lowercase().as_str() {
                "yes" | "on" | "y" => {
                    "write `true` (step files read `yes` and `on` as strings)".into()
                }
                "no" | "off" | "n" => {
                    "write `false` (step files read `no` and `off` as strings)".into()
                }
                _ => "write `true` or `false` without quotes".into(),
            },
            (_, "a boolean") => "write `true` or `false`".into(),
            (NodeKind::Str(_), "a list of strings") => format!("write a list: [{written}]"),
            (_, "a list of strings") => {
                "write a list of strings, e.g. [\"/app/run\", \"--fast\"]".into()
            }
            (_, "a list of IP families") => "write a list such as [\"IPv4\", \"IPv6\"]".into(),
            (NodeKind::Map(_), "a list of tables") => {
                "wrap the table in a list: one table per item".into()
            }
            (_, "a list of tables") => "write a list with one table per item".into(),
            (_, "a table of strings") => {
                "write a table of keys and string values, e.g. { team = \"shop\" }".into()
            }
            (_, "a number of pods or a percentage") => {
                "write a whole number such as 1, or a percentage such as \"25%\"".into()
            }
            (_, "a table of named tables") => {
                "write one table per name, e.g. `[config_maps.web-config]`".into()
            }
            (_, "a port number or a port name") => {
                "write a port number such as 8080, or the name of a container port such as \"http\""
                    .into()
            }
            (_, e) if e.starts_with("a quantity") => {
                "write a quantity as a string, e.g. \"250m\" or \"1Gi\"".into()
            }
            (_, e) if e.starts_with("a table") => {
                "write a table of fields; see docs/step-file.md".into()
            }
            (_, e) => format!("write {e}"),
        }
    }

    pub(crate) fn string(&mut self, node: &Node) -> Option<Spanned<String>> {
        match &node.kind {
            NodeKind::Str(s) => Some(Spanned::new(s.clone(), node.span)),
            NodeKind::Rendered(rendered) => {
                self.rendered(node, rendered, "", |text| Some(text.to_owned()))
            }
            _ => {
                self.wrong_type(node, "a string");
                None
            }
        }
    }

    pub(crate) fn int(&mut self, node: &Node) -> Option<Spanned<i64>> {
        match &node.kind {
            NodeKind::Int(n) => Some(Spanned::new(*n, node.span)),
            NodeKind::Rendered(rendered) => self.rendered(node, rendered, "an integer", |text| {
                text.trim().parse().ok()
            }),
            _ => {
                self.wrong_type(node, "an integer");
                None
            }
        }
    }

    pub(crate) fn bool(&mut self, node: &Node) -> Option<Spanned<bool>> {
        match &node.kind {
            NodeKind::Bool(b) => Some(Spanned::new(*b, node.span)),
            // Templates print booleans as `true`, or `True` from Python-style code.
            NodeKind::Rendered(rendered) => {
                self.rendered(node, rendered, "a boolean", |text| match text.trim() {
                    "true" | "True" => Some(true),
                    "false" | "False" => Some(false),
                    _ => None,
                })
            }
            _ => {
                self.wrong_type(node, "a boolean");
                None
            }
        }
    }

    /// A resource quantity: a string, or a number taken as its decimal text.
    pub(crate) fn quantity(&mut self, node: &Node) -> Option<Spanned<String>> {
        let text = match &node.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Rendered(rendered) => {
                return self.rendered(node, rendered, "", |text| Some(text.trim().to_owned()));
            }
            NodeKind::Int(n) => n.to_string(),
            NodeKind::Float(f) if f.is_finite() => f.to_string(),
            _ => {
                self.wrong_type(node, "a quantity (a string like \"100m\" or \"128Mi\")");
                return None;
            }
        };
        Some(Spanned::new(text, node.span))
    }

    /// A port by number or by the name of a container or Service port.
    pub(crate) fn port_ref(&mut self, node: &Node) -> Option<Spanned<PortRef>> {
        match &node.kind {
            NodeKind::Int(n) => Some(Spanned::new(PortRef::Number(*n), node.span)),
            NodeKind::Str(s) => Some(Spanned::new(PortRef::Name(s.clone()), node.span)),
            NodeKind::Rendered(rendered) => self.rendered(node, rendered, "", |text| {
                Some(match text.trim().parse() {
                    Ok(n) => PortRef::Number(n),
                    Err(_) => PortRef::Name(text.to_owned()),
                })
            }),
            _ => {
                self.wrong_type(node, "a port number or a port name");
                None
            }
        }
    }

    /// Parses a template's rendered text as `expected` (empty when any text will do). Text
    /// rendered from a sensitive variable is refused: only [`Reader::secret`] takes it.
    fn rendered<T>(
        &mut self,
        node: &Node,
        rendered: &Rendered,
        expected: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<Spanned<T>> {
        if rendered.sensitive {
            self.sensitive_outside_secret(node, rendered);
            return None;
        }
        if let Some(value) = parse(&rendered.text) {
            return Some(Spanned::new(value, node.span));
        }
        let shown = crate::diagnostic::quoted(&rendered.text);
        let mut diagnostic = Diagnostic::error(
            Code::TemplateTypeMismatch,
            format!("expected {expected}, but the template renders {shown}"),
        )
        .label(self.first_line(node.span), format!("renders {shown}"));
        for line in &rendered.provenance {
            diagnostic = diagnostic.note(line.clone());
        }
        let help = match expected {
            "an integer" => {
                "make the template render a whole number, e.g. `{{ vars.replicas | int }}`"
            }
            "a boolean" => "make the template render `true` or `false`",
            _ => "make the template render a value of that type",
        };
        self.report(diagnostic.help(help));
        None
    }

    fn sensitive_outside_secret(&mut self, node: &Node, rendered: &Rendered) {
        let mut diagnostic = Diagnostic::error(
            Code::SensitiveValue,
            "a sensitive variable is used outside a Secret",
        )
        .label(
            self.first_line(node.span),
            "this template uses a sensitive variable",
        );
        for line in &rendered.provenance {
            diagnostic = diagnostic.note(line.clone());
        }
        self.report(diagnostic.help(
            "a sensitive value may only fill the `data` or `registry.password` of a Secret the step \
             owns (`[secrets.<name>]`); put it there and refer to that Secret, e.g. \
             env = [{ name = \"DB_PASSWORD\", secret = \"db\", key = \"password\" }]",
        ));
    }

    /// Any value, as plain data: variable values and raw Kubernetes fields.
    pub(crate) fn json(&mut self, node: &Node) -> Option<serde_json::Value> {
        use serde_json::Value;
        Some(match &node.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(n) => Value::from(*n),
            NodeKind::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(n) => Value::Number(n),
                None => {
                    self.wrong_type(node, "a finite number");
                    return None;
                }
            },
            NodeKind::Str(s) | NodeKind::Datetime(s) => Value::String(s.clone()),
            NodeKind::Rendered(rendered) => Value::String(
                self.rendered(node, rendered, "", |t| Some(t.to_owned()))?
                    .value,
            ),
            NodeKind::Seq(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.json(item))
                    .collect::<Option<_>>()?,
            ),
            NodeKind::Map(entries) => {
                let mut map = serde_json::Map::new();
                for entry in entries {
                    map.insert(entry.key.clone(), self.json(&entry.value)?);
                }
                Value::Object(map)
            }
            NodeKind::Invalid => return None,
        })
    }

    pub(crate) fn choice<T: Choice>(&mut self, node: &Node) -> Option<Spanned<T>> {
        let word = self.string(node)?;
        if let Some(value) = T::from_word(&word.value) {
            return Some(Spanned::new(value, word.span));
        }
        let allowed = suggest::one_of(T::WORDS);
        let mut diagnostic = Diagnostic::error(
            Code::InvalidChoice,
            format!("`{}` is not a valid {}", word.value, T::WHAT),
        )
        .label(word.span, format!("expected {allowed}"));
        diagnostic = match suggest::closest(&word.value, T::WORDS) {
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help(format!("use one of {allowed}")),
        };
        self.report(diagnostic);
        None
    }

    /// A list of strings. `None` (after reporting) when it is not one or an item is not a string.
    pub(crate) fn strings(&mut self, node: &Node) -> Option<Spanned<Vec<Spanned<String>>>> {
        self.list(node, "a list of strings", Self::string)
    }

    /// A list read item by item. `None` (after reporting) when it is not a list or an item fails.
    pub(crate) fn list<T>(
        &mut self,
        node: &Node,
        expected: &str,
        mut read: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Option<Spanned<Vec<T>>> {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(node, expected);
            return None;
        };
        let mut ok = true;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match read(self, item) {
                Some(value) => out.push(value),
                None => ok = false,
            }
        }
        ok.then(|| Spanned::new(out, node.span))
    }

    /// A table of string values (labels, annotations), in source order.
    pub(crate) fn string_map(&mut self, node: &Node) -> Option<Vec<KeyValue>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, "a table of strings");
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            // A value already reported as broken (a failed template) keeps its key, so
            // references to it (a ConfigMap key) are not reported as well.
            let value = match &entry.value.kind {
                NodeKind::Invalid => Some(Spanned::new(String::new(), entry.value.span)),
                _ => self.string(&entry.value),
            };
            if let Some(value) = value {
                out.push(KeyValue {
                    key: Spanned::new(entry.key.clone(), entry.key_span),
                    value,
                });
            }
        }
        Some(out)
    }

    /// Opens a table. `head` is where "missing field" points: the key holding the table, or the
    /// table's first line when it is a list element.
    pub(crate) fn table<'n>(
        &mut self,
        node: &'n Node,
        path: String,
        head: Span,
    ) -> Option<Table<'n>> {
        match &node.kind {
            NodeKind::Map(entries) => Some(Table::new(entries, path, head)),
            _ => {
                self.wrong_type(node, "a table");
                None
            }
        }
    }

    /// Reads every element of a list of tables; elements that fail are dropped (and reported).
    /// The flag says whether every element was read.
    pub(crate) fn table_list<T>(
        &mut self,
        node: &Node,
        path: &str,
        mut read: impl FnMut(&mut Self, Table<'_>) -> Option<T>,
    ) -> (Vec<T>, bool) {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(node, "a list of tables");
            return (Vec::new(), false);
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let head = self.first_line(item.span);
            if let Some(table) = self.table(item, format!("{path}[{i}]"), head)
                && let Some(value) = read(self, table)
            {
                out.push(value);
            }
        }
        let complete = out.len() == items.len();
        (out, complete)
    }
}
