//! A stand-in for S3 on 127.0.0.1 that records what `publish` sends: the key and body of every
//! PUT, and every connection. It checks no signature (tests/tests/publish.rs does that against
//! moto); it answers what was uploaded, which is what the publishing tests ask.
//!
//! `silent()` is the endpoint of the hang report: it accepts connections and never answers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// `(key, body)` of each PUT received.
type Puts = Mutex<Vec<(String, Vec<u8>)>>;

pub struct FakeS3 {
    pub endpoint: String,
    puts: Arc<Puts>,
    connections: Arc<AtomicUsize>,
}

impl FakeS3 {
    /// Answers every PUT with 200.
    pub fn start() -> FakeS3 {
        Self::spawn(true)
    }

    /// Accepts connections and never reads or answers.
    pub fn silent() -> FakeS3 {
        Self::spawn(false)
    }

    /// `(key, body)` of each PUT so far, the key without the bucket, sorted by key.
    pub fn puts(&self) -> Vec<(String, Vec<u8>)> {
        let mut p = self.puts.lock().unwrap().clone();
        p.sort();
        p
    }

    pub fn keys(&self) -> Vec<String> {
        self.puts().into_iter().map(|(k, _)| k).collect()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn spawn(answer: bool) -> FakeS3 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let puts = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (p, c) = (puts.clone(), connections.clone());
        // Detached: the threads end with the test process.
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for sock in listener.incoming() {
                let Ok(sock) = sock else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                if answer {
                    let p = p.clone();
                    std::thread::spawn(move || serve(sock, &p));
                } else {
                    held.push(sock);
                }
            }
        });
        FakeS3 {
            endpoint,
            puts,
            connections,
        }
    }
}

fn serve(sock: TcpStream, puts: &Puts) {
    let mut reader = BufReader::new(sock.try_clone().unwrap());
    let mut writer = sock;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut length = 0;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        // Path-style: /bucket/key.
        let key = path
            .trim_start_matches('/')
            .split_once('/')
            .map_or(String::new(), |(_, k)| k.to_string());
        puts.lock().unwrap().push((key, body));
        let _ = writer.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }
}
