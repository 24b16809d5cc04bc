//! The Lambda bootstrap: read the configuration once, then answer events until the runtime
//! stops us. All logic lives in the library; this only wires it to the runtime and the clock.

use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use lambda_http::lambda_runtime::{self, service_fn, LambdaEvent};
use lambda_http::request::LambdaRequest;
use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::handle_event;
use presigner::sigv4::SigningTime;

fn now() -> SigningTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // A clock outside 1970..9999 is not one this process can sign with; epoch zero gives
    // URLs that S3 refuses as expired rather than a crash.
    SigningTime::from_unix_seconds(secs)
        .or_else(|_| SigningTime::from_unix_seconds(0))
        .unwrap_or_else(|_| unreachable!("epoch zero is in range"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let app = match Config::from_env().map_err(|e| e.to_string()).and_then(|c| App::new(c).map_err(|e| e.to_string())) {
        Ok(app) => &*Box::leak(Box::new(app)),
        Err(message) => {
            // One line, naming the variable; Lambda reports the exit as an init error.
            eprintln!("presigner: configuration error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let handler = service_fn(move |event: LambdaEvent<LambdaRequest>| async move {
        let started = Instant::now();
        let (response, reply) = handle_event(app, event.payload, now());
        let status = reply.response.status().as_u16();
        let micros = started.elapsed().as_micros();
        match &reply.internal_error {
            None => println!(r#"{{"route":"{}","status":{status},"duration_us":{micros}}}"#, reply.route.as_str()),
            Some(detail) => println!(
                r#"{{"route":"{}","status":{status},"duration_us":{micros},"error":{}}}"#,
                reply.route.as_str(),
                serde_json::Value::from(detail.as_str())
            ),
        }
        Ok::<_, lambda_runtime::Error>(response)
    });
    match lambda_runtime::run(handler).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("presigner: runtime error: {e}");
            ExitCode::FAILURE
        }
    }
}
