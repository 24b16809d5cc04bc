"""The original Python 3.9 + boto3 handler's upload route, as Lambda runs it (under
awslambdaric here). Same event, environment and answer as the presigner."""

import json
import os

import boto3
from botocore.config import Config

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT_URL"],
    # With an explicit endpoint_url boto3 makes path-style URLs (so the original did); the bench
    # asks for virtual-hosted ones so every contender's URL is the same.
    config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
)
BUCKET = os.environ["S3_BUCKET_NAME"]
HEADERS = {
    "Content-Type": "application/json",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "OPTIONS, POST",
    "Access-Control-Allow-Headers": "Content-Type",
}


def lambda_handler(event, context):
    try:
        body = json.loads(event["body"])
        key = f"images/{body['userId']}/{body['tweetId']}.png"
        url = s3.generate_presigned_url(
            ClientMethod="put_object",
            Params={"Bucket": BUCKET, "Key": key},
            ExpiresIn=1800,
        )
        return {"statusCode": 200, "headers": HEADERS, "body": json.dumps({"presignedUrl": url})}
    except Exception:
        return {"statusCode": 500, "headers": HEADERS, "body": json.dumps({"message": "InternalServerError"})}
