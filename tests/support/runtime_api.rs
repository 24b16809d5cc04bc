//! A Lambda Runtime API emulator on 127.0.0.1, enough to drive a real bootstrap binary:
//! `GET /2018-06-01/runtime/invocation/next` hands out queued events with the real headers;
//! `POST .../response`, `.../error` and `/runtime/init/error` are recorded.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// (request id or path, body) of each posted response or error.
pub type Posted = Vec<(String, String)>;

/// When things happened, for the cold-start harness.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Arrival of each `GET /next` (the first one marks the end of init).
    pub next_requested: Vec<Instant>,
    /// When each event was handed out, by request id.
    pub served: Vec<(String, Instant)>,
    /// Arrival of each response, by request id.
    pub responded: Vec<(String, Instant)>,
}

#[derive(Default)]
struct State {
    events: VecDeque<String>,
    next_id: u64,
    responses: Posted,
    errors: Posted,
    timeline: Timeline,
    finished: bool,
}

/// Clears `cmd`'s environment and sets what the Lambda service sets for a runtime, pointed at
/// the emulator at `api_addr`.
pub fn runtime_env(cmd: &mut Command, api_addr: &str) {
    cmd.env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api_addr)
        .env("AWS_LAMBDA_FUNCTION_NAME", "presigner")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/presigner")
        .env(
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "2026/11/25/[$LATEST]0123456789abcdef",
        )
        .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        .env("TZ", ":UTC")
        .env("LANG", "en_US.UTF-8")
        .env("PATH", "/usr/local/bin:/usr/bin:/bin");
}

/// A running emulator; it lives until the test process ends.
pub struct RuntimeApi {
    pub addr: String,
    state: Arc<(Mutex<State>, Condvar)>,
}

impl RuntimeApi {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().unwrap().to_string();
        let state: Arc<(Mutex<State>, Condvar)> = Arc::default();
        let shared = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                thread::spawn(move || serve(stream, shared));
            }
        });
        RuntimeApi { addr, state }
    }

    pub fn push_event(&self, event: String) {
        let (lock, cv) = &*self.state;
        lock.lock().unwrap().events.push_back(event);
        cv.notify_all();
    }

    /// Drops every waiting and future `GET /next` once the queue is empty, so the runtime
    /// in the process sees the API go away and exits on its own.
    pub fn finish(&self) {
        let (lock, cv) = &*self.state;
        lock.lock().unwrap().finished = true;
        cv.notify_all();
    }

    /// What happened when, so far.
    pub fn timeline(&self) -> Timeline {
        self.state.0.lock().unwrap().timeline.clone()
    }

    /// Waits (at most `timeout`) until `n` responses or errors have arrived; returns the
    /// responses and errors as (request id, body).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> (Posted, Posted) {
        let (lock, cv) = &*self.state;
        let deadline = Instant::now() + timeout;
        let mut s = lock.lock().unwrap();
        while s.responses.len() + s.errors.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = cv.wait_timeout(s, left).unwrap().0;
        }
        (s.responses.clone(), s.errors.clone())
    }
}

fn serve(stream: TcpStream, state: Arc<(Mutex<State>, Condvar)>) {
    // Each answer goes out in one write, without Nagle's delay, so no client waits on a
    // delayed ACK (40 ms on Linux) whatever its own socket settings.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut length = 0usize;
        let mut chunked = false;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (name, value) = h.split_once(':').unwrap_or((h, ""));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                _ => {}
            }
        }
        let body = if chunked {
            read_chunked(&mut reader)
        } else {
            read_exact(&mut reader, length)
        };
        let (lock, cv) = &*state;
        if method == "GET" && path.ends_with("/runtime/invocation/next") {
            lock.lock()
                .unwrap()
                .timeline
                .next_requested
                .push(Instant::now());
            let (id, event) = {
                let mut s = lock.lock().unwrap();
                while s.events.is_empty() {
                    if s.finished {
                        return;
                    }
                    s = cv.wait(s).unwrap();
                }
                s.next_id += 1;
                (format!("req-{}", s.next_id), s.events.pop_front().unwrap())
            };
            let deadline = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 30_000;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: {id}\r\n\
                 Lambda-Runtime-Deadline-Ms: {deadline}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:ap-northeast-1:123456789012:function:presigner\r\n\
                 Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r\n\
                 Content-Length: {}\r\n\r\n",
                event.len()
            );
            if out.write_all((head + &event).as_bytes()).is_err() {
                return;
            }
            lock.lock()
                .unwrap()
                .timeline
                .served
                .push((id, Instant::now()));
        } else if method == "POST" {
            let id = path.split('/').nth(4).unwrap_or("").to_owned();
            {
                let mut s = lock.lock().unwrap();
                if path.ends_with("/response") {
                    s.timeline.responded.push((id.clone(), Instant::now()));
                    s.responses.push((id, body));
                } else {
                    s.errors.push((path.clone(), body));
                }
            }
            cv.notify_all();
            let reply = "{\"status\":\"OK\"}";
            let head = format!("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", reply.len());
            if out.write_all((head + reply).as_bytes()).is_err() {
                return;
            }
        } else {
            let _ = out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
    }
}

fn read_exact(reader: &mut impl Read, n: usize) -> String {
    let mut buf = vec![0; n];
    let _ = reader.read_exact(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> String {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        if reader.read_line(&mut size).unwrap_or(0) == 0 {
            break;
        }
        let n =
            usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
        let mut chunk = vec![0; n + 2];
        if reader.read_exact(&mut chunk).is_err() {
            break;
        }
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8_lossy(&body).into_owned()
}
