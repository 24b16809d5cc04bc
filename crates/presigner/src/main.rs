//! The Lambda bootstrap: read the configuration once, then answer events until the runtime
//! stops us. All logic lives in the library; this only wires it to the runtime and the clock.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use lambda_http::lambda_runtime::{self, service_fn, LambdaEvent};
use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::{clock_now, handle_event, Event};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let app = match Config::from_env()
        .map_err(|e| e.to_string())
        .and_then(|c| App::new(c).map_err(|e| e.to_string()))
    {
        Ok(app) => &*Box::leak(Box::new(app)),
        Err(message) => {
            // One line, naming the variable; Lambda reports the exit as an init error.
            eprintln!("presigner: configuration error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let handler = service_fn(move |event: LambdaEvent<Event>| async move {
        let started = Instant::now();
        let (response, reply) = handle_event(app, &event.payload, clock_now());
        // `println!` would panic, and so abort, if stdout were gone; a lost log line is not
        // worth the sandbox.
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            reply.log_line(&event.context.request_id, started.elapsed())
        );
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
