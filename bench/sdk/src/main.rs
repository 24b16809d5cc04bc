//! The upload-URL handler on the AWS SDK: same event, environment and answer as the presigner.
use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use lambda_http::{run, service_fn, Body, Error, Request, Response};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let bucket = std::env::var("S3_BUCKET_NAME")?;
    let endpoint = std::env::var("S3_ENDPOINT_URL")?;
    let config = aws_config::load_from_env().await;
    let s3 = aws_sdk_s3::config::Builder::from(&config)
        .endpoint_url(endpoint)
        // Browsers cannot add the checksum the SDK would otherwise sign into upload URLs.
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    let client = aws_sdk_s3::Client::from_conf(s3);
    let (client, bucket) = (&client, bucket.as_str());
    run(service_fn(move |request: Request| async move {
        let body: serde_json::Value = serde_json::from_slice(request.body().as_ref())?;
        let (user, tweet) = (
            body["userId"].as_str().unwrap_or_default(),
            body["tweetId"].as_str().unwrap_or_default(),
        );
        let presigned = client
            .put_object()
            .bucket(bucket)
            .key(format!("images/{user}/{tweet}.png"))
            .presigned(PresigningConfig::expires_in(Duration::from_secs(1800))?)
            .await?;
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("access-control-allow-origin", "*")
            .header("access-control-allow-methods", "OPTIONS, POST")
            .header("access-control-allow-headers", "Content-Type")
            .body(Body::Text(
                serde_json::json!({ "presignedUrl": presigned.uri() }).to_string(),
            ))
            .map_err(Error::from)
    }))
    .await
}
