//! The Lambda bootstrap: read the configuration once, then run each event through the
//! pipeline. A failed S3 request fails the invocation, so Lambda retries it and, after its
//! retries, sends it to the function's failure destination; a refused image does not.

use std::io::Write;
use std::process::ExitCode;

use lambda_runtime::{service_fn, Error, LambdaEvent};
use presigner_images::Settings;
use presigner_processor::pipeline::handle_event;
use presigner_processor::store_from_lookup;
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let store = match store_from_lookup(|name| std::env::var(name).ok()) {
        Ok(store) => &*Box::leak(Box::new(store)),
        Err(e) => {
            eprintln!("presigner-processor: configuration error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let settings = &*Box::leak(Box::new(Settings::default()));
    let handler = service_fn(move |event: LambdaEvent<Value>| async move {
        // One event at a time per sandbox: the blocking S3 requests hold up nothing else.
        let reports = handle_event(store, settings, &event.payload);
        let mut failed = None;
        for report in &reports {
            let _ = writeln!(
                std::io::stdout().lock(),
                "{}",
                report.log_line(&event.context.request_id)
            );
            if let Err(e) = &report.outcome {
                failed.get_or_insert_with(|| e.to_string());
            }
        }
        match failed {
            None => Ok::<_, Error>(Value::Null),
            Some(e) => Err(Error::from(e)),
        }
    });
    match lambda_runtime::run(handler).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("presigner-processor: runtime error: {e}");
            ExitCode::FAILURE
        }
    }
}
