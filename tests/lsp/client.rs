//! A language client for the tests: the server runs on a thread over an in-memory
//! connection (`kstep::lsp::serve`), and the test speaks the protocol to it as an editor
//! does: requests with ids, notifications, and the server's notifications collected as
//! they come.

use std::collections::VecDeque;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

pub(crate) struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// Notifications from the server not yet looked at.
    pub(crate) notifications: VecDeque<Notification>,
    /// The initialize result.
    pub(crate) initialized: Value,
}

const TIMEOUT: Duration = Duration::from_secs(60);

impl Client {
    /// Starts a server and initializes it with these client capabilities and options.
    pub(crate) fn start(capabilities: Value, options: Value) -> Client {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || kstep::lsp::serve(server));
        let mut client = Client {
            connection: client,
            server: Some(handle),
            next_id: 0,
            notifications: VecDeque::new(),
            initialized: Value::Null,
        };
        let result = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                }),
            )
            .expect("initialize succeeds");
        client.initialized = result;
        client.notify("initialized", json!({}));
        client
    }

    /// A client with default (UTF-16) capabilities.
    pub(crate) fn new() -> Client {
        Client::start(json!({}), json!({}))
    }

    pub(crate) fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )))
            .expect("the server is running");
    }

    /// Sends a request and waits for its response: the result, or the error's code and
    /// message.
    pub(crate) fn request(&mut self, method: &str, params: Value) -> Result<Value, (i32, String)> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_owned(),
                params,
            )))
            .expect("the server is running");
        loop {
            match self.receive() {
                Message::Response(Response {
                    id: got,
                    result,
                    error,
                }) if got == id => {
                    return match error {
                        Some(error) => Err((error.code, error.message)),
                        None => Ok(result.unwrap_or(Value::Null)),
                    };
                }
                Message::Notification(n) => self.notifications.push_back(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(TIMEOUT)
            .expect("the server answers in time")
    }

    /// Opens a document with its text.
    pub(crate) fn open(&self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        let language = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => "toml",
            _ => "yaml",
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        uri
    }

    /// Waits for the diagnostics of `uri` at `version` (or without a version when `None`).
    pub(crate) fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        loop {
            let found = self.notifications.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"].as_i64() == version
            });
            if let Some(at) = found {
                let n = self.notifications.remove(at).expect("found");
                // Later ones for the same version replace it.
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            match self.receive() {
                Message::Notification(n) => self.notifications.push_back(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    /// Asks for something no handler does, so that every notification sent before is
    /// handled and every diagnostic published: the server handles messages in order.
    pub(crate) fn settle(&mut self) {
        let _ = self.request("kstep/noSuchMethod", json!({}));
    }

    /// The latest diagnostics published for `uri` so far (after [`Client::settle`]).
    pub(crate) fn latest(&mut self, uri: &str) -> Option<Vec<Value>> {
        self.settle();
        let latest = self
            .notifications
            .iter()
            .rev()
            .find(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            .map(|n| {
                n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            });
        self.notifications
            .retain(|n| !(n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri));
        latest
    }

    /// `shutdown`, then `exit`; the server's thread must end cleanly.
    pub(crate) fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null).expect("shutdown");
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("running");
        server.join().expect("no panic").expect("a clean end");
    }
}

/// The `file:` URI of a path, as editors write it.
pub(crate) fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
