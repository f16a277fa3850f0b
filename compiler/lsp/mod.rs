//! `kstep lsp`: a language server over standard input and output, for TOML and YAML step
//! files alike.
//!
//! Built on rust-analyzer's `lsp-server` (a synchronous connection over crossbeam channels)
//! and `lsp-types`: kstep's analysis takes milliseconds, so one thread that handles messages
//! in order needs no async runtime, and a change can never overtake the request after it.
//! The loop takes one message, then every message already waiting, and then analyses the
//! documents that changed and publishes their diagnostics: a burst of keystrokes is analysed
//! once.
//!
//! - `documents.rs`: open buffers, incremental changes, what kind of file each is;
//! - `position.rs`: the negotiated position encoding (UTF-16 unless UTF-8 is offered);
//! - `diagnostics.rs`: kstep's diagnostics in LSP terms;
//! - `settings.rs`: the environment and strategy chosen in the editor;
//! - `schema.rs`: the step file's shape, read by hover and completion;
//! - one file per feature: `hover.rs`, `completion.rs`, `actions.rs`, `navigation.rs`,
//!   `symbols.rs`.
//!
//! A handler that fails answers with an error, and one that panics is caught and answers
//! with an internal error: the server keeps running either way.

mod actions;
mod completion;
mod diagnostics;
mod documents;
mod hover;
mod navigation;
mod position;
mod schema;
mod settings;
mod symbols;
mod tree;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    InitializeParams, InitializeResult, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};
use serde_json::Value;

use crate::driver::Overlay;
use crate::driver::editor;
use documents::{Document, Kind};
use position::Encoding;
use settings::Settings;

/// Runs the server on standard input and output until the client says `exit`. `Err` for a
/// broken connection or protocol, and for `exit` without `shutdown` (the protocol asks for
/// exit code 1 then).
pub fn run_stdio() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(connection)?;
    threads.join().map_err(|e| e.to_string())
}

/// Runs the server on a connection (tests use `Connection::memory`). Returns after the
/// client's `shutdown` request.
#[doc(hidden)]
pub fn serve(connection: Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let settings = params
        .initialization_options
        .as_ref()
        .map(Settings::from_json)
        .unwrap_or_default();
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "kstep".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        connection: &connection,
        encoding,
        settings,
        documents: BTreeMap::new(),
        overlay: Overlay::default(),
        published: BTreeMap::new(),
    };
    server.run()
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..lsp_types::CodeActionOptions::default()
            },
        )),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into(), "[".into()]),
            ..lsp_types::CompletionOptions::default()
        }),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// The server's state.
struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    settings: Settings,
    /// By URI.
    documents: BTreeMap<String, Document>,
    /// The open step files and `kstep.toml`s by path, as the driver reads them.
    overlay: Overlay,
    /// What was last published for each open document, and what code actions and navigation
    /// need from its analysis.
    published: BTreeMap<String, Published>,
}

/// The last analysis of a document.
#[derive(Default)]
struct Published {
    found: Vec<diagnostics::Found>,
    /// The step id and its range, for duplicates among the open files.
    step_id: Option<(String, lsp_types::Range)>,
    /// The diagnostics as sent, to send again only what changed.
    sent: Option<Vec<lsp_types::Diagnostic>>,
    vars: Option<crate::template::Vars>,
    placeholders: Vec<String>,
    /// The names the document declares and uses, from its last text that parsed.
    references: Option<navigation::References>,
}

/// A failed request: the error code and message the client gets.
type Failure = (ErrorCode, String);

impl Server<'_> {
    fn run(&mut self) -> Result<(), String> {
        loop {
            let Ok(message) = self.connection.receiver.recv() else {
                return Ok(());
            };
            if self.handle(message)? {
                return Ok(());
            }
            // Everything already waiting, before the (slower) analysis.
            while let Ok(message) = self.connection.receiver.try_recv() {
                if self.handle(message)? {
                    return Ok(());
                }
            }
            self.publish();
        }
    }

    /// Handles one message; `true` after `shutdown`.
    fn handle(&mut self, message: Message) -> Result<bool, String> {
        match message {
            Message::Request(request) => {
                if self
                    .connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(true);
                }
                // Requests see the diagnostics of the text they are about.
                self.publish();
                let id = request.id.clone();
                let response = match catch_unwind(AssertUnwindSafe(|| self.request(request))) {
                    Ok(Ok(result)) => Response::new_ok(id, result),
                    Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                    Err(panic) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("kstep failed on this request: {}", panic_message(&panic)),
                    ),
                };
                self.send(Message::Response(response));
            }
            Message::Notification(notification) => {
                let method = notification.method.clone();
                if method == notif::Exit::METHOD {
                    return Err("the client said `exit` before `shutdown`".to_owned());
                }
                if catch_unwind(AssertUnwindSafe(|| self.notification(notification))).is_err() {
                    self.log(&format!("kstep failed on the notification `{method}`"));
                }
            }
            Message::Response(_) => {}
        }
        Ok(false)
    }

    fn send(&self, message: Message) {
        // The client is gone when this fails; the loop ends on the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn log(&self, message: &str) {
        let params = lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message: message.to_owned(),
        };
        self.send(Message::Notification(Notification::new(
            notif::LogMessage::METHOD.to_owned(),
            params,
        )));
    }

    fn request(&mut self, request: Request) -> Result<Value, Failure> {
        let Request { method, params, .. } = request;
        let result = match method.as_str() {
            req::HoverRequest::METHOD => {
                let p = decode::<req::HoverRequest>(params)?;
                to_json(self.hover(&p.text_document_position_params)?)
            }
            req::CodeActionRequest::METHOD => {
                let p = decode::<req::CodeActionRequest>(params)?;
                let doc = self.document(&p.text_document.uri)?;
                let found = self
                    .published
                    .get(doc.uri.as_str())
                    .map_or(&[][..], |p| &p.found);
                to_json(actions::actions(
                    &doc.uri,
                    &doc.text,
                    found,
                    p.range,
                    &p.context.diagnostics,
                ))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p = decode::<req::DocumentSymbolRequest>(params)?;
                let doc = self.document(&p.text_document.uri)?;
                let outline = match (doc.kind(), doc.language) {
                    (Kind::Step(_), Some(format)) => tree::parse(&doc.text, format)
                        .map(|parsed| symbols::symbols(&parsed.root))
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let range = |span: crate::source::Span| {
                    doc.lines.range(&doc.text, span.range(), self.encoding)
                };
                to_json(lsp_types::DocumentSymbolResponse::Nested(symbols::to_lsp(
                    outline, &range,
                )))
            }
            req::Completion::METHOD => {
                let p = decode::<req::Completion>(params)?;
                to_json(self.completion(&p.text_document_position)?)
            }
            req::GotoDefinition::METHOD => {
                let p = decode::<req::GotoDefinition>(params)?;
                to_json(self.definition(&p.text_document_position_params)?)
            }
            req::References::METHOD => {
                let p = decode::<req::References>(params)?;
                to_json(self.references(&p)?)
            }
            #[cfg(debug_assertions)]
            "kstep/panicForTesting" => panic!("a handler that panics, for the tests"),
            _ => {
                return Err((
                    ErrorCode::MethodNotFound,
                    format!("kstep does not handle `{method}`"),
                ));
            }
        };
        Ok(result)
    }

    /// The open document a request is about.
    fn document(&self, uri: &lsp_types::Uri) -> Result<&Document, Failure> {
        self.documents.get(uri.as_str()).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            )
        })
    }

    /// The document's tree and references, and the byte offset of a position in it.
    fn resolved(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<Option<(&Document, tree::Parsed, navigation::References, usize)>, Failure> {
        let doc = self.document(&at.text_document.uri)?;
        let Some(parsed) = doc
            .language
            .and_then(|format| tree::parse(&doc.text, format))
        else {
            return Ok(None);
        };
        let refs = navigation::resolve(&parsed.root, &doc.text);
        let offset = doc.lines.offset(&doc.text, at.position, self.encoding);
        Ok(Some((doc, parsed, refs, offset)))
    }

    fn location(&self, doc: &Document, span: crate::source::Span) -> lsp_types::Location {
        lsp_types::Location::new(
            doc.uri.clone(),
            doc.lines.range(&doc.text, span.range(), self.encoding),
        )
    }

    fn definition(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<Option<lsp_types::GotoDefinitionResponse>, Failure> {
        let Some((doc, _, refs, offset)) = self.resolved(at)? else {
            return Ok(None);
        };
        let locations: Vec<lsp_types::Location> = match refs.at(offset) {
            Some(navigation::Either::Use(used)) => refs
                .definitions_of(used)
                .into_iter()
                .map(|d| self.location(doc, d.span))
                .collect(),
            Some(navigation::Either::Definition(d)) => vec![self.location(doc, d.span)],
            None => Vec::new(),
        };
        Ok((!locations.is_empty()).then_some(lsp_types::GotoDefinitionResponse::Array(locations)))
    }

    fn references(
        &self,
        params: &lsp_types::ReferenceParams,
    ) -> Result<Option<Vec<lsp_types::Location>>, Failure> {
        let Some((doc, _, refs, offset)) = self.resolved(&params.text_document_position)? else {
            return Ok(None);
        };
        let definitions = match refs.at(offset) {
            Some(navigation::Either::Use(used)) => refs.definitions_of(used),
            Some(navigation::Either::Definition(d)) => vec![d],
            None => return Ok(None),
        };
        let mut spans = Vec::new();
        for definition in definitions {
            if params.context.include_declaration {
                spans.push(definition.span);
            }
            spans.extend(refs.uses_of(definition).into_iter().map(|u| u.span));
        }
        spans.sort();
        spans.dedup();
        Ok(Some(
            spans.into_iter().map(|s| self.location(doc, s)).collect(),
        ))
    }

    fn completion(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<Option<lsp_types::CompletionResponse>, Failure> {
        let doc = self.document(&at.text_document.uri)?;
        // Step files, and empty ones that may become one.
        let format = match doc.kind() {
            Kind::Step(format) => format,
            Kind::Other(Some(format)) if doc.text.trim().is_empty() => format,
            _ => return Ok(None),
        };
        let offset = doc.lines.offset(&doc.text, at.position, self.encoding);
        let references = self
            .published
            .get(doc.uri.as_str())
            .and_then(|p| p.references.as_ref());
        let items = completion::complete(&doc.text, offset, format, references);
        Ok(Some(lsp_types::CompletionResponse::Array(items)))
    }

    fn hover(
        &self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<Option<lsp_types::Hover>, Failure> {
        let doc = self.document(&at.text_document.uri)?;
        let parsed = doc
            .language
            .and_then(|format| tree::parse(&doc.text, format));
        let published = self.published.get(doc.uri.as_str());
        let context = hover::Context {
            text: &doc.text,
            parsed: parsed.as_ref(),
            offset: doc.lines.offset(&doc.text, at.position, self.encoding),
            position: at.position,
            found: published.map_or(&[], |p| &p.found),
            vars: published.and_then(|p| p.vars.as_ref()),
            placeholders: published.map_or(&[], |p| &p.placeholders),
        };
        Ok(hover::hover(&context))
    }

    fn notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        match method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params)
                {
                    let d = p.text_document;
                    let doc = Document::new(d.uri, &d.language_id, d.version, d.text);
                    self.open(doc);
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params)
                {
                    let key = p.text_document.uri.as_str().to_owned();
                    let encoding = self.encoding;
                    if let Some(doc) = self.documents.get_mut(&key) {
                        doc.change(p.text_document.version, p.content_changes, encoding);
                        let doc = self.documents.remove(&key);
                        if let Some(doc) = doc {
                            self.open(doc);
                        }
                    }
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params)
                {
                    self.close(&p.text_document.uri);
                }
            }
            notif::DidChangeConfiguration::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeConfigurationParams>(params)
                {
                    let settings = Settings::from_json(&p.settings);
                    if settings != self.settings {
                        self.settings = settings;
                        self.documents.values_mut().for_each(|d| d.dirty = true);
                    }
                }
            }
            _ => {}
        }
    }

    /// Takes a new or changed document into the state.
    fn open(&mut self, doc: Document) {
        let kind = doc.kind();
        if let Some(path) = &doc.path {
            if matches!(kind, Kind::Step(_) | Kind::Project) {
                self.overlay.set(path.clone(), Arc::from(doc.text.as_str()));
            } else {
                self.overlay.remove(path);
            }
        }
        // A changed `kstep.toml` changes the levels of every step below it.
        if kind == Kind::Project {
            self.documents.values_mut().for_each(|d| d.dirty = true);
        }
        self.documents.insert(doc.uri.as_str().to_owned(), doc);
    }

    fn close(&mut self, uri: &lsp_types::Uri) {
        let Some(doc) = self.documents.remove(uri.as_str()) else {
            return;
        };
        if let Some(path) = &doc.path {
            self.overlay.remove(path);
        }
        if doc.kind() == Kind::Project {
            self.documents.values_mut().for_each(|d| d.dirty = true);
        }
        self.published.remove(uri.as_str());
        // Its diagnostics go with it; duplicates it caused in other files go too.
        self.send_diagnostics(uri.clone(), Vec::new(), None);
        self.publish();
    }

    /// Analyses the documents that changed and publishes their diagnostics, and those of
    /// other documents whose diagnostics changed with them.
    fn publish(&mut self) {
        let dirty: Vec<String> = self
            .documents
            .iter()
            .filter(|(_, d)| d.dirty)
            .map(|(k, _)| k.clone())
            .collect();
        for key in &dirty {
            let doc = &self.documents[key];
            // A bug in kstep on one file is reported there, and the server goes on.
            let published = catch_unwind(AssertUnwindSafe(|| self.analyze(doc)))
                .unwrap_or_else(|panic| failed_analysis(&panic_message(&panic)));
            let previous = self.published.remove(key);
            let (sent, references) = previous.map_or((None, None), |p| (p.sent, p.references));
            let references = published.references.or(references);
            self.published.insert(
                key.clone(),
                Published {
                    sent,
                    references,
                    ..published
                },
            );
            if let Some(doc) = self.documents.get_mut(key) {
                doc.dirty = false;
            }
        }
        let duplicates = self.duplicate_ids();
        let keys: Vec<String> = self.published.keys().cloned().collect();
        for key in keys {
            let Some(doc) = self.documents.get(&key) else {
                continue;
            };
            let (uri, version) = (doc.uri.clone(), doc.version);
            let mut all: Vec<lsp_types::Diagnostic> = self.published[&key]
                .found
                .iter()
                .map(|f| f.diagnostic.clone())
                .collect();
            all.extend(duplicates.get(&key).cloned().unwrap_or_default());
            // A new version always gets its diagnostics; others only when they changed
            // (a duplicate id that came or went).
            if dirty.contains(&key) || self.published[&key].sent.as_ref() != Some(&all) {
                if let Some(p) = self.published.get_mut(&key) {
                    p.sent = Some(all.clone());
                }
                self.send_diagnostics(uri, all, Some(version));
            }
        }
    }

    fn send_diagnostics(
        &self,
        uri: lsp_types::Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            notif::PublishDiagnostics::METHOD.to_owned(),
            params,
        )));
    }

    /// Checks one document as what it is.
    fn analyze(&self, doc: &Document) -> Published {
        let Some(path) = &doc.path else {
            return Published::default();
        };
        match doc.kind() {
            Kind::Step(_) => {
                let analysis =
                    editor::analyze(path, &self.overlay, &self.settings.editor_options());
                let found = diagnostics::convert(
                    &analysis.diagnostics,
                    &analysis.sources,
                    analysis.file,
                    self.encoding,
                    &self.settings,
                );
                let step_id = analysis
                    .step_id
                    .as_ref()
                    .filter(|id| Some(id.span.file) == analysis.file)
                    .map(|id| {
                        let text = analysis.sources.get(id.span.file).text();
                        let range = position::LineIndex::new(text).range(
                            text,
                            id.span.range(),
                            self.encoding,
                        );
                        (id.value.clone(), range)
                    });
                let references = doc
                    .language
                    .and_then(|format| tree::parse(&doc.text, format))
                    .map(|parsed| navigation::resolve(&parsed.root, &doc.text));
                Published {
                    found,
                    step_id,
                    sent: None,
                    vars: analysis.vars,
                    placeholders: analysis.placeholders,
                    references,
                }
            }
            Kind::Project => {
                let (sources, found) = editor::analyze_project(path, &self.overlay);
                let file = sources.find(path);
                Published {
                    found: diagnostics::convert(
                        &found,
                        &sources,
                        file,
                        self.encoding,
                        &self.settings,
                    ),
                    ..Published::default()
                }
            }
            Kind::Other(_) => Published::default(),
        }
    }

    /// `duplicate-step-id` among the open step files, by URI: each file with an id another
    /// open file has too, pointing at the others.
    fn duplicate_ids(&self) -> BTreeMap<String, Vec<lsp_types::Diagnostic>> {
        let mut by_id: BTreeMap<&str, Vec<(&str, lsp_types::Range)>> = BTreeMap::new();
        for (key, published) in &self.published {
            if let Some((id, range)) = &published.step_id {
                by_id.entry(id).or_default().push((key, *range));
            }
        }
        let mut out: BTreeMap<String, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for (id, files) in by_id.into_iter().filter(|(_, f)| f.len() > 1) {
            for (key, range) in &files {
                let related = files
                    .iter()
                    .filter(|(other, _)| other != key)
                    .filter_map(|(other, range)| {
                        let uri = self.documents.get(*other)?.uri.clone();
                        Some(lsp_types::DiagnosticRelatedInformation {
                            location: lsp_types::Location::new(uri, *range),
                            message: "also the id of this step".to_owned(),
                        })
                    })
                    .collect();
                let code = crate::diagnostic::Code::DuplicateStepId.name();
                out.entry((*key).to_owned())
                    .or_default()
                    .push(lsp_types::Diagnostic {
                        range: *range,
                        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                        code: Some(lsp_types::NumberOrString::String(code.to_owned())),
                        code_description: self
                            .settings
                            .page(code)
                            .and_then(|p| p.parse().ok())
                            .map(|href| lsp_types::CodeDescription { href }),
                        source: Some("kstep".to_owned()),
                        message: format!(
                            "{}\nhelp: give each step a unique `id` in its `step` table",
                            crate::driver::duplicate_id_message(id)
                        ),
                        related_information: Some(related),
                        tags: None,
                        data: None,
                    });
            }
        }
        out
    }
}

/// What a document shows when its analysis failed.
fn failed_analysis(message: &str) -> Published {
    let code = crate::diagnostic::Code::InternalError;
    let diagnostic = lsp_types::Diagnostic {
        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
        code: Some(lsp_types::NumberOrString::String(code.name().to_owned())),
        source: Some("kstep".to_owned()),
        message: format!(
            "kstep failed on this file: {message}\nhelp: {}",
            code.summary()
        ),
        ..lsp_types::Diagnostic::default()
    };
    Published {
        found: vec![diagnostics::Found {
            diagnostic,
            code,
            fixes: Vec::new(),
        }],
        ..Published::default()
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown failure".to_owned())
}

/// Decodes a request's parameters.
fn decode<R: req::Request>(params: Value) -> Result<R::Params, Failure> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
