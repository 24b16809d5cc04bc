#!/usr/bin/env python3
"""Transcribe AWS's published SigV4 vectors into this project's own format (vectors/README.md).

Reads ../shared/aws-sigv4-vectors (the aws-c-auth v4 suite, the S3 documentation's presign
example and its browser-form POST example) and writes vectors/aws-sigv4-suite.json,
vectors/s3-docs.json and vectors/s3-post-docs.json. Only the facts carry
over: each case's inputs as plain values, and its published canonical request, string to sign,
signature and signed query parameters. Two fields are derived here and marked so: the signing
key (the HMAC chain, which the sources give only as a formula) and, for the generic suite, the
URL in our parameter order (the suite prints parameters in another order; the test checks the
set against the published one as well).

Usage: python3 scripts/transcribe_aws_vectors.py [path/to/aws-sigv4-vectors]
"""

import hashlib
import hmac
import json
import os
import sys
from urllib.parse import quote, unquote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key.hex()


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def split_query(query):
    """Decoded [name, value] pairs of a query string, in the order given."""
    pairs = []
    for part in query.split("&") if query else []:
        name, _, value = part.partition("=")
        pairs.append([unquote(name), unquote(value)])
    return pairs


def parse_request(text):
    """request.txt: request line, headers (continuations folded with a space), blank, body."""
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    # Paths may hold a space ("GET /example space/ HTTP/1.1"): the target is what lies
    # between the method and the last space.
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    path, _, query = target.partition("?")
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        if line[:1] in (" ", "\t") and headers:
            headers[-1][1] += " " + line
            continue
        name, _, value = line.partition(":")
        headers.append([name, value])
    return method, path, split_query(query), headers, body


def signed_request_query(text):
    first = text.split("\n", 1)[0]
    target = first.split(" ", 1)[1].rsplit(" ", 1)[0]
    return sorted(split_query(target.partition("?")[2]))


def amz_date(iso):
    # "2015-08-30T12:36:00Z" -> "20150830T123600Z"
    return iso.replace("-", "").replace(":", "")


def transcribe_suite(src):
    suite = os.path.join(src, "v4")
    cases = []
    for name in sorted(os.listdir(suite)):
        folder = os.path.join(suite, name)
        if not os.path.isdir(folder):
            continue
        ctx = json.loads(read(os.path.join(folder, "context.json")))
        method, path, query, headers, body = parse_request(read(os.path.join(folder, "request.txt")))
        host = [v for n, v in headers if n.lower() == "host"]
        headers = [[n, v] for n, v in headers if n.lower() != "host"]
        creds = ctx["credentials"]
        token = creds.get("token")
        omit = ctx.get("omit_session_token", False)
        time = amz_date(ctx["timestamp"])
        payload = body if ctx["sign_body"] else ""
        creq = read(os.path.join(folder, "query-canonical-request.txt"))
        sts = read(os.path.join(folder, "query-string-to-sign.txt"))
        sig = read(os.path.join(folder, "query-signature.txt")).strip()
        published = signed_request_query(read(os.path.join(folder, "query-signed-request.txt")))
        canonical_query = creq.split("\n")[2]
        url_query = canonical_query
        if token and omit:
            url_query += "&X-Amz-Security-Token=" + quote(token, safe="-_.~")
        url_query += "&X-Amz-Signature=" + sig
        cases.append(
            {
                "name": name,
                "settings": {
                    "uri_encoding": "twice",
                    "normalize_path": ctx["normalize"],
                    "session_token": "appended_after_signing" if omit else "signed",
                },
                "credentials": {
                    "access_key_id": creds["access_key_id"],
                    "secret_access_key": creds["secret_access_key"],
                    "session_token": token,
                },
                "region": ctx["region"],
                "service": ctx["service"],
                "time": time,
                "expires_in": ctx["expiration_in_seconds"],
                "request": {
                    "method": method,
                    "scheme": "https",
                    "host": host[0],
                    "path": path,
                    "query": query,
                    "headers": headers,
                    "payload_hash": hashlib.sha256(payload.encode()).hexdigest(),
                },
                "expected": {
                    "canonical_request": creq,
                    "string_to_sign": sts,
                    "signing_key": signing_key(
                        creds["secret_access_key"], time[:8], ctx["region"], ctx["service"]
                    ),
                    "signature": sig,
                    "url": "https://" + host[0] + path + "?" + url_query,
                    "published_query": published,
                },
            }
        )
    return {
        "format": "presigner-vectors/1",
        "layer": "sigv4",
        "source": "AWS SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4), query-string "
        "outputs; see vectors/README.md",
        "derived": ["expected.signing_key", "expected.url (parameter order)"],
        "count": len(cases),
        "cases": cases,
    }


def transcribe_s3_docs(src):
    doc = json.loads(read(os.path.join(src, "s3-docs-example.json")))
    i, e = doc["inputs"], doc["expected"]
    bucket_host = i["host"]
    endpoint_host = bucket_host[len(i["bucket"]) + 1 :]
    case = {
        "name": "s3-docs-get-object-presigned",
        "credentials": {
            "access_key_id": i["access_key_id"],
            "secret_access_key": i["secret_access_key"],
            "session_token": i["session_token"],
        },
        "region": i["region"],
        "time": i["timestamp"],
        "expires_in": i["expires_in_seconds"],
        "s3": {
            "method": i["method"],
            "endpoint": "https://" + endpoint_host,
            "addressing": "virtual",
            "bucket": i["bucket"],
            "key": i["key"],
            "headers": [],
            "query": [],
        },
        "expected": {
            "canonical_request": e["canonical_request"],
            "string_to_sign": e["string_to_sign"],
            "signing_key": signing_key(
                i["secret_access_key"], i["timestamp"][:8], i["region"], i["service"]
            ),
            "signature": e["signature"],
            "url": e["url"],
        },
    }
    return {
        "format": "presigner-vectors/1",
        "layer": "s3",
        "source": "Amazon S3 API Reference, 'Authenticating Requests: Using Query Parameters "
        "(AWS Signature Version 4)', section 'An Example'",
        "derived": ["expected.signing_key"],
        "count": 1,
        "cases": [case],
    }


def transcribe_s3_post(src):
    doc = json.loads(read(os.path.join(src, "s3-post-policy-examples.json")))
    credentials = {
        "access_key_id": doc["credentials"]["access_key_id"],
        "secret_access_key": doc["credentials"]["secret_access_key"],
        "session_token": None,
    }
    cases = []
    for c in doc["cases"]:
        text = c.get("policy_text_crlf", c.get("policy_text"))
        cases.append({
            "name": c["name"],
            "credentials": credentials,
            "region": doc["region"],
            "time": doc["date"] + "T000000Z",
            "policy": text,
            "expected": {
                "policy_base64": c["policy_base64"],
                "signing_key": signing_key(
                    credentials["secret_access_key"], doc["date"], doc["region"], doc["service"]
                ),
                "signature": c["signature"],
            },
        })
    return {
        "format": "presigner-vectors/1",
        "layer": "post",
        "source": "Amazon S3 API Reference, 'Example: Browser-Based Upload using HTTP POST (Using AWS "
        "Signature Version 4)' (policy text with CRLF line ends, signature 8afdbf40...); and one "
        "policy from botocore's generate_presigned_post with its clock frozen at 2015-12-29T00:00:00Z",
        "derived": ["expected.signing_key"],
        "count": len(cases),
        "cases": cases,
    }


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "aws-sigv4-vectors")
    out = os.path.join(ROOT, "vectors")
    for name, data in [
        ("aws-sigv4-suite.json", transcribe_suite(src)),
        ("s3-docs.json", transcribe_s3_docs(src)),
        ("s3-post-docs.json", transcribe_s3_post(src)),
    ]:
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"wrote vectors/{name}: {data['count']} cases")


if __name__ == "__main__":
    main()
