//! A minimal HTTP/1.1 client that sends the URL's path and query bytes exactly as given (no
//! normalisation of `./` or `..`) and connects to 127.0.0.1 whatever the host, so virtual-hosted
//! URLs (`bucket.localhost:PORT`) reach the local server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Sends one request; returns status and body. A `content-length` in `headers` replaces the
/// one computed from `body`.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
    let (status, _, body) = exchange(method, url, headers, body);
    (status, body)
}

/// As [`send`], with the response's headers (lowercase names).
pub fn exchange(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, target) = rest.split_at(rest.find('/').expect("a path"));
    let port: u16 = authority
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let mut body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    let response_headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (status, response_headers, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

/// Posts an HTML form as a browser does (`multipart/form-data`): `fields` in order, then the
/// file last, as S3 requires. Returns status and body.
pub fn post_form(url: &str, fields: &[(&str, &str)], file: &[u8]) -> (u16, Vec<u8>) {
    let (status, _, body) = post_form_with(url, &[], fields, file);
    (status, body)
}

/// As [`post_form`], with more request headers (such as a page's `Origin`), returning the
/// response's headers too.
pub fn post_form_with(
    url: &str,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
    file: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let boundary = "----presigner-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.png\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let mut all = vec![("Content-Type", content_type.as_str())];
    all.extend_from_slice(headers);
    exchange("POST", url, &all, &body)
}

/// The `{"name": "value", ...}` object of an answer (an upload's `headers`, a form's
/// `fields`) as pairs, in order; panics on anything else.
pub fn string_pairs(object: &serde_json::Value) -> Vec<(String, String)> {
    object
        .as_object()
        .expect("an object of strings")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_owned()))
        .collect()
}
