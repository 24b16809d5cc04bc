//! The floor: the same runtime, event sources and response shape as the presigner, answering
//! a constant body. What any lambda_http function costs before it does anything.
use lambda_http::{run, service_fn, Body, Error, Request, Response};

const BODY: &str = r#"{"presignedUrl":"https://presigner-bench-bucket.s3.ap-northeast-1.amazonaws.com/images/test%40mail.com/test_id.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261125%2Fap-northeast-1%2Fs3%2Faws4_request&X-Amz-Date=20261125T120000Z&X-Amz-Expires=1800&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000"}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    run(service_fn(|_request: Request| async {
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("access-control-allow-origin", "*")
            .header("access-control-allow-methods", "OPTIONS, POST")
            .header("access-control-allow-headers", "Content-Type")
            .body(Body::Text(BODY.to_owned()))
            .map_err(Error::from)
    }))
    .await
}
