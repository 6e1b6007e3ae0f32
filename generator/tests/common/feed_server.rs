//! A file server on 127.0.0.1 for `scanlens feeds fetch`: fixed answers by path (a body, a
//! status, a redirect, a body dripped a byte at a time), one request per connection. `silent()`
//! accepts connections and never answers, the publisher that hangs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// What the server answers for a path.
#[derive(Clone)]
pub enum Answer {
    Body(Vec<u8>),
    Status(u16),
    Redirect(String),
    /// A 200 that promises a megabyte and sends one byte every 200 ms, for as long as the
    /// client reads: every read makes progress, so only a limit on the whole transfer ends it.
    Drip,
}

pub struct FeedServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl FeedServer {
    pub fn start(routes: Vec<(&str, Answer)>) -> FeedServer {
        let routes: Arc<HashMap<String, Answer>> = Arc::new(
            routes
                .into_iter()
                .map(|(p, a)| (p.to_string(), a))
                .collect(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        // Detached: the threads end with the test process.
        std::thread::spawn(move || {
            for sock in listener.incoming().flatten() {
                let routes = routes.clone();
                std::thread::spawn(move || serve(sock, &routes));
            }
        });
        FeedServer { base }
    }

    /// Accepts connections, reads nothing, answers nothing.
    pub fn silent() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for sock in listener.incoming().flatten() {
                held.push(sock);
            }
        });
        FeedServer { base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(sock: TcpStream, routes: &HashMap<String, Answer>) {
    let mut reader = BufReader::new(sock.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    if let Some(Answer::Drip) = routes.get(path) {
        let mut sock = sock;
        let _ = sock.write_all(b"HTTP/1.1 200 X\r\nContent-Length: 1000000\r\n\r\n");
        while sock.write_all(b" ").and_then(|_| sock.flush()).is_ok() {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        return;
    }
    let (status, extra, body) = match routes.get(path) {
        Some(Answer::Body(b)) => (200, String::new(), b.clone()),
        Some(Answer::Status(s)) => (*s, String::new(), b"no".to_vec()),
        Some(Answer::Redirect(to)) => (302, format!("Location: {to}\r\n"), Vec::new()),
        Some(Answer::Drip) => unreachable!("answered above"),
        None => (404, String::new(), b"not found".to_vec()),
    };
    let mut sock = sock;
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = sock.write_all(head.as_bytes());
    let _ = sock.write_all(&body);
}
