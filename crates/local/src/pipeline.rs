//! The upload pipeline, run locally as deployed: the local S3 sends an S3 event notification
//! for every object stored under `uploads/` (a PUT or a POST form), asynchronously, to the
//! processor Lambda's own handler ([`presigner_processor::pipeline::handle_event`]), which
//! reads, judges, publishes and deletes through the local S3 with the local credentials,
//! exactly as the deployed function does through S3 with its role's.

use std::sync::atomic::{AtomicU64, Ordering};

use presigner::api::keys::UPLOAD_PREFIX;
use presigner::config::ConfigError;
use presigner_images::Settings;
use presigner_local_aws::{lambda_env, Notifications, REGION};
use presigner_processor::pipeline::handle_event;
use presigner_processor::store_from_lookup;

/// The local S3's notification configuration, filtered to the upload prefix as the deployed
/// bucket's is: each upload's event goes to the processor's
/// handler, configured as the Lambda reads its environment ([`lambda_env`] for the local S3
/// on `s3_port`), with the image core's default limits. It prints one log line per object,
/// as the Lambda does (never a key, an id or a byte of the image).
pub fn processor_notifications(s3_port: u16) -> Result<Notifications, ConfigError> {
    let env = lambda_env(s3_port);
    let store =
        store_from_lookup(|name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))?;
    let settings = Settings::default();
    static INVOCATIONS: AtomicU64 = AtomicU64::new(0);
    Ok(Notifications::new(UPLOAD_PREFIX, REGION, move |event| {
        let n = INVOCATIONS.fetch_add(1, Ordering::Relaxed);
        for report in handle_event(&store, &settings, &event) {
            println!("{}", report.log_line(&format!("local-processor-{n}")));
        }
    }))
}
