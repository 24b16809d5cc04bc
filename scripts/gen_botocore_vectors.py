#!/usr/bin/env python3
"""Generate vectors/botocore-s3.json and vectors/botocore-post.json: S3 presigned URLs and
browser-form (POST) policies made by botocore, an independent implementation, with its clock
frozen, in this project's vector format (vectors/README.md).

Each URL case records the inputs as plain values and botocore's canonical request, string to
sign, signature and URL (captured from its S3SigV4QueryAuth as it signs). Each POST case
records the inputs of our form (bucket, key, Content-Type, size range, lifetime) and what
botocore's generate_presigned_post makes of the same policy: its policy text, fields and URL.

    python3 -m venv /tmp/venv-vectors
    /tmp/venv-vectors/bin/pip install -r scripts/requirements-vectors.txt
    /tmp/venv-vectors/bin/python scripts/gen_botocore_vectors.py

The output is deterministic: same botocore, same file.
"""

import base64
import datetime
import json
import os
import random

import botocore
import botocore.auth
import botocore.session
import botocore.signers
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+example/token=="

KEYS = [
    "images/test@mail.com/test_id.png",
    "images/user 1/tweet 2.png",
    "a+b+c.png",
    "user@example.com/photo.png",
    "~tilde~/x~y",
    "100%/50%25.png",
    "a=b&c=d",
    "caf\u00e9/\u65e5\u672c\u8a9e.png",
    "emoji/\U0001f600.png",
    "a//b///c",
    "./relative/x",
    "../up/x",
    "a/./b/../c",
    "/leading-slash",
    "trailing/",
    "k" * 1024,
    "\u00e9" * 512,
    "punct !$'()*,;:[]",
    "q?x#y",
    "plus+and space and+plus",
    "tab\there",
    "UPPER/lower/MiXeD.PNG",
    "-._~unreserved",
    "quote\"s<and>{braces}|^`",
]
BUCKETS = ["examplebucket", "my-bucket-1", "dotted.bucket.name", "a.b-c.d", "abc"]
ENDPOINTS = [
    None,
    "http://localhost:9000",
    "https://s3.example.test:8443",
    "http://127.0.0.1:9000",
    "https://minio.internal",
]
REGIONS = ["us-east-1", "ap-northeast-1", "eu-west-2", "us-west-2", "sa-east-1"]
EXPIRIES = [1, 1800, 3600, 604800]
TIMES = [
    datetime.datetime(2015, 8, 30, 12, 36, 0),
    datetime.datetime(2024, 2, 29, 23, 59, 59),
    datetime.datetime(2026, 11, 25, 12, 0, 0),
]


class Capture:
    """Records what botocore's S3 query signer computes."""

    def __init__(self):
        self.values = {}
        cls = botocore.auth.S3SigV4QueryAuth
        orig_creq, orig_sts, orig_sig = cls.canonical_request, cls.string_to_sign, cls.signature
        cap = self

        def canonical_request(self, request):
            cap.values["canonical_request"] = orig_creq(self, request)
            return cap.values["canonical_request"]

        def string_to_sign(self, request, canonical_request):
            cap.values["string_to_sign"] = orig_sts(self, request, canonical_request)
            return cap.values["string_to_sign"]

        def signature(self, string_to_sign, request):
            cap.values["signature"] = orig_sig(self, string_to_sign, request)
            return cap.values["signature"]

        cls.canonical_request = canonical_request
        cls.string_to_sign = string_to_sign
        cls.signature = signature


def case_head(name, token, region, at):
    """The fields every case starts with: its name, the credentials, region and time."""
    return {
        "name": name,
        "credentials": {
            "access_key_id": ACCESS_KEY,
            "secret_access_key": SECRET_KEY,
            "session_token": token,
        },
        "region": region,
        "time": at.strftime("%Y%m%dT%H%M%SZ"),
    }


def freeze(at):
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: at
    botocore.signers.get_current_datetime = lambda remove_tzinfo=True: at


def s3_client(session, region, endpoint, token, style):
    return session.create_client(
        "s3",
        region_name=region,
        endpoint_url=endpoint or f"https://s3.{region}.amazonaws.com",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}),
    )


def addressing_for(bucket, endpoint, force_path):
    """The style we expect: path when forced, for dotted buckets over https, for IP hosts."""
    scheme = (endpoint or "https://").split("://")[0]
    host = (endpoint or "").split("://")[-1].split(":")[0]
    ip = host.replace(".", "").isdigit()
    if force_path or ("." in bucket and scheme == "https") or ip:
        return "path"
    return "virtual"


POST_KEYS = [
    "images/test@mail.com/test_id.png",
    "images/user 1/tweet 2.png",
    "images/caf\u00e9/\u65e5\u672c\u8a9e\U0001f600.png",
    "images/7d8ca528-4931-4254-9273-ea5ee853f271/t1.png",
    "images/quote\"s<and>{braces}|^`/a+b=c&d.png",
    "images/DEL\x7f and ~tilde/x.png",
    "images/" + "k" * 1000 + ".png",
]
POST_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]
POST_MAX = [10485760, 1, 5368709120]


def post_cases(session):
    """Forms as our presigner makes them, made by botocore: Fields {Content-Type}, Conditions
    [{Content-Type}, content-length-range], then botocore adds bucket, key and the x-amz-* ones."""
    cases = []
    for i, key in enumerate(POST_KEYS):
        for j in range(6):
            bucket = BUCKETS[(i + j) % len(BUCKETS)]
            endpoint = ENDPOINTS[(i + j) % len(ENDPOINTS)]
            region = REGIONS[(i + 2 * j) % len(REGIONS)]
            force_path = j % 3 == 2
            token = TOKEN if j % 2 == 0 else None
            content_type = POST_TYPES[(i + j) % len(POST_TYPES)]
            max_bytes = POST_MAX[(i + j) % len(POST_MAX)]
            expires = EXPIRIES[(i * 2 + j) % len(EXPIRIES)]
            at = TIMES[(i + j) % len(TIMES)]
            style = addressing_for(bucket, endpoint, force_path)
            client = s3_client(session, region, endpoint, token, style)
            freeze(at)
            post = client.generate_presigned_post(
                bucket,
                key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=expires,
            )
            policy = base64.b64decode(post["fields"]["policy"]).decode("utf-8")
            cases.append(
                {
                    **case_head(f"botocore-post-{len(cases):03d}", token, region, at),
                    "post": {
                        "endpoint": endpoint or f"https://s3.{region}.amazonaws.com",
                        "addressing": "path" if force_path else "virtual",
                        "bucket": bucket,
                        "key": key,
                        "content_type": content_type,
                        "content_length_range": [1, max_bytes],
                        "expires_in": expires,
                    },
                    "policy": policy,
                    "expected": {
                        "policy_base64": post["fields"]["policy"],
                        "signature": post["fields"]["x-amz-signature"],
                        "fields": [[k, v] for k, v in post["fields"].items()],
                        "url": post["url"],
                    },
                }
            )
    return {
        "format": "presigner-vectors/1",
        "layer": "post",
        "source": f"botocore {botocore.__version__} generate_presigned_post, clock frozen "
        "(scripts/gen_botocore_vectors.py)",
        "derived": [],
        "count": len(cases),
        "cases": cases,
    }


def write(name, data):
    with open(os.path.join(ROOT, "vectors", name), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote vectors/{name}: {data['count']} cases (botocore {botocore.__version__})")


def main():
    capture = Capture()
    session = botocore.session.get_session()
    rng = random.Random(20261125)
    cases = []
    for i, key in enumerate(KEYS):
        for j in range(14):
            bucket = BUCKETS[(i + j) % len(BUCKETS)]
            endpoint = ENDPOINTS[(i * 3 + j) % len(ENDPOINTS)]
            region = REGIONS[(i + 2 * j) % len(REGIONS)]
            force_path = j % 2 == 1
            method = "PUT" if (i + j) % 2 else "GET"
            token = TOKEN if j % 3 == 0 else None
            content_type = "image/png" if method == "PUT" and j % 4 in (1, 3) else None
            expires = EXPIRIES[(i + j) % len(EXPIRIES)] if j < 12 else rng.choice([1, 604800])
            at = TIMES[(i + j) % len(TIMES)]
            style = addressing_for(bucket, endpoint, force_path)
            client = s3_client(session, region, endpoint, token, style)
            params = {"Bucket": bucket, "Key": key}
            if content_type:
                params["ContentType"] = content_type
            freeze(at)
            capture.values.clear()
            url = client.generate_presigned_url(
                "put_object" if method == "PUT" else "get_object", Params=params, ExpiresIn=expires
            )
            cases.append(
                {
                    **case_head(f"botocore-{len(cases):03d}", token, region, at),
                    "expires_in": expires,
                    "s3": {
                        "method": method,
                        "endpoint": endpoint or f"https://s3.{region}.amazonaws.com",
                        "addressing": "path" if force_path else "virtual",
                        "bucket": bucket,
                        "key": key,
                        "headers": [["content-type", content_type]] if content_type else [],
                        "query": [],
                    },
                    "expected": {
                        "canonical_request": capture.values["canonical_request"],
                        "string_to_sign": capture.values["string_to_sign"],
                        "signature": capture.values["signature"],
                        "url": url,
                    },
                }
            )
    data = {
        "format": "presigner-vectors/1",
        "layer": "s3",
        "source": f"botocore {botocore.__version__} generate_presigned_url, clock frozen "
        "(scripts/gen_botocore_vectors.py)",
        "derived": [],
        "count": len(cases),
        "cases": cases,
    }
    write("botocore-s3.json", data)
    write("botocore-post.json", post_cases(session))


if __name__ == "__main__":
    main()
