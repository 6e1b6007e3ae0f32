//! A stand-in for S3 on 127.0.0.1 that records what `publish` sends: the key and body of every
//! PUT, and every connection. It checks no signature (tests/tests/publish.rs does that against
//! moto); it keeps what was uploaded and answers GETs, listings (one page) and conditional
//! writes (`If-None-Match: *`, `If-Match`) from it, which is what the publishing tests ask.
//!
//! `silent()` is the endpoint of the hang report: it accepts connections and never answers.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What is stored: the last ETag number given, and key → (body, ETag number).
type Stored = (u64, BTreeMap<String, (Vec<u8>, u64)>);

/// `(key, body)` of each PUT received, and what is stored.
#[derive(Default)]
struct Puts {
    log: Mutex<Vec<(String, Vec<u8>)>>,
    stored: Mutex<Stored>,
}

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

    /// `(key, body)` of each PUT so far, the key without the bucket and decoded, sorted by key.
    pub fn puts(&self) -> Vec<(String, Vec<u8>)> {
        let mut p: Vec<(String, Vec<u8>)> = self
            .puts
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|(k, b)| (decode(k), b.clone()))
            .collect();
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
        let puts = Arc::new(Puts::default());
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
        let method = line.split_whitespace().next().unwrap_or("").to_string();
        let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let mut length = 0;
        let (mut if_none_match, mut if_match) = (false, None::<String>);
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
                let v = v.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.parse().unwrap();
                } else if k.eq_ignore_ascii_case("if-none-match") {
                    if_none_match = v == "*";
                } else if k.eq_ignore_ascii_case("if-match") {
                    if_match = Some(v.to_string());
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
        let answer = |status: &str, etag: Option<u64>, body: &[u8]| {
            let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
            if let Some(e) = etag {
                head += &format!("ETag: \"{e}\"\r\n");
            }
            head += "\r\n";
            [head.as_bytes(), body].concat()
        };
        let reply = match method.as_str() {
            "PUT" => {
                puts.log.lock().unwrap().push((key.clone(), body.clone()));
                let mut stored = puts.stored.lock().unwrap();
                let current = stored.1.get(&key).map(|(_, e)| format!("\"{e}\""));
                let refused = (if_none_match && current.is_some())
                    || if_match.is_some_and(|m| current.as_deref() != Some(m.as_str()));
                if refused {
                    answer(
                        "412 Precondition Failed",
                        None,
                        b"<Error><Code>PreconditionFailed</Code></Error>",
                    )
                } else {
                    stored.0 += 1;
                    let etag = stored.0;
                    stored.1.insert(key, (body, etag));
                    answer("200 OK", Some(etag), b"")
                }
            }
            "GET" if key.is_empty() => {
                let prefix = query
                    .split('&')
                    .find_map(|p| p.strip_prefix("prefix="))
                    .map(decode)
                    .unwrap_or_default();
                let stored = puts.stored.lock().unwrap();
                let mut xml = String::from("<ListBucketResult><IsTruncated>false</IsTruncated>");
                for k in stored.1.keys().filter(|k| decode(k).starts_with(&prefix)) {
                    xml += &format!("<Contents><Key>{}</Key></Contents>", decode(k));
                }
                xml += "</ListBucketResult>";
                answer("200 OK", None, xml.as_bytes())
            }
            _ => match puts.stored.lock().unwrap().1.get(&key) {
                Some((b, e)) => answer("200 OK", Some(*e), b),
                None => answer(
                    "404 Not Found",
                    None,
                    b"<Error><Code>NoSuchKey</Code></Error>",
                ),
            },
        };
        let _ = writer.write_all(&reply);
    }
}

/// Percent-decoding of a path or query value.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
