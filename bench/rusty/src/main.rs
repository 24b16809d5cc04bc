//! The upload-URL handler on rusty-s3: same event, environment and answer as the presigner.
use std::time::Duration;

use lambda_http::{run, service_fn, Body, Error, Request, Response};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

fn env(name: &str) -> Result<String, Error> {
    std::env::var(name).map_err(|_| Error::from(format!("{name} is not set")))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let endpoint = url::Url::parse(&env("S3_ENDPOINT_URL")?)?;
    let bucket = Bucket::new(
        endpoint,
        UrlStyle::VirtualHost,
        env("S3_BUCKET_NAME")?,
        env("AWS_REGION")?,
    )?;
    let credentials = Credentials::new_with_token(
        env("AWS_ACCESS_KEY_ID")?,
        env("AWS_SECRET_ACCESS_KEY")?,
        env("AWS_SESSION_TOKEN")?,
    );
    let (bucket, credentials) = (&bucket, &credentials);
    run(service_fn(move |request: Request| async move {
        let body: serde_json::Value = serde_json::from_slice(request.body().as_ref())?;
        let (user, tweet) = (
            body["userId"].as_str().unwrap_or_default(),
            body["tweetId"].as_str().unwrap_or_default(),
        );
        let key = format!("images/{user}/{tweet}.png");
        let url = bucket
            .put_object(Some(credentials), &key)
            .sign(Duration::from_secs(1800));
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("access-control-allow-origin", "*")
            .header("access-control-allow-methods", "OPTIONS, POST")
            .header("access-control-allow-headers", "Content-Type")
            .body(Body::Text(
                serde_json::json!({ "presignedUrl": url.as_str() }).to_string(),
            ))
            .map_err(Error::from)
    }))
    .await
}
