#!/usr/bin/env python3
"""Checks template.yaml as deployed, variant by variant. Every step must be clean.

1. cfn-lint on the SAM template as written;
2. cfn-lint on the template expanded to plain CloudFormation by samtranslator (offline),
   because cfn-lint alone does not look inside AWS::Serverless::Function;
3. for each deployable variant (front door x authentication), the expansion resolved the way
   CloudFormation would for those parameters (conditions decided, Fn::If taken, resources
   of false conditions gone): cfn-lint on it, then assertions on its wiring (authorizer on
   every route when on, but the download routes under DownloadAccess=anyone; CORS,
   throttling, the bucket policy and its numbers (uploads bound by the lifetime the function
   reads from UPLOAD_URL_EXPIRES_SECONDS; with constrained uploads, the function's presigned
   PUTs refused without If-None-Match, and under the open contract nothing demanding it),
   lifecycle, outputs, the function's environment and least-privilege role; under
   Downloads=CloudFront the distribution: the key group trusting the stack's public key on every
   behaviour, HTTPS only, a cache key of the path alone, at most a day at the edge, origin access
   control on the bucket and the bucket policy letting that distribution alone read images/*, the function's CLOUDFRONT_* environment from a dynamic reference; with
   RateLimitPerIp the web ACL on the REST stage, its one rule blocking an IP past the limit; with
   AccessLogs the images bucket's server access logs in a private, SSE-S3, expiring log bucket
   that only the logging service may write to, for the images bucket of this account);
4. the same assertions (without cfn-lint) on every combination of who may ask (front door,
   issuer, audience, pool, TrustBodyUserId, DownloadAccess) and of Downloads that the Rules
   accept (with constrained and with open uploads), on every pair of UrlCacheWindowSeconds and
   UrlExpiresSeconds and on every UploadUrlExpiresSeconds; each Mappings cell against its
   formula; the CloudFront parameters' patterns against a real public key, what an
   unquoted override leaves of it, and a private key;
5. the template's Rules: every variant passes them; each inconsistent parameter set (no
   authenticator without the open contract chosen on purpose, an authenticator on the wrong
   front door, an issuer without an audience, owner-only downloads under the open contract,
   CloudFront downloads without the key pair or with open uploads, CloudFront keys with S3
   downloads, a function URL without ReservedConcurrency, RateLimitPerIp on an HTTP API or a
   function URL) is refused;
6. the REST stage on update: for each REST variant, every parameter changed to each of its other
   values (and every accepted combination against every other): whenever the REST resources a
   deployment snapshots change, so does what makes CloudFormation make a new deployment for the
   stage (RestDeployment's properties; an AWS::ApiGateway::Deployment never counts, it is
   updated in place); RestDeployer's code, run against a stand-in API Gateway and CloudFormation,
   makes a deployment (a new physical id) on Create and Update, deletes the old one on Delete and
   always answers; RestDeployment's Revision is the digest of the REST resources as written.

`--self-test` then breaks the template in each way the assertions guard against (an
authorizer dropped from one route, throttling removed, a bucket policy statement missing, the
trusted key group dropped, query strings in the cache key, the origin or the pool left out of
the REST deployment's Snapshot, ...) and checks that the assertions catch each break.

Usage: python3 scripts/check_template.py [template.yaml] [--self-test [--verbose]]
(--verbose prints, for each break, the refusal that caught it.)
"""

import copy
import functools
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator import translator as translator_module
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ORIGIN = "https://app.example.com"
ISSUER = "https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_EXAMPLE"
POOL = "arn:aws:cognito-idp:ap-northeast-1:123456789012:userpool/ap-northeast-1_EXAMPLE"
# A real P-256 public key (`openssl ecparam -name prime256v1 -genkey -noout | openssl ec -pubout`;
# its private key was thrown away), and the Secrets Manager secret, by name and by ARN.
PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcdjQIUHQCjpVMaERFTnBw5yEqLXr
+aYmOAbizUKGz682OWJbO62iiLs5w18CS+dWJo1Muby4hHyPZ5h/1bEpKw==
-----END PUBLIC KEY-----"""
SECRET = "presigner/cloudfront-key"
SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:presigner/cloudfront-key-AbCdEf"
CLOUDFRONT = {"Downloads": "CloudFront", "CloudFrontPublicKey": PUBLIC_KEY, "CloudFrontPrivateKeySecret": SECRET}

# The deployable variants: every front door, with and without authentication.
VARIANTS = {
    "rest-open": {"FrontDoor": "RestApi", "TrustBodyUserId": "true"},
    "rest-cognito": {"FrontDoor": "RestApi", "CognitoUserPoolArn": POOL},
    "http-open": {"FrontDoor": "HttpApi", "TrustBodyUserId": "true"},
    "http-jwt": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example"},
    "url-open": {"FrontDoor": "FunctionUrl", "TrustBodyUserId": "true", "ReservedConcurrency": "20"},
    "http-jwt-arm64": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example",
                       "Architecture": "arm64"},
    # DownloadAccess: a public timeline behind each authenticator, and owner-only downloads.
    # With them, the longest URL lifetime (the cache window shortened to 0) and the window off.
    "rest-cognito-anyone": {"FrontDoor": "RestApi", "CognitoUserPoolArn": POOL, "DownloadAccess": "anyone",
                            "UrlExpiresSeconds": "604800"},
    "http-jwt-anyone": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example",
                        "DownloadAccess": "anyone"},
    "http-jwt-owner": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example",
                       "DownloadAccess": "owner", "UrlCacheWindowSeconds": "0"},
    # Downloads=CloudFront behind each authenticator, for a public timeline, owner-only (the secret
    # by ARN, every edge) and under the open contract on a function URL.
    "rest-cognito-cloudfront": dict(CLOUDFRONT, FrontDoor="RestApi", CognitoUserPoolArn=POOL),
    "http-jwt-cloudfront-anyone": dict(CLOUDFRONT, FrontDoor="HttpApi", JwtIssuer=ISSUER, JwtAudience="4example",
                                       DownloadAccess="anyone"),
    "http-jwt-cloudfront-owner": dict(CLOUDFRONT, FrontDoor="HttpApi", JwtIssuer=ISSUER, JwtAudience="4example",
                                      DownloadAccess="owner", CloudFrontPrivateKeySecret=SECRET_ARN,
                                      CloudFrontPriceClass="PriceClass_All"),
    "url-open-cloudfront": dict(CLOUDFRONT, FrontDoor="FunctionUrl", TrustBodyUserId="true", ReservedConcurrency="1"),
    # RateLimitPerIp: an AWS WAF web ACL on the REST stage.
    "rest-cognito-rate-limit": {"FrontDoor": "RestApi", "CognitoUserPoolArn": POOL, "RateLimitPerIp": "1000"},
    # AccessLogs: the images bucket's server access logs in a log bucket.
    "http-jwt-access-logs": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example",
                             "AccessLogs": "true", "AccessLogExpirationDays": "30"},
    # The original's contract for an old front end: open upload URLs (no If-None-Match, the upload
    # lifetime UrlExpiresSeconds); and constrained uploads with a lifetime of their own.
    "rest-open-open-uploads": {"FrontDoor": "RestApi", "TrustBodyUserId": "true", "RequireUploadConstraints": "false"},
    "http-jwt-upload-60": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example",
                           "UploadUrlExpiresSeconds": "60"},
    # UploadForms=refused: the bucket refuses the function's forms (S3 has no conditional POST).
    "rest-cognito-no-forms": {"FrontDoor": "RestApi", "CognitoUserPoolArn": POOL, "UploadForms": "refused"},
    # ImagePipeline (on in every variant above): off, the original's contract whole (no processor,
    # uploads and downloads on images/*), and off under CloudFront downloads and refused forms; on
    # with the processor's concurrency unreserved.
    "rest-open-pipeline-off": {"FrontDoor": "RestApi", "TrustBodyUserId": "true", "RequireUploadConstraints": "false",
                               "ImagePipeline": "off"},
    "http-jwt-cloudfront-pipeline-off": dict(CLOUDFRONT, FrontDoor="HttpApi", JwtIssuer=ISSUER, JwtAudience="4example",
                                             ImagePipeline="off", UploadForms="refused"),
    "http-jwt-arm64-pipeline-unreserved": {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "4example",
                                           "Architecture": "arm64", "ProcessorConcurrency": "0"},
}

# Every parameter set that steers who may ask, with either kind of download URL: each one the Rules
# accept is asserted in full (no cfn-lint), so no combination deploys downloads without an
# authorizer unless DownloadAccess=anyone or the open contract was chosen, none deploys a function
# that would refuse to start, and each kind of download is wired whoever may ask.
COMBINATIONS = [
    dict(downloads, **uploads, FrontDoor=door, JwtIssuer=issuer, JwtAudience=audience, CognitoUserPoolArn=pool,
         TrustBodyUserId=trust, DownloadAccess=access, ReservedConcurrency="20" if door == "FunctionUrl" else "0")
    for door in ("RestApi", "HttpApi", "FunctionUrl")
    for issuer in ("", ISSUER) for audience in ("", "4example") for pool in ("", POOL)
    for trust in ("true", "false") for access in ("signed-in", "owner", "anyone")
    for downloads in ({"Downloads": "S3"}, CLOUDFRONT)
    for uploads in ({"RequireUploadConstraints": "true", "ImagePipeline": "on"},
                    {"RequireUploadConstraints": "false", "ImagePipeline": "on"},
                    {"RequireUploadConstraints": "true", "ImagePipeline": "off"})
]

# Under Downloads=CloudFront: one resource of each type, by name; the function's environment; the
# dynamic reference that reads the private key from Secrets Manager when CloudFormation deploys.
CLOUDFRONT_RESOURCES = {
    "AWS::CloudFront::PublicKey": "CloudFrontKey",
    "AWS::CloudFront::KeyGroup": "CloudFrontKeyGroup",
    "AWS::CloudFront::OriginAccessControl": "CloudFrontOriginAccessControl",
    "AWS::CloudFront::CachePolicy": "CloudFrontCachePolicy",
    "AWS::CloudFront::ResponseHeadersPolicy": "CloudFrontResponseHeadersPolicy",
    "AWS::CloudFront::Distribution": "CloudFrontDistribution",
}
SECRET_REFERENCE = "{{resolve:secretsmanager:${CloudFrontPrivateKeySecret}:SecretString}}"
CLOUDFRONT_ENV = {
    "CLOUDFRONT_DOMAIN": {"Fn::GetAtt": ["CloudFrontDistribution", "DomainName"]},
    "CLOUDFRONT_KEY_PAIR_ID": {"Ref": "CloudFrontKey"},
    "CLOUDFRONT_PRIVATE_KEY": {"Fn::Sub": SECRET_REFERENCE},
}

# The routes that DownloadAccess=anyone leaves without an authorizer.
DOWNLOAD_ROUTES = {"download_url", "download_urls"}

# The routes, each on every front door (the function URL serves every path: the function routes),
# and the output that names its endpoint.
ROUTES = {"upload_url": "UploadUrlEndpoint", "upload_form": "UploadFormEndpoint",
          "download_url": "DownloadUrlEndpoint", "download_urls": "DownloadUrlsEndpoint"}

# How each architecture's function is built, statically: SAM's Rust builder for x86_64 (its
# `cargo lambda build --release` builds the target Cargo.toml names), the Makefile for arm64
# (SAM's Rust builder would pass --arm64, which cargo-lambda builds as glibc, dynamic).
FUNCTIONS = {"x86_64": "PresignerFunction", "arm64": "PresignerFunctionArm64"}
# The processor (ImagePipeline=on), built the same two ways; SAM's Rust builder runs in its
# package (CodeUri), since at the root cargo looks for `--bin` in the default member alone.
PROCESSORS = {"x86_64": "ProcessorFunction", "arm64": "ProcessorFunctionArm64"}
PROCESSOR_CODE = "crates/processor"


def check_static_builds(sam, root):
    """The build recipes behind the two functions produce static musl binaries."""
    import tomllib

    # cargo-lambda reads the workspace's build settings at the root and the package's own; both
    # must name static musl, whichever it picks.
    with open(os.path.join(root, "Cargo.toml"), "rb") as f:
        workspace = tomllib.load(f)
    with open(os.path.join(root, "crates", "presigner", "Cargo.toml"), "rb") as f:
        package = tomllib.load(f)
    with open(os.path.join(root, PROCESSOR_CODE, "Cargo.toml"), "rb") as f:
        processor = tomllib.load(f)
    for label, table in (("workspace", workspace.get("workspace", {})),
                         ("crates/presigner", package.get("package", {})),
                         (PROCESSOR_CODE, processor.get("package", {}))):
        target = table.get("metadata", {}).get("lambda", {}).get("build", {}).get("target")
        check(target == ["x86_64-unknown-linux-musl"], f"{label}: cargo-lambda's default target is {target}")
    x86 = sam["Resources"][FUNCTIONS["x86_64"]]
    check(x86["Metadata"]["BuildMethod"] == "rust-cargolambda", "x86_64: SAM's Rust builder")
    check(x86["Metadata"]["BuildProperties"]["Binary"] == "presigner", "x86_64: the presigner binary")
    arm = sam["Resources"][FUNCTIONS["arm64"]]
    check(arm["Metadata"]["BuildMethod"] == "makefile", "arm64: SAM's makefile builder")
    with open(os.path.join(root, "Makefile")) as f:
        makefile = f.read()
    recipe = makefile.split("build-PresignerFunctionArm64:", 1)[-1].split("\n\n", 1)[0]
    check("cargo lambda build --release" in recipe and "--target aarch64-unknown-linux-musl" in recipe
          and '$(ARTIFACTS_DIR)/bootstrap' in recipe, "arm64: the Makefile builds static musl into ARTIFACTS_DIR")
    check(workspace["workspace"].get("default-members") == ["crates/presigner"]
          and any(b.get("name") == "presigner-processor" for b in processor.get("bin", [])),
          "the processor's binary is presigner-processor, outside the default member")
    x86 = sam["Resources"][PROCESSORS["x86_64"]]
    check(x86["Metadata"] == {"BuildMethod": "rust-cargolambda", "BuildProperties": {"Binary": "presigner-processor"}}
          and x86["Properties"].get("CodeUri") == PROCESSOR_CODE,
          f"x86_64 processor: SAM's Rust builder for presigner-processor, in {PROCESSOR_CODE}")
    arm = sam["Resources"][PROCESSORS["arm64"]]
    check(arm["Metadata"] == {"BuildMethod": "makefile"} and "CodeUri" not in arm["Properties"],
          "arm64 processor: SAM's makefile builder, with the root Makefile")
    recipe = makefile.split("build-ProcessorFunctionArm64:", 1)[-1].split("\n\n", 1)[0]
    check("cargo lambda build --release -p presigner-processor --bin presigner-processor" in recipe
          and "--target aarch64-unknown-linux-musl" in recipe
          and "target/lambda-arm64/presigner-processor/bootstrap \"$(ARTIFACTS_DIR)/bootstrap\"" in recipe,
          "arm64 processor: the Makefile builds static musl into ARTIFACTS_DIR")
    # The processor's timeout outlasts one S3 request's own (a stalled request then fails with a
    # log line naming it, instead of Lambda killing the function mid-way).
    with open(os.path.join(root, PROCESSOR_CODE, "src", "http.rs")) as f:
        request = re.search(r"const TIMEOUT: Duration = Duration::from_secs\((\d+)\);", f.read())
    check(request is not None and PROCESSOR_TIMEOUT_S >= 2 * int(request.group(1)),
          f"the processor's timeout {PROCESSOR_TIMEOUT_S} s is not twice one S3 request's "
          f"{request and request.group(1)} s (crates/processor/src/http.rs)")
    # The processor's memory is sized by measurement: at least 1.5 times the largest peak RSS of
    # an admitted image in bench/processor/memory.md (bench/processor/memory writes it).
    with open(os.path.join(root, "bench", "processor", "memory.md")) as f:
        rows = [row.split("|") for row in f if row.startswith("|")]
    # The peak's column is found by its header, so the table may gain columns.
    column = next((i for i, cell in enumerate(rows[0]) if cell.strip() == "peak RSS (MiB)"), None) if rows else None
    check(column is not None, "bench/processor/memory.md has no 'peak RSS (MiB)' column")
    peaks = [float(row[column].split()[0]) for row in rows[1:] if column is not None and len(row) > column
             and "refused" not in "|".join(row) and re.match(r"\s*[\d.]+ \(", row[column])]
    check(peaks and PROCESSOR_MEMORY_MB >= 1.5 * max(peaks),
          f"the processor's {PROCESSOR_MEMORY_MB} MB is under 1.5 times the worst admitted image's peak RSS "
          f"{max(peaks or [0])} MiB (bench/processor/memory.md)")
    for arch, fn_name in PROCESSORS.items():
        fn = sam["Resources"][fn_name]["Properties"]
        check((fn["MemorySize"], fn["Timeout"]) == (PROCESSOR_MEMORY_MB, PROCESSOR_TIMEOUT_S),
              f"{fn_name}: {fn['MemorySize']} MB and {fn['Timeout']} s")
    with open(os.path.join(root, "samconfig.toml"), "rb") as f:
        samconfig = tomllib.load(f)
    build = samconfig["default"]["build"]["parameters"]
    check(build.get("beta_features") is True and build.get("build_in_source") is True,
          "samconfig.toml: beta features (the Rust builder) and builds in source")

# Parameter sets the Rules must refuse, with a word of the refusal.
REFUSED = {
    "no authenticator and the open contract not chosen": ({"FrontDoor": "RestApi"}, "401"),
    "defaults on an HttpApi": ({"FrontDoor": "HttpApi"}, "401"),
    "JWT on a RestApi": ({"FrontDoor": "RestApi", "JwtIssuer": ISSUER, "JwtAudience": "a"}, "HttpApi"),
    "JWT on a function URL": ({"FrontDoor": "FunctionUrl", "JwtIssuer": ISSUER, "JwtAudience": "a"}, "HttpApi"),
    "an issuer without an audience": ({"FrontDoor": "HttpApi", "JwtIssuer": ISSUER}, "JwtAudience"),
    "Cognito on an HttpApi": ({"FrontDoor": "HttpApi", "CognitoUserPoolArn": POOL}, "RestApi"),
    "Cognito on a function URL": ({"FrontDoor": "FunctionUrl", "CognitoUserPoolArn": POOL}, "RestApi"),
    "owner-only downloads under the open contract": (
        {"FrontDoor": "RestApi", "TrustBodyUserId": "true", "DownloadAccess": "owner"}, "DownloadAccess=owner"),
    "owner-only downloads on a function URL": (
        {"FrontDoor": "FunctionUrl", "TrustBodyUserId": "true", "DownloadAccess": "owner", "ReservedConcurrency": "20"},
        "DownloadAccess=owner"),
    "a function URL without a cap (ReservedConcurrency 0: unbounded)": (
        {"FrontDoor": "FunctionUrl", "TrustBodyUserId": "true"}, "ReservedConcurrency"),
    "a function URL without a cap, with CloudFront downloads": (
        dict(CLOUDFRONT, FrontDoor="FunctionUrl", TrustBodyUserId="true", ReservedConcurrency="0"), "ReservedConcurrency"),
    "CloudFront downloads without the public key": (
        dict(CLOUDFRONT, FrontDoor="RestApi", CognitoUserPoolArn=POOL, CloudFrontPublicKey=""), "CloudFrontPublicKey"),
    "CloudFront downloads without the private key's secret": (
        dict(CLOUDFRONT, FrontDoor="RestApi", CognitoUserPoolArn=POOL, CloudFrontPrivateKeySecret=""),
        "CloudFrontPrivateKeySecret"),
    "CloudFront downloads with neither": (
        {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "a", "Downloads": "CloudFront"},
        "CloudFrontPublicKey"),
    "CloudFront downloads with open uploads (the edge serves the stored type)": (
        dict(CLOUDFRONT, FrontDoor="RestApi", CognitoUserPoolArn=POOL, RequireUploadConstraints="false"),
        "RequireUploadConstraints=true"),
    "a per-IP rate limit on an HTTP API (AWS WAF cannot be associated with one)": (
        {"FrontDoor": "HttpApi", "JwtIssuer": ISSUER, "JwtAudience": "a", "RateLimitPerIp": "1000"}, "AWS WAF"),
    "a per-IP rate limit on a function URL": (
        {"FrontDoor": "FunctionUrl", "TrustBodyUserId": "true", "ReservedConcurrency": "20", "RateLimitPerIp": "1000"},
        "AWS WAF"),
    "a CloudFront public key with S3 downloads": (
        {"FrontDoor": "RestApi", "CognitoUserPoolArn": POOL, "CloudFrontPublicKey": PUBLIC_KEY}, "Downloads=CloudFront"),
    "a CloudFront private key's secret with S3 downloads": (
        {"FrontDoor": "RestApi", "CognitoUserPoolArn": POOL, "CloudFrontPrivateKeySecret": SECRET}, "Downloads=CloudFront"),
}

# What each CloudFront parameter's AllowedPattern must take and refuse. `sam deploy
# --parameter-overrides CloudFrontPublicKey=...` splits an unquoted value at its first space.
PRIVATE_KEY_TEXT = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI...\n-----END EC PRIVATE KEY-----"
PATTERNS = {
    "CloudFrontPublicKey": {"takes": ["", PUBLIC_KEY, PUBLIC_KEY + "\n"],
                            "refuses": ["-----BEGIN", PRIVATE_KEY_TEXT, PUBLIC_KEY.replace("PUBLIC", "RSA PUBLIC")]},
    "CloudFrontPrivateKeySecret": {"takes": ["", SECRET, SECRET_ARN, "arn:aws-cn:secretsmanager:cn-north-1:"
                                             "123456789012:secret:k-AbCdEf"],
                                   "refuses": [PRIVATE_KEY_TEXT, PUBLIC_KEY, "presigner key", "{{resolve:x}}"]},
}


# What RateLimitPerIp's pattern must take (0, and AWS WAF's rate-based limits, 10 to 2000000000) and refuse.
RATE_LIMITS = {"takes": ["0", "10", "99", "100", "1000", "20000000", "1999999999", "2000000000"],
               "refuses": ["", "1", "9", "-1", "010", "00", "2000000001", "9999999999", "1e3", " 100", "100 "]}


class NoManagedPolicies:
    """The template names no managed policy, so nothing needs looking up in IAM."""

    def load(self):
        return {}


class Broken(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise Broken(message)


def lint(templates):
    """cfn-lint on every (label, template), in one run: its start-up is most of its time."""
    with tempfile.TemporaryDirectory() as scratch:
        paths = []
        for i, (label, template) in enumerate(templates):
            paths.append(os.path.join(scratch, f"{i:02d}-{re.sub(r'[^A-Za-z0-9]+', '-', label)}.json"))
            with open(paths[-1], "w") as f:
                json.dump(template, f, indent=1)
        result = subprocess.run(["cfn-lint", "--", *paths], capture_output=True, text=True)
    out = (result.stdout + result.stderr).replace(scratch + os.sep, "").strip()
    if result.returncode != 0 or out:
        raise Broken(f"cfn-lint is not clean (exit {result.returncode}; files named by template):\n{out}")


# samtranslator checks its bundled policy templates against their schema each time it is asked
# for the plugin that applies them, on every transform: a third of the self-test's time. The
# plugin keeps nothing between templates (and this template uses no policy template), so one is
# made and reused.
translator_module.make_policy_template_for_function_plugin = functools.cache(
    translator_module.make_policy_template_for_function_plugin)


def expand(sam):
    sam = copy.deepcopy(sam)
    # `sam package` replaces the local CodeUri with the uploaded artifact; do the same.
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts-bucket/presigner.zip"
    try:
        return transform(json.loads(json.dumps(sam)), {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        raise Broken("samtranslator refused the template: " + "; ".join(c.message for c in e.causes))


# ---- CloudFormation's evaluation, for one set of parameter values.

def parameter_values(template, given):
    values = {name: p.get("Default") for name, p in template["Parameters"].items()}
    values.update({"FrontendOrigin": ORIGIN, "AWS::Region": "ap-northeast-1",
                   "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
                   "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "presigner"})
    values.update(given)
    missing = [n for n, v in values.items() if v is None]
    check(not missing, f"parameters without a value: {missing}")
    return {k: str(v) for k, v in values.items()}


def evaluate(expr, values, conditions):
    """Fn::Equals/Not/And/Or, Condition and Ref to a parameter, as Conditions and Rules use."""
    if isinstance(expr, dict) and len(expr) == 1:
        (fn, arg), = expr.items()
        if fn == "Fn::Equals":
            a, b = (evaluate(x, values, conditions) for x in arg)
            return str(a) == str(b)
        if fn == "Fn::Not":
            return not evaluate(arg[0], values, conditions)
        if fn == "Fn::And":
            return all(evaluate(x, values, conditions) for x in arg)
        if fn == "Fn::Or":
            return any(evaluate(x, values, conditions) for x in arg)
        if fn == "Condition":
            return conditions[arg]
        if fn == "Ref":
            return values[arg]
    if isinstance(expr, (str, int)):
        return str(expr)
    raise Broken(f"cannot evaluate {expr!r}")


def decide_conditions(template, values):
    decided = {}
    pending = dict(template.get("Conditions", {}))
    while pending:
        progress = False
        for name, expr in list(pending.items()):
            try:
                decided[name] = evaluate(expr, values, decided)
            except KeyError:
                continue
            del pending[name]
            progress = True
        check(progress, f"conditions that never decide: {sorted(pending)}")
    return decided


NO_VALUE = object()


def take_branches(node, conditions):
    """Fn::If resolved and AWS::NoValue removed, everywhere."""
    if isinstance(node, dict):
        if list(node) == ["Fn::If"]:
            cond, yes, no = node["Fn::If"]
            return take_branches(yes if conditions[cond] else no, conditions)
        if node == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        out = {}
        for k, v in node.items():
            v = take_branches(v, conditions)
            if v is not NO_VALUE:
                out[k] = v
        return out
    if isinstance(node, list):
        return [x for x in (take_branches(v, conditions) for v in node) if x is not NO_VALUE]
    return node


def resolve(cfn, given):
    """The expansion as CloudFormation deploys it for the parameter values `given`."""
    values = parameter_values(cfn, given)
    conditions = decide_conditions(cfn, values)
    # Resources and Outputs are rebuilt by take_branches (new dicts and lists, shared strings); only
    # the Metadata is edited below, so only it is copied.
    out = {k: v for k, v in cfn.items() if k not in ("Conditions", "Rules", "Resources", "Outputs", "Metadata")}
    out["Metadata"] = copy.deepcopy(cfn.get("Metadata", {}))
    out["Resources"] = {
        name: take_branches({k: v for k, v in r.items() if k != "Condition"}, conditions)
        for name, r in cfn["Resources"].items()
        if conditions.get(r.get("Condition"), True)
    }
    out["Outputs"] = {
        name: take_branches({k: v for k, v in o.items() if k != "Condition"}, conditions)
        for name, o in cfn.get("Outputs", {}).items()
        if conditions.get(o.get("Condition"), True)
    }
    # Parameters that only steered conditions play no part in this variant. The others default to
    # this variant's values, so that cfn-lint checks the values the variant deploys with.
    used = json.dumps([out["Resources"], out["Outputs"]])
    out["Parameters"] = {
        name: dict(p, Default=int(values[name]) if p["Type"] == "Number" else values[name])
        for name, p in cfn["Parameters"].items()
        if f'"Ref": "{name}"' in used or "${" + name + "}" in used
    }
    for group in out.get("Metadata", {}).get("AWS::CloudFormation::Interface", {}).get("ParameterGroups", []):
        group["Parameters"] = [p for p in group["Parameters"] if p in out["Parameters"]]
    return out, values


def substitute(text, values):
    """Fn::Sub with parameter values only (no resource attributes)."""
    return re.sub(r"\$\{([A-Za-z0-9:]+)\}", lambda m: values[m.group(1)], text)


def value_of(expr, values, mappings):
    """A string, a Ref to a parameter, an Fn::Sub of parameters or an Fn::FindInMap of those."""
    if isinstance(expr, str):
        return expr
    if isinstance(expr, dict) and list(expr) == ["Ref"]:
        return values[expr["Ref"]]
    if isinstance(expr, dict) and list(expr) == ["Fn::Sub"] and isinstance(expr["Fn::Sub"], str):
        return substitute(expr["Fn::Sub"], values)
    if isinstance(expr, dict) and list(expr) == ["Fn::FindInMap"]:
        name, top, second = expr["Fn::FindInMap"]
        top, second = value_of(top, values, mappings), value_of(second, values, mappings)
        cell = mappings.get(name, {}).get(top, {}).get(second)
        check(cell is not None, f"no {name}[{top}][{second}]: this pair of values would not deploy")
        return str(cell)
    raise Broken(f"cannot evaluate {expr!r}")


# ---- The download URL timeline: SigV4 refuses X-Amz-Expires past 7 days, and so does the function.

SIGV4_MAX_EXPIRES = 604800


def timeline_values(sam):
    """The AllowedValues of the cache window and of the URL lifetime, as the Mappings' keys."""
    params = sam["Parameters"]
    lists = {}
    for name, default in (("UrlCacheWindowSeconds", "3600"), ("UrlExpiresSeconds", "1800")):
        p = params[name]
        check(p["Type"] == "String" and all(isinstance(v, str) for v in p["AllowedValues"]),
              f"{name}: a String with quoted AllowedValues, matched to the Mappings' keys exactly")
        check(p["Default"] == default and default in p["AllowedValues"], f"{name} defaults to {default}")
        lists[name] = [int(v) for v in p["AllowedValues"]]
    windows, expiries = lists["UrlCacheWindowSeconds"], lists["UrlExpiresSeconds"]
    check(0 in windows and all(w >= 0 for w in windows), "cache windows: 0 (off) and none negative")
    check(all(1 <= e <= SIGV4_MAX_EXPIRES for e in expiries), "URL lifetimes within 1 s .. 7 days")
    return windows, expiries


def check_upload_lifetime_parameter(sam):
    """UploadUrlExpiresSeconds: a String list like UrlExpiresSeconds (the bucket policy's bound is the
    value followed by 000), 300 by default (the function's own default), none past SigV4's 7 days."""
    check("UploadUrlExpiresSeconds" in sam["Parameters"],
          "no UploadUrlExpiresSeconds: upload URLs would be bound by the download lifetime")
    p = sam["Parameters"]["UploadUrlExpiresSeconds"]
    check(p["Type"] == "String" and all(isinstance(v, str) and re.fullmatch(r"[1-9][0-9]*", v)
                                        for v in p["AllowedValues"]),
          "UploadUrlExpiresSeconds: a String with quoted whole numbers as AllowedValues")
    check(p["Default"] == "300" and "300" in p["AllowedValues"],
          "UploadUrlExpiresSeconds defaults to 300, the function's own default for constrained uploads")
    check(all(1 <= int(v) <= SIGV4_MAX_EXPIRES for v in p["AllowedValues"]),
          f"UploadUrlExpiresSeconds {p['AllowedValues']}: upload lifetimes within 1 s .. 7 days (SigV4's limit)")
    return [int(v) for v in p["AllowedValues"]]


def function_upload_expiry(env, values, mappings):
    """The upload lifetime the function reads from its environment (config.rs): UPLOAD_URL_EXPIRES_SECONDS
    if set, else URL_EXPIRES_SECONDS under the open contract, else 300."""
    if "UPLOAD_URL_EXPIRES_SECONDS" in env:
        return int(value_of(env["UPLOAD_URL_EXPIRES_SECONDS"], values, mappings))
    if value_of(env["REQUIRE_UPLOAD_CONSTRAINTS"], values, mappings) == "false":
        return int(value_of(env["URL_EXPIRES_SECONDS"], values, mappings))
    return 300


def effective_window(window, expires):
    """The window the function is given: as asked, shortened so window + expiry fits in 7 days."""
    return min(window, SIGV4_MAX_EXPIRES - expires)


def check_timeline_tables(sam):
    """Every cell of both Mappings against the formula, for every pair of AllowedValues."""
    windows, expiries = timeline_values(sam)
    maps = sam.get("Mappings", {})
    formulas = {
        "EffectiveUrlCacheWindow": lambda w, e: effective_window(w, e),
        "DownloadSignatureAgeMs": lambda w, e: (effective_window(w, e) + e) * 1000,
    }
    for name, formula in formulas.items():
        table = maps.get(name)
        check(table is not None, f"Mappings {name} missing")
        check(sorted(table) == sorted(str(w) for w in windows), f"{name}: a row per cache window, {sorted(table)}")
        for w in windows:
            row = table[str(w)]
            check(sorted(row) == sorted(str(e) for e in expiries), f"{name}[{w}]: a cell per URL lifetime")
            for e in expiries:
                check(str(row[str(e)]) == str(formula(w, e)),
                      f"{name}[{w}][{e}] is {row[str(e)]}, not {formula(w, e)}")
    return windows, expiries


def rules_refusal(template, given):
    """None if the Rules accept these parameter values, else the refusals."""
    values = parameter_values(template, given)
    refusals = []
    for name, rule in template.get("Rules", {}).items():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values, {}):
            continue
        for a in rule["Assertions"]:
            if not evaluate(a["Assert"], values, {}):
                refusals.append(f"{name}: {a['AssertDescription']}")
    return refusals or None


# ---- What each deployed variant must hold.

def of_type(res, kind):
    return {n: r for n, r in res.items() if r["Type"] == kind}


def check_authorized(name, routes, auth, downloads_auth, auth_type, authorizer):
    """With authentication on, every route needs it and names the authorizer, but the download
    routes when DownloadAccess=anyone; off, none does. `routes` is keyed by route (upload_url, ...)."""
    for key, r in routes.items():
        if downloads_auth if key in DOWNLOAD_ROUTES else auth:
            check(r["AuthorizationType"] == auth_type, f"{name}: {key} needs {auth_type}")
            check(r.get("AuthorizerId") == {"Ref": authorizer}, f"{name}: {key} uses the authorizer")
        else:
            check(r["AuthorizationType"] == "NONE" and "AuthorizerId" not in r, f"{name}: {key} open")


def check_cloudfront_parameters(sam):
    """Downloads is S3 unless asked; the key pair's parameters are empty by default, each pattern
    takes what it should and refuses what it should, and no parameter could carry a private key."""
    params = sam["Parameters"]
    downloads = params["Downloads"]
    check(downloads["Default"] == "S3" and sorted(downloads["AllowedValues"]) == ["CloudFront", "S3"],
          "Downloads: S3 by default, or CloudFront")
    for name, cases in PATTERNS.items():
        p = params[name]
        check(p["Type"] == "String" and p["Default"] == "", f"{name}: a String, empty by default")
        for value in cases["takes"]:
            check(re.fullmatch(p["AllowedPattern"], value) is not None, f"{name}'s pattern refuses {value!r}")
        for value in cases["refuses"]:
            check(re.fullmatch(p["AllowedPattern"], value) is None, f"{name}'s pattern takes {value!r}")
    price = params["CloudFrontPriceClass"]
    check(price["Default"] == "PriceClass_100"
          and sorted(price["AllowedValues"]) == ["PriceClass_100", "PriceClass_200", "PriceClass_All"],
          "CloudFrontPriceClass: PriceClass_100 by default")
    for name, p in params.items():
        check("PRIVATE KEY" not in str(p.get("Default", "")), f"{name}: a private key as a default")


def check_cloudfront(name, res, outputs, values):
    """Downloads=CloudFront: the distribution serves images/* to URLs signed with the stack's key
    pair alone, over HTTPS, from a cache keyed by path; it reads the bucket through origin access
    control. Downloads=S3: no CloudFront at all."""
    cloudfront = values["Downloads"] == "CloudFront"
    found = {r["Type"]: n for n, r in res.items() if r["Type"].startswith("AWS::CloudFront::")}
    check(found == (CLOUDFRONT_RESOURCES if cloudfront else {}) and len(found) == sum(
        r["Type"].startswith("AWS::CloudFront::") for r in res.values()), f"{name}: CloudFront resources {found}")
    expected_outputs = {"CloudFrontDomain": {"Fn::GetAtt": ["CloudFrontDistribution", "DomainName"]},
                        "CloudFrontKeyPairId": {"Ref": "CloudFrontKey"}} if cloudfront else {}
    check({k: o["Value"] for k, o in outputs.items() if k.startswith("CloudFront")} == expected_outputs,
          f"{name}: CloudFront outputs")
    if not cloudfront:
        return

    key = res["CloudFrontKey"]["Properties"]["PublicKeyConfig"]
    check(key["EncodedKey"] == {"Ref": "CloudFrontPublicKey"}, f"{name}: the public key is CloudFrontPublicKey")
    group = res["CloudFrontKeyGroup"]["Properties"]["KeyGroupConfig"]
    check(group["Items"] == [{"Ref": "CloudFrontKey"}], f"{name}: the key group trusts exactly the stack's key")
    oac = res["CloudFrontOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    check((oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"])
          == ("s3", "always", "sigv4"), f"{name}: origin access control signs every request to S3 with SigV4")
    cache_key = res["CloudFrontCachePolicy"]["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]
    check(cache_key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
          and cache_key["HeadersConfig"] == {"HeaderBehavior": "none"}
          and cache_key["CookiesConfig"] == {"CookieBehavior": "none"},
          f"{name}: the cache key is the path alone (a signed URL's query string would make every reader a miss)")
    ttls = res["CloudFrontCachePolicy"]["Properties"]["CachePolicyConfig"]
    check((ttls["MinTTL"], ttls["DefaultTTL"]) == (0, 86400) and ttls["MaxTTL"] == ttls["DefaultTTL"],
          f"{name}: the edge keeps an image a day, never longer whatever its Cache-Control (MaxTTL "
          f"{ttls['MaxTTL']}, DefaultTTL {ttls['DefaultTTL']})")
    headers = res["CloudFrontResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    cors = headers["CorsConfig"]
    check(cors["AccessControlAllowOrigins"]["Items"] == [{"Ref": "FrontendOrigin"}]
          and cors["AccessControlAllowCredentials"] is False, f"{name}: the images' CORS is FrontendOrigin's")
    check({"GET", "HEAD"} <= set(cors["AccessControlAllowMethods"]["Items"]) <= {"GET", "HEAD", "OPTIONS"},
          f"{name}: the images' CORS methods")
    custom = {h["Header"].lower(): h for h in headers.get("CustomHeadersConfig", {}).get("Items", [])}
    check(custom.get("cache-control") == {"Header": "Cache-Control", "Override": True,
                                          "Value": {"Fn::Sub": "private, max-age=${UrlExpiresSeconds}"}},
          f"{name}: viewers keep an image as an S3 download URL tells them to")
    check(headers["SecurityHeadersConfig"]["ContentTypeOptions"] == {"Override": True}, f"{name}: nosniff")

    dist = res["CloudFrontDistribution"]["Properties"]["DistributionConfig"]
    check(dist["Enabled"] is True and dist["HttpVersion"] == "http2and3", f"{name}: enabled, HTTP/2 and 3")
    check(dist["PriceClass"] == {"Ref": "CloudFrontPriceClass"}, f"{name}: the price class is CloudFrontPriceClass")
    (origin,) = dist["Origins"]
    check(origin["DomainName"] == {"Fn::GetAtt": ["ImagesBucket", "RegionalDomainName"]},
          f"{name}: the origin is the bucket's regional endpoint")
    check(origin.get("OriginAccessControlId") == {"Fn::GetAtt": ["CloudFrontOriginAccessControl", "Id"]}
          and origin.get("S3OriginConfig") == {"OriginAccessIdentity": ""} and "CustomOriginConfig" not in origin,
          f"{name}: the origin reads through origin access control, no origin access identity")
    behaviours = [dist["DefaultCacheBehavior"], *dist.get("CacheBehaviors", [])]
    check([b.get("PathPattern") for b in behaviours] == [None, "images/*"], f"{name}: images/* and the default")
    for b in behaviours:
        where = f"{name}: the {b.get('PathPattern', 'default')} behaviour"
        check(b["TargetOriginId"] == origin["Id"], f"{where} serves the bucket")
        check(b.get("TrustedKeyGroups") == [{"Ref": "CloudFrontKeyGroup"}] and "TrustedSigners" not in b,
              f"{where} trusts the key group alone: nothing is readable unsigned")
        check(b["ViewerProtocolPolicy"] == "https-only", f"{where} is HTTPS only (the bucket denies plain HTTP)")
        check({"GET", "HEAD"} <= set(b["AllowedMethods"]) <= {"GET", "HEAD", "OPTIONS"}, f"{where} reads only")
        check(b.get("CachePolicyId") == {"Ref": "CloudFrontCachePolicy"}
              and not {"ForwardedValues", "OriginRequestPolicyId"} & set(b),
              f"{where}: the path-only cache policy, and nothing more forwarded to the bucket")
        check(not {"FunctionAssociations", "LambdaFunctionAssociations"} & set(b), f"{where}: no edge code")
    check(behaviours[1].get("ResponseHeadersPolicyId") == {"Ref": "CloudFrontResponseHeadersPolicy"},
          f"{name}: the images' CORS and Cache-Control")
    check(dist.get("CustomErrorResponses") == [{"ErrorCode": 403, "ErrorCachingMinTTL": 0},
                                               {"ErrorCode": 404, "ErrorCachingMinTTL": 0}],
          f"{name}: the bucket's 403 and 404 not cached (a status.json not written yet is not kept at the edge)")


# The processor's memory (MB) and timeout (s), what docs/deploy.md says they are and why: the
# memory above the worst admitted image's peak RSS (bench/processor/memory.md), the timeout above
# one S3 request's own timeout (crates/processor/src/http.rs) plus the worst image's work.
PROCESSOR_MEMORY_MB = 1024
PROCESSOR_TIMEOUT_S = 60
PROCESSOR_RESOURCES = {"ProcessorLogGroup", "ProcessorFailureQueue", "ProcessorFailureQueuePolicy", "ProcessorRole",
                       "ProcessorEventInvokeConfig", "ProcessorUploadsRule", "ProcessorInvokePermission"}
PROCESSOR_OUTPUTS = {"ProcessorFunctionArn", "ProcessorFailureQueueUrl", "ProcessorFailureQueueArn"}
QUEUE = {"Fn::GetAtt": ["ProcessorFailureQueue", "Arn"]}
RULE = {"Fn::GetAtt": ["ProcessorUploadsRule", "Arn"]}


def check_pipeline(name, res, outputs, values, presigner):
    """ImagePipeline=on: the processor for the stack's architecture, invoked by an EventBridge rule
    for Object Created under uploads/ of this bucket alone, retried twice, then its failures (and
    the events the rule could not deliver) in an SQS queue kept 14 days; its role exactly what
    docs/pipeline.md lists; its environment S3_BUCKET_NAME and S3_ENDPOINT_URL alone (none of the
    presigner's, the CloudFront private key least of all). off: none of it."""
    pipeline = values["ImagePipeline"] == "on"
    arch = values["Architecture"]
    fn_name = PROCESSORS[arch]
    found = {n for n in res if n.startswith("Processor")}
    kinds = {r["Type"] for r in res.values()}
    check(found == ((PROCESSOR_RESOURCES | {fn_name}) if pipeline else set()),
          f"{name}: processor resources {sorted(found)} (pipeline {values['ImagePipeline']}, {arch})")
    check(pipeline or not kinds & {"AWS::SQS::Queue", "AWS::Events::Rule", "AWS::Lambda::EventInvokeConfig"},
          f"{name}: pipeline resources with ImagePipeline=off")
    check({k for k in outputs if k.startswith("Processor")} == (PROCESSOR_OUTPUTS if pipeline else set()),
          f"{name}: the processor's outputs")
    if not pipeline:
        return
    fn = res[fn_name]["Properties"]
    check(fn["Runtime"] == "provided.al2023" and fn["Handler"] == "bootstrap" and fn["Architectures"] == [arch],
          f"{name}: the processor is a static bootstrap for {arch}")
    check(fn["Role"] == {"Fn::GetAtt": ["ProcessorRole", "Arn"]}, f"{name}: the processor's own role")
    check(fn["MemorySize"] == PROCESSOR_MEMORY_MB and fn["Timeout"] == PROCESSOR_TIMEOUT_S,
          f"{name}: the processor's memory {fn['MemorySize']} MB and timeout {fn['Timeout']} s")
    reserved = values["ProcessorConcurrency"] != "0"
    check(fn.get("ReservedConcurrentExecutions") == ({"Ref": "ProcessorConcurrency"} if reserved else None),
          f"{name}: the processor's reserved concurrency {fn.get('ReservedConcurrentExecutions')}")
    check(fn["LoggingConfig"].get("LogGroup") == {"Ref": "ProcessorLogGroup"}, f"{name}: the processor's log group")
    check(fn["Environment"] == {"Variables": {
        "S3_BUCKET_NAME": {"Ref": "ImagesBucket"},
        "S3_ENDPOINT_URL": {"Fn::Sub": "https://s3.${AWS::Region}.${AWS::URLSuffix}"}}},
        f"{name}: the processor's environment is {sorted(fn['Environment']['Variables'])}, not its bucket and endpoint alone")
    check(fn["Environment"]["Variables"]["S3_BUCKET_NAME"] == presigner["Environment"]["Variables"]["S3_BUCKET_NAME"],
          f"{name}: both functions on one bucket")
    logs = res["ProcessorLogGroup"]
    check(logs["Properties"] == {"LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-processor"},
                                 "RetentionInDays": {"Ref": "LogRetentionInDays"}}
          and logs.get("DeletionPolicy") == "Delete", f"{name}: the processor's log group and its retention")
    check_grants(f"{name}: the processor's role", res["ProcessorRole"]["Properties"], [
        (["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": ["ProcessorLogGroup", "Arn"]}),
        (["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"], UPLOADS),
        (["s3:PutObject", "s3:GetObject"], IMAGES),
        ("s3:ListBucket", {"Fn::GetAtt": ["ImagesBucket", "Arn"]}),
        ("sqs:SendMessage", QUEUE),
    ])
    queue = res["ProcessorFailureQueue"]["Properties"]
    check(queue == {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True},
          f"{name}: the failure queue keeps messages 14 days, encrypted: {queue}")
    policy = res["ProcessorFailureQueuePolicy"]["Properties"]
    check(policy["Queues"] == [{"Ref": "ProcessorFailureQueue"}] and policy["PolicyDocument"]["Statement"] == [
        {"Sid": "AllowTheUploadsRuleDeadLetters", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sqs:SendMessage", "Resource": QUEUE, "Condition": {"ArnEquals": {"aws:SourceArn": RULE}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": QUEUE,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ], f"{name}: the failure queue takes the uploads rule's dead letters alone, over TLS")
    ref = {"Ref": fn_name}
    invoke = res["ProcessorEventInvokeConfig"]["Properties"]
    check(invoke == {"FunctionName": ref, "Qualifier": "$LATEST", "MaximumRetryAttempts": 2,
                     "MaximumEventAgeInSeconds": 21600,
                     "DestinationConfig": {"OnFailure": {"Destination": QUEUE}}},
          f"{name}: the processor's failed events retried twice, then to the failure queue: {invoke}")
    rule = res["ProcessorUploadsRule"]["Properties"]
    check(rule["State"] == "ENABLED" and rule["EventPattern"] == {
        "source": ["aws.s3"], "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [{"Ref": "ImagesBucket"}]}, "object": {"key": [{"prefix": "uploads/"}]}}},
        f"{name}: the rule takes Object Created under uploads/ of this bucket alone: {rule['EventPattern']}")
    check(rule["Targets"] == [{"Id": "processor", "Arn": {"Fn::GetAtt": [fn_name, "Arn"]},
                               "RetryPolicy": {"MaximumEventAgeInSeconds": 21600, "MaximumRetryAttempts": 185},
                               "DeadLetterConfig": {"Arn": QUEUE}}],
          f"{name}: the rule's one target is the processor, its undelivered events to the failure queue")
    permission = res["ProcessorInvokePermission"]["Properties"]
    check(permission == {"FunctionName": ref, "Action": "lambda:InvokeFunction", "Principal": "events.amazonaws.com",
                         "SourceArn": RULE}, f"{name}: EventBridge may invoke the processor for this rule alone")


ACCESS_LOG_PREFIX = "images-bucket/"


def check_access_logs(name, res, outputs, values):
    """AccessLogs=true: the images bucket's server access logs go to a log bucket of the stack's
    own, kept when the stack goes, private, SSE-S3, emptied by a lifecycle rule, written only by
    the logging service for the images bucket of this account; false: none of it."""
    on = values["AccessLogs"] == "true"
    check(sorted(of_type(res, "AWS::S3::Bucket")) == sorted(["ImagesBucket"] + ["AccessLogsBucket"] * on)
          and sorted(of_type(res, "AWS::S3::BucketPolicy")) == sorted(["ImagesBucketPolicy"] + ["AccessLogsBucketPolicy"] * on),
          f"{name}: buckets {sorted(of_type(res, 'AWS::S3::Bucket'))}")
    logging_config = res["ImagesBucket"]["Properties"].get("LoggingConfiguration")
    check(("AccessLogsBucketName" in outputs) == on, f"{name}: the AccessLogsBucketName output")
    if not on:
        check(logging_config is None, f"{name}: server access logging without AccessLogs=true")
        return
    check(logging_config == {"DestinationBucketName": {"Ref": "AccessLogsBucket"}, "LogFilePrefix": ACCESS_LOG_PREFIX,
                             "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}}},
          f"{name}: the images bucket logs to the log bucket under {ACCESS_LOG_PREFIX}: {logging_config}")
    logs = res["AccessLogsBucket"]
    check(logs.get("DeletionPolicy") == "Retain" and logs.get("UpdateReplacePolicy") == "Retain",
          f"{name}: the logs outlive the stack")
    bucket = logs["Properties"]
    check(bucket["PublicAccessBlockConfiguration"] == {k: True for k in (
        "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")}, f"{name}: logs private")
    check(bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
          and "AccessControl" not in bucket, f"{name}: ACLs off; the bucket policy lets the logging service in")
    check(bucket["BucketEncryption"] == {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
          f"{name}: SSE-S3 (log delivery does not support SSE-KMS default encryption)")
    check(not {"LoggingConfiguration", "ObjectLockEnabled", "ObjectLockConfiguration", "VersioningConfiguration",
               "BucketName"} & set(bucket), f"{name}: the log bucket: no logs of its own, no Object Lock, "
          "no versions the expiry would keep, no fixed name")
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    check(rule == {"Id": "expire-access-logs", "Status": "Enabled", "ExpirationInDays": {"Ref": "AccessLogExpirationDays"}},
          f"{name}: every log expires after AccessLogExpirationDays")
    policy = res["AccessLogsBucketPolicy"]["Properties"]
    check(policy["Bucket"] == {"Ref": "AccessLogsBucket"}, f"{name}: the policy is on the log bucket")
    statements = {st.get("Sid"): st for st in policy["PolicyDocument"]["Statement"]}
    check(statements == {
        "AllowServerAccessLogsOfTheImagesBucket": {
            "Sid": "AllowServerAccessLogsOfTheImagesBucket", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": "${AccessLogsBucket.Arn}/" + ACCESS_LOG_PREFIX + "*"},
            "Condition": {"ArnLike": {"aws:SourceArn": {"Fn::GetAtt": ["ImagesBucket", "Arn"]}},
                          "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}},
        "DenyInsecureTransport": {
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": ["AccessLogsBucket", "Arn"]}, {"Fn::Sub": "${AccessLogsBucket.Arn}/*"}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    }, f"{name}: the log bucket's policy: the logging service writes under {ACCESS_LOG_PREFIX} for the images "
       "bucket of this account only, TLS only, and nothing else")


def check_rate_limit_parameter(sam):
    p = sam["Parameters"]["RateLimitPerIp"]
    check(p["Type"] == "String" and p["Default"] == "0", "RateLimitPerIp: a String, 0 (off) by default")
    for value in RATE_LIMITS["takes"]:
        check(re.fullmatch(p["AllowedPattern"], value) is not None, f"RateLimitPerIp's pattern refuses {value!r}")
    for value in RATE_LIMITS["refuses"]:
        check(re.fullmatch(p["AllowedPattern"], value) is None, f"RateLimitPerIp's pattern takes {value!r}")


def check_rate_limit(name, res, outputs, values):
    """RateLimitPerIp (RestApi only, by the Rules): one web ACL on the stage, allowing by default,
    one rule blocking with a 429 (with CORS) any client IP past the limit in 5 minutes; 0: none."""
    acls, associations = of_type(res, "AWS::WAFv2::WebACL"), of_type(res, "AWS::WAFv2::WebACLAssociation")
    on = values["RateLimitPerIp"] != "0"
    check(sorted(acls) == (["RateLimitWebAcl"] if on else []) and sorted(associations)
          == (["RateLimitWebAclAssociation"] if on else []) and len([r for r in res.values()
          if r["Type"].startswith("AWS::WAFv2::")]) == 2 * on, f"{name}: WAF resources {sorted(acls)} {sorted(associations)}")
    check(("RateLimitWebAclArn" in outputs) == on, f"{name}: the RateLimitWebAclArn output")
    if not on:
        return
    check(values["FrontDoor"] == "RestApi", f"{name}: a web ACL on a front door AWS WAF cannot protect")
    acl = acls["RateLimitWebAcl"]["Properties"]
    check(acl["Scope"] == "REGIONAL" and acl["DefaultAction"] == {"Allow": {}},
          f"{name}: a regional web ACL (a REST API stage) that lets requests through by default")
    (rule,) = acl["Rules"]
    check(rule["Statement"] == {"RateBasedStatement": {"Limit": {"Ref": "RateLimitPerIp"}, "AggregateKeyType": "IP",
                                                       "EvaluationWindowSec": 300}},
          f"{name}: RateLimitPerIp per connection IP (not a header a client can set) in 5 minutes, on every request")
    check(rule["Action"] == {"Block": {"CustomResponse": {"ResponseCode": 429, "ResponseHeaders": [
        {"Name": "Access-Control-Allow-Origin", "Value": {"Ref": "FrontendOrigin"}}]}}},
        f"{name}: past the limit, 429 with the web app's origin (so the page reads it)")
    for config in (acl["VisibilityConfig"], rule["VisibilityConfig"]):
        check(config["CloudWatchMetricsEnabled"] is True, f"{name}: the web ACL's metrics")
    association = associations["RateLimitWebAclAssociation"]["Properties"]
    check(association == {"ResourceArn": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/"
                                                     "${RestApi}/stages/${RestStage}"},
                          "WebACLArn": {"Fn::GetAtt": ["RateLimitWebAcl", "Arn"]}},
          f"{name}: the web ACL on this API's stage, once the stage exists")


WRITE_ONCE_CONDITION = {
    "Null": {"s3:if-none-match": "true"},
    "StringEquals": {"s3:authType": "REST-QUERY-STRING"},
    "ArnEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]}},
}


def check_write_once_statement(name, s, constrained, statements, uploads_to):
    """Constrained uploads: the function's presigned PUTs on images/* are refused without the
    If-None-Match header (so each URL writes once), and nothing else: not its forms (s3:authType
    POST, which cannot carry the header), not header-signed requests, not other principals. Open
    uploads: no statement demands the header (the original's URLs carry none)."""
    if not constrained:
        check(s is None and "if-none-match" not in json.dumps(statements).lower(),
              f"{name}: under the open contract the bucket policy demands If-None-Match of uploads that carry none")
        return
    check(s is not None, f"{name}: no DenyFunctionUploadUrlsWithoutIfNoneMatch: an upload URL could write more than once")
    check(s["Effect"] == "Deny" and s["Principal"] == "*", f"{name}: {s['Sid']} denies for everyone")
    check(s.get("Action") in ("s3:PutObject", ["s3:PutObject"]) and "NotAction" not in s,
          f"{name}: {s['Sid']} on s3:PutObject alone, not {s.get('Action') or s.get('NotAction')}")
    check(s["Resource"] == uploads_to, f"{name}: {s['Sid']} where uploads are signed, {uploads_to}: {s['Resource']}")
    c = s.get("Condition", {})
    check(c.get("Null") == WRITE_ONCE_CONDITION["Null"],
          f"{name}: {s['Sid']} must refuse only requests without If-None-Match (Null s3:if-none-match true): {c.get('Null')}")
    check(c.get("StringEquals") == WRITE_ONCE_CONDITION["StringEquals"],
          f"{name}: {s['Sid']} only on presigned URLs (forms are POST and cannot carry the header): {c.get('StringEquals')}")
    check(c.get("ArnEquals") == WRITE_ONCE_CONDITION["ArnEquals"],
          f"{name}: {s['Sid']} only on the function's URLs: administrators keep normal use: {c.get('ArnEquals')}")
    check(c == WRITE_ONCE_CONDITION, f"{name}: {s['Sid']} has exactly three conditions, not {sorted(c)}")


FORMS_REFUSED_CONDITION = {
    "StringEquals": {"s3:authType": "POST"},
    "ArnEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]}},
}


def check_forms_statement(name, s, refused, uploads_to):
    """UploadForms=refused: the function's browser-form uploads (s3:authType POST) on images/* are
    refused, and nothing else; S3 has no conditional POST, so this is what keeps a stored image's
    bytes from changing wherever forms are handed out. UploadForms=allowed: no such statement."""
    if not refused:
        check(s is None, f"{name}: UploadForms=allowed, yet the bucket policy refuses the function's forms")
        return
    check(s is not None, f"{name}: UploadForms=refused without DenyFunctionUploadForms: a form can overwrite an image")
    check(s["Effect"] == "Deny" and s["Principal"] == "*", f"{name}: {s['Sid']} denies for everyone")
    check(s.get("Action") in ("s3:PutObject", ["s3:PutObject"]) and "NotAction" not in s,
          f"{name}: {s['Sid']} on s3:PutObject alone, not {s.get('Action') or s.get('NotAction')}")
    check(s["Resource"] == uploads_to, f"{name}: {s['Sid']} where uploads are signed, {uploads_to}: {s['Resource']}")
    check(s.get("Condition") == FORMS_REFUSED_CONDITION,
          f"{name}: {s['Sid']} on the function's forms alone (s3:authType POST, its role): {s.get('Condition')}")


UPLOADS = {"Fn::Sub": "${ImagesBucket.Arn}/uploads/*"}
IMAGES = {"Fn::Sub": "${ImagesBucket.Arn}/images/*"}


def check_grants(name, role, expected):
    """A role's inline policies grant exactly `expected`, [(action or actions, resource)]: every
    statement an Allow, no condition, no wildcard resource, no managed policy."""
    statements = [s for pol in role["Policies"] for s in pol["PolicyDocument"]["Statement"]]
    check("ManagedPolicyArns" not in role, f"{name}: no managed policies: they grant more than needed")
    for s in statements:
        check(set(s) == {"Effect", "Action", "Resource"} and s["Effect"] == "Allow" and s["Resource"] != "*",
              f"{name}: statement {s}")
    got = sorted(json.dumps([s["Action"], s["Resource"]], sort_keys=True) for s in statements)
    want = sorted(json.dumps([a, r], sort_keys=True) for a, r in expected)
    check(got == want, f"{name} grants {got}, not {want}")


def assert_variant(name, given, cfn, sam):
    res, values = resolve(cfn, given)
    res_all = res
    res = res["Resources"]
    door = given["FrontDoor"]
    arch = values["Architecture"]
    fn_name = FUNCTIONS[arch]
    check([n for n in FUNCTIONS.values() if n in res] == [fn_name], f"{name}: only the {arch} function")
    # The Rules passed, so an issuer means a JWT authorizer on an HttpApi, a pool Cognito on a RestApi.
    auth = values["CognitoUserPoolArn"] != "" or values["JwtIssuer"] != ""
    access = values["DownloadAccess"]
    downloads_auth = auth and access != "anyone"
    open_contract = not auth and values["TrustBodyUserId"] == "true"
    check(auth or open_contract, f"{name}: no authenticator, and the open contract not chosen")
    expires = int(values["UrlExpiresSeconds"])
    window = int(values["UrlCacheWindowSeconds"])
    mappings = res_all.get("Mappings", {})

    fn = res[fn_name]["Properties"]
    check(fn["Runtime"] == "provided.al2023" and fn["Handler"] == "bootstrap", "runtime")
    check(fn["Architectures"] == [arch], f"{name}: architecture {arch}")
    check(sam["Parameters"]["Architecture"]["Default"] == "x86_64", "x86_64 (static, measured) by default")
    check(fn["MemorySize"] == 128 and fn["Timeout"] <= 10, "memory and timeout")
    check(fn["Role"] == {"Fn::GetAtt": ["FunctionRole", "Arn"]}, "the function's own role")
    env = fn["Environment"]["Variables"]
    check(env["S3_BUCKET_NAME"] == {"Ref": "ImagesBucket"}, "bucket name")
    check("AWS_REGION" not in env, "AWS_REGION is reserved: Lambda sets it")
    check(env["S3_ENDPOINT_URL"] == {"Fn::Sub": "https://s3.${AWS::Region}.${AWS::URLSuffix}"}, "endpoint")
    check(env["CORS_ALLOW_ORIGIN"] == {"Ref": "FrontendOrigin"}, "the function's CORS origin")
    check(env["REQUIRE_UPLOAD_CONSTRAINTS"] == {"Ref": "RequireUploadConstraints"}, "upload constraints")
    check(sam["Parameters"]["RequireUploadConstraints"]["Default"] == "true", "constrained uploads by default")
    check(env["TRUST_BODY_USER_ID"] == ("false" if auth else {"Ref": "TrustBodyUserId"}),
          f"{name}: the body is never trusted behind an authenticator")
    check(sam["Parameters"]["TrustBodyUserId"]["Default"] == "false", "the body is not trusted by default")
    check(env["DOWNLOAD_ACCESS"] == {"Ref": "DownloadAccess"}, f"{name}: DOWNLOAD_ACCESS is DownloadAccess")
    check(env["URL_EXPIRES_SECONDS"] == {"Ref": "UrlExpiresSeconds"}, "URL_EXPIRES_SECONDS is UrlExpiresSeconds")
    # Constrained uploads live UploadUrlExpiresSeconds; under the open contract the variable is
    # unset, so the function gives uploads URL_EXPIRES_SECONDS, as the original's.
    constrained = values["RequireUploadConstraints"] == "true"
    check(env.get("UPLOAD_URL_EXPIRES_SECONDS") == ({"Ref": "UploadUrlExpiresSeconds"} if constrained else None),
          f"{name}: UPLOAD_URL_EXPIRES_SECONDS is {env.get('UPLOAD_URL_EXPIRES_SECONDS')}, not UploadUrlExpiresSeconds "
          "with constrained uploads and unset under the open contract")
    upload_expires = function_upload_expiry(env, values, mappings)
    check(upload_expires == (int(values["UploadUrlExpiresSeconds"]) if constrained else expires),
          f"{name}: the function's upload lifetime is {upload_expires} s")
    check(env["MAX_UPLOAD_BYTES"] == {"Ref": "MaxUploadBytes"}, "MAX_UPLOAD_BYTES is MaxUploadBytes")
    check(env["MAX_BATCH_IMAGES"] == {"Ref": "MaxBatchImages"}, "MAX_BATCH_IMAGES is MaxBatchImages")
    # Downloads=CloudFront: all three, the private key read from the secret by CloudFormation (a
    # dynamic reference, never a parameter's value); Downloads=S3: none.
    cloudfront = values["Downloads"] == "CloudFront"
    check({k: v for k, v in env.items() if k.startswith("CLOUDFRONT_")} == (CLOUDFRONT_ENV if cloudfront else {}),
          f"{name}: the function's CLOUDFRONT_* variables {sorted(k for k in env if k.startswith('CLOUDFRONT_'))}")
    if cloudfront:
        check(substitute(SECRET_REFERENCE, values) == "{{resolve:secretsmanager:" + given["CloudFrontPrivateKeySecret"]
              + ":SecretString}}", f"{name}: the private key is the secret's SecretString")
    batch = sam["Parameters"]["MaxBatchImages"]
    check((batch["Type"], batch["Default"], batch["MinValue"], batch["MaxValue"]) == ("Number", 100, 1, 1000),
          "MaxBatchImages: a Number, 1..1000, 100 by default (the function's own bounds)")
    # The window the function gets is the one the bucket policy's GET bound was tabulated for, and
    # never one the function refuses at start-up (window + expiry past 7 days).
    effective = int(value_of(env["URL_CACHE_WINDOW_SECONDS"], values, mappings))
    check(effective == effective_window(window, expires),
          f"{name}: URL_CACHE_WINDOW_SECONDS is {effective} for window {window} and expiry {expires}")
    check(0 <= effective and effective + expires <= SIGV4_MAX_EXPIRES,
          f"{name}: window {effective} + expiry {expires} past 7 days: the function refuses to start")
    check(sam["Parameters"]["DownloadAccess"]["Default"] == "signed-in"
          and sorted(sam["Parameters"]["DownloadAccess"]["AllowedValues"]) == ["anyone", "owner", "signed-in"],
          "DownloadAccess: signed-in by default, or owner, or anyone")
    # The function refuses to start with owner-only downloads when the body names the user.
    trusts_body = not auth and values["TrustBodyUserId"] == "true"
    check(not (trusts_body and access == "owner"), f"{name}: deploys a function that refuses DownloadAccess=owner")
    check("Default" not in sam["Parameters"]["FrontendOrigin"], "FrontendOrigin has no (localhost) default")

    pipeline = values["ImagePipeline"] == "on"
    check(env.get("IMAGE_PIPELINE") == {"Ref": "ImagePipeline"}, f"{name}: IMAGE_PIPELINE is ImagePipeline")
    check(sam["Parameters"]["ImagePipeline"]["Default"] == "on"
          and sorted(sam["Parameters"]["ImagePipeline"]["AllowedValues"]) == ["off", "on"],
          "ImagePipeline: on by default (the contract's default everywhere), or off")
    role = res["FunctionRole"]["Properties"]
    check("ManagedPolicyArns" not in role, "no managed policies: they grant more than needed")
    # Uploads are signed for uploads/* with the pipeline on (the processor publishes images/*),
    # images/* off; under Downloads=CloudFront the distribution reads the images, not the
    # function's URLs; with the pipeline and S3 downloads, s3:ListBucket, so that a status not
    # written yet is the 404 the client waits on (S3 answers 403 to a reader without it).
    uploads_to = UPLOADS if pipeline else IMAGES
    expected = [(["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": ["FunctionLogGroup", "Arn"]}),
                ("s3:PutObject", uploads_to)]
    if not cloudfront:
        expected.append(("s3:GetObject", {"Fn::Sub": "${ImagesBucket.Arn}/images/*"}))
        if pipeline:
            expected.append(("s3:ListBucket", {"Fn::GetAtt": ["ImagesBucket", "Arn"]}))
    check_grants(f"{name}: the function's role", role, expected)

    bucket = res["ImagesBucket"]["Properties"]
    check("BucketName" not in bucket, "a fixed bucket name can collide globally")
    check(bucket["VersioningConfiguration"]["Status"] == "Enabled", "versioning")
    check(all(bucket["PublicAccessBlockConfiguration"].values()), "public access blocked")
    check(bucket["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced", "ownership")
    cors = bucket["CorsConfiguration"]["CorsRules"][0]
    check(sorted(cors["AllowedMethods"]) == ["GET", "POST", "PUT"], "bucket CORS methods (PUT, form POST, GET)")
    check(cors["AllowedOrigins"] == [{"Ref": "FrontendOrigin"}], "bucket CORS origin")
    check({"Content-Type", "Content-Length", "x-amz-checksum-sha256", "If-None-Match"} <= set(cors["AllowedHeaders"]),
          "bucket CORS headers, the checksum and If-None-Match (write-once uploads) included")
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    check(rules.get("expire-overwritten-versions", {}).get("Status") == "Enabled"
          and rules["expire-overwritten-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"]
          == {"Ref": "NoncurrentVersionExpirationDays"}, "noncurrent versions expire")
    check(rules.get("abort-incomplete-multipart-uploads", {}).get("AbortIncompleteMultipartUpload", {})
          .get("DaysAfterInitiation") == 1, "incomplete multipart uploads are aborted")
    # Whatever the processor did not delete under uploads/ (and its noncurrent versions) goes
    # within a day or two, pipeline on or off (switched off, what was left still goes).
    check(rules.get("remove-uploads") == {"Id": "remove-uploads", "Status": "Enabled", "Prefix": "uploads/",
                                          "ExpirationInDays": 1, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
          f"{name}: the lifecycle rule removing uploads/ and its noncurrent versions: {rules.get('remove-uploads')}")
    check(bucket.get("NotificationConfiguration") == ({"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
                                                       if pipeline else None),
          f"{name}: the bucket's events to EventBridge exactly when the pipeline is on")

    policy = res["ImagesBucketPolicy"]["Properties"]
    check(policy["Bucket"] == {"Ref": "ImagesBucket"}, "the policy is on the images bucket")
    statements = policy["PolicyDocument"]["Statement"]
    sids = {s.get("Sid"): s for s in statements if s.get("Effect") != "Allow"}
    # The one Allow: under Downloads=CloudFront, this stack's distribution may read images/*.
    allows = [s for s in statements if s.get("Effect") == "Allow"]
    expected_allows = [{
        "Sid": "AllowCloudFrontToReadImages", "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
        "Resource": {"Fn::Sub": "${ImagesBucket.Arn}/images/*"},
        "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::"
                                                                    "${AWS::AccountId}:distribution/${CloudFrontDistribution}"}}},
    }] if cloudfront else []
    if cloudfront and pipeline:
        expected_allows.append({
            "Sid": "AllowCloudFrontToFindNoImage", "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:ListBucket",
            "Resource": {"Fn::GetAtt": ["ImagesBucket", "Arn"]},
            "Condition": expected_allows[0]["Condition"]})
    check(allows == expected_allows, f"{name}: the bucket policy allows {allows}")
    write_once = "DenyFunctionUploadUrlsWithoutIfNoneMatch"
    no_forms = "DenyFunctionUploadForms"
    processor_once = "DenyProcessorWritesWithoutIfNoneMatch"
    forms_refused = values["UploadForms"] == "refused"
    check(set(sids) == {"DenyInsecureTransport", "DenySignatureVersion2", "DenyFunctionUrlsPastTheirLifetime",
                        "DenyFunctionDownloadUrlsPastTheirWindow"} | ({write_once} if constrained else set())
          | ({no_forms} if forms_refused else set()) | ({processor_once} if pipeline else set()),
          f"{name}: bucket policy statements {sorted(sids)} (constrained uploads: {constrained}, "
          f"forms refused: {forms_refused}, pipeline: {pipeline})")
    # The If-None-Match statement's check reads every statement for the header; the processor's
    # own (below) is not about the function's uploads.
    check_write_once_statement(name, sids.get(write_once), constrained,
                               [s for s in statements if s.get("Sid") != processor_once], uploads_to)
    check_forms_statement(name, sids.get(no_forms), forms_refused, uploads_to)
    if pipeline:
        check(sids[processor_once] == {
            "Sid": processor_once, "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": IMAGES,
            "Condition": {"Null": {"s3:if-none-match": "true"},
                          "ArnEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["ProcessorRole", "Arn"]}}}},
              f"{name}: the processor's writes to images/* refused without If-None-Match: {sids[processor_once]}")
    for s in sids.values():
        check(s["Effect"] == "Deny" and s["Principal"] == "*", f"{s['Sid']} denies for everyone")
    check(sids["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, "TLS only")
    check(sids["DenySignatureVersion2"]["Condition"] == {"StringEquals": {"s3:signatureversion": "AWS"}}, "SigV4 only")
    # Every action but s3:GetObject (the role's other action is s3:PutObject: uploads) is bound by the
    # upload lifetime the function reads; s3:GetObject alone by the window plus the URL lifetime.
    lifetimes = {
        "DenyFunctionUrlsPastTheirLifetime": ("NotAction", upload_expires * 1000),
        "DenyFunctionDownloadUrlsPastTheirWindow": ("Action", (effective + expires) * 1000),
    }
    for sid, (key, bound_ms) in lifetimes.items():
        s = sids[sid]
        other = {"Action": "NotAction", "NotAction": "Action"}[key]
        check(s.get(key) in ("s3:GetObject", ["s3:GetObject"]) and other not in s,
              f"{name}: {sid}: {key} s3:GetObject alone")
        check(s["Resource"] == {"Fn::Sub": "${ImagesBucket.Arn}/*"}, f"{sid}: on the objects")
        age = s["Condition"]
        check(set(age) == {"NumericGreaterThan", "StringEquals", "ArnEquals"}, f"{sid}: conditions {sorted(age)}")
        age_ms = value_of(age["NumericGreaterThan"]["s3:signatureAge"], values, mappings)
        check(age_ms == str(bound_ms), f"{name}: {sid}: signatureAge {age_ms} ms, not {bound_ms} "
              f"(window {effective} s, lifetime {expires} s, upload lifetime {upload_expires} s)")
        check(age["StringEquals"] == {"s3:authType": "REST-QUERY-STRING"}, f"{sid}: only presigned requests")
        check(age["ArnEquals"] == {"aws:PrincipalArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]}},
              f"{sid}: only the function's URLs: administrators and the role keep normal (header-signed) use")
    for s in sids.values():
        check(s["Sid"] in lifetimes or s["Sid"] in (write_once, no_forms, processor_once) or s["Action"] == "s3:*",
              f"{s['Sid']} on every action")
        check("Allow" not in json.dumps(s), f"{s['Sid']}")

    doors = {
        "RestApi": of_type(res, "AWS::ApiGateway::RestApi"),
        "HttpApi": of_type(res, "AWS::ApiGatewayV2::Api"),
        "FunctionUrl": of_type(res, "AWS::Lambda::Url"),
    }
    check(all((len(d) == 1) == (k == door) for k, d in doors.items()), f"{name}: exactly one front door, {door}")

    cors_headers = "'Content-Type,Authorization'"
    origin = {"Fn::Sub": "'${FrontendOrigin}'"}
    if door == "RestApi":
        methods = of_type(res, "AWS::ApiGateway::Method")
        posts = {n: m["Properties"] for n, m in methods.items() if m["Properties"]["HttpMethod"] == "POST"}
        options = {n: m["Properties"] for n, m in methods.items() if m["Properties"]["HttpMethod"] == "OPTIONS"}
        paths = {r["Properties"]["PathPart"] for r in of_type(res, "AWS::ApiGateway::Resource").values()}
        check(paths == {"api"} | set(ROUTES), f"REST paths {paths}")
        check(all(r["Properties"]["ParentId"] == {"Ref": "RestApiResource"}
                  for r in of_type(res, "AWS::ApiGateway::Resource").values() if r["Properties"]["PathPart"] != "api"),
              f"{name}: every route under /api")
        by_path = {r: {m["Properties"]["HttpMethod"] for m in methods.values()
                       if m["Properties"]["ResourceId"] == {"Ref": n}}
                   for n, rs in of_type(res, "AWS::ApiGateway::Resource").items()
                   for r in [rs["Properties"]["PathPart"]] if r != "api"}
        check(all(m == {"POST", "OPTIONS"} for m in by_path.values()) and len(methods) == 2 * len(ROUTES),
              f"{name}: POST and OPTIONS on every route, {by_path}")
        authorizers = of_type(res, "AWS::ApiGateway::Authorizer")
        for n, p in posts.items():
            check(p["Integration"]["Type"] == "AWS_PROXY", f"{n} proxies to the function")
        path_of = {f"Ref:{n}": r["Properties"]["PathPart"] for n, r in of_type(res, "AWS::ApiGateway::Resource").items()}
        posts_by_route = {path_of["Ref:" + p["ResourceId"]["Ref"]]: p for p in posts.values()}
        check(set(posts_by_route) == set(ROUTES), f"{name}: a POST on every route")
        check_authorized(name, posts_by_route, auth, downloads_auth, "COGNITO_USER_POOLS", "RestCognitoAuthorizer")
        if auth:
            (a,) = authorizers.values()
            check(a["Properties"]["ProviderARNs"] == [{"Ref": "CognitoUserPoolArn"}], "the user pool")
            check(a["Properties"]["IdentitySource"] == "method.request.header.Authorization", "token header")
        else:
            check(not authorizers, "no authorizer when off")
        for n, p in options.items():
            check(p["AuthorizationType"] == "NONE", f"{n}: preflights are never authorized")
            headers = p["Integration"]["IntegrationResponses"][0]["ResponseParameters"]
            check(headers["method.response.header.Access-Control-Allow-Origin"] == origin, f"{n} CORS origin")
            check(headers["method.response.header.Access-Control-Allow-Headers"] == cors_headers, f"{n} CORS headers")
        for n, g in of_type(res, "AWS::ApiGateway::GatewayResponse").items():
            h = g["Properties"]["ResponseParameters"]
            check(h["gatewayresponse.header.Access-Control-Allow-Origin"] == origin, f"{n} CORS origin")
            check(h["gatewayresponse.header.Access-Control-Allow-Headers"] == cors_headers, f"{n} CORS headers")
        check({g["Properties"]["ResponseType"] for g in of_type(res, "AWS::ApiGateway::GatewayResponse").values()}
              == {"DEFAULT_4XX", "DEFAULT_5XX"}, "API Gateway's own errors carry CORS")
        (stage,) = of_type(res, "AWS::ApiGateway::Stage").values()
        check_rest_deployment(name, res, stage, auth)
        check(stage["Properties"]["StageName"] == {"Ref": "StageName"}, "stage name")
        (setting,) = stage["Properties"]["MethodSettings"]
        check(setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*", "throttling on every method")
        check(setting["ThrottlingRateLimit"] == {"Ref": "ThrottlingRateLimit"}
              and setting["ThrottlingBurstLimit"] == {"Ref": "ThrottlingBurstLimit"}, "stage throttling")
        api_ref = "RestApi"
    elif door == "HttpApi":
        (api,) = doors["HttpApi"].values()
        c = api["Properties"]["CorsConfiguration"]
        check(c["AllowOrigins"] == [{"Ref": "FrontendOrigin"}], "HTTP API CORS origin")
        check(sorted(h.lower() for h in c["AllowHeaders"]) == ["authorization", "content-type"], "HTTP API CORS headers")
        check(sorted(c["AllowMethods"]) == ["OPTIONS", "POST"], "HTTP API CORS methods")
        routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in of_type(res, "AWS::ApiGatewayV2::Route").values()}
        check(set(routes) == {"POST /api/" + r for r in ROUTES}, f"routes {sorted(routes)}")
        authorizers = of_type(res, "AWS::ApiGatewayV2::Authorizer")
        check_authorized(name, {k.split("/api/", 1)[1]: r for k, r in routes.items()}, auth, downloads_auth,
                         "JWT", "HttpJwtAuthorizer")
        if auth:
            (a,) = authorizers.values()
            jwt = a["Properties"]["JwtConfiguration"]
            check(jwt == {"Issuer": {"Ref": "JwtIssuer"}, "Audience": [{"Ref": "JwtAudience"}]}, "JWT issuer and audience")
            check(a["Properties"]["IdentitySource"] == ["$request.header.Authorization"], "token header")
        else:
            check(not authorizers, "no authorizer when off")
        (integration,) = of_type(res, "AWS::ApiGatewayV2::Integration").values()
        check(integration["Properties"]["PayloadFormatVersion"] == "2.0", "payload 2.0")
        (stage,) = of_type(res, "AWS::ApiGatewayV2::Stage").values()
        s = stage["Properties"]
        check(s["AutoDeploy"] is True and s["StageName"] == {"Ref": "StageName"}, "auto-deployed stage")
        check(s["DefaultRouteSettings"] == {"ThrottlingRateLimit": {"Ref": "ThrottlingRateLimit"},
                                            "ThrottlingBurstLimit": {"Ref": "ThrottlingBurstLimit"}}, "stage throttling")
        api_ref = "HttpApi"
    else:
        (url,) = doors["FunctionUrl"].values()
        u = url["Properties"]
        check(u["AuthType"] == "NONE", "function URL auth type")
        check(u["Cors"]["AllowOrigins"] == [{"Ref": "FrontendOrigin"}], "function URL CORS origin")
        check(sorted(h.lower() for h in u["Cors"]["AllowHeaders"]) == ["authorization", "content-type"], "function URL CORS headers")
        # The Rules passed: the function is capped by a reservation of at least one execution.
        check(int(values["ReservedConcurrency"]) >= 1 and fn.get("ReservedConcurrentExecutions")
              == {"Ref": "ReservedConcurrency"}, f"{name}: a function URL with no cap on the function's concurrency")
        perms = {p["Properties"]["Action"]: p["Properties"] for n, p in of_type(res, "AWS::Lambda::Permission").items()
                 if n != "ProcessorInvokePermission"}
        check(perms.get("lambda:InvokeFunctionUrl", {}).get("FunctionUrlAuthType") == "NONE", "InvokeFunctionUrl")
        check(perms.get("lambda:InvokeFunction", {}).get("InvokedViaFunctionUrl") is True,
              "InvokeFunction only via the URL (needed by new function URLs since October 2025)")
        api_ref = None

    if api_ref:
        (perm,) = [p for n, p in of_type(res, "AWS::Lambda::Permission").items() if n != "ProcessorInvokePermission"]
        p = perm["Properties"]
        check(p["Principal"] == "apigateway.amazonaws.com", "API Gateway invokes")
        check(p["SourceArn"] == {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${"
                                 + api_ref + "}/*/POST/api/*"}, "only this API's POST routes")

    outputs = res_all["Outputs"]
    check_pipeline(name, res, outputs, values, fn)
    check_cloudfront(name, res, outputs, values)
    check_rate_limit(name, res, outputs, values)
    check_access_logs(name, res, outputs, values)
    check(set(ROUTES.values()) | {"Authentication", "FunctionArn", "FunctionRoleArn", "BucketName"}
          <= set(outputs), f"outputs {sorted(outputs)}")
    for route, key in ROUTES.items():
        value = outputs[key]["Value"]["Fn::Sub"]
        expected = {
            "RestApi": "https://${RestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}/api/" + route,
            "HttpApi": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}/api/" + route,
            "FunctionUrl": "${PresignerFunctionUrl.FunctionUrl}api/" + route,
        }[door]
        check(value == expected, f"{name}: {key} is {value}")
    auth_text = json.dumps(outputs["Authentication"]["Value"])
    check(("sub" in auth_text) == auth and ("anyone" in auth_text) == (not auth)
          and ("${DownloadAccess}" in auth_text) == auth, f"{name}: Authentication output")
    return res_all


# ---- The REST stage on update: a new deployment whenever what the stage must serve changes.

# What a REST deployment snapshots (a change to any of them needs a new deployment to reach the stage).
REST_SNAPSHOT_TYPES = {"AWS::ApiGateway::RestApi", "AWS::ApiGateway::Resource", "AWS::ApiGateway::Method",
                       "AWS::ApiGateway::Authorizer", "AWS::ApiGateway::GatewayResponse"}
# Parameters known to shape the REST resources: the sweep below must find each of them doing so, so
# that it cannot pass by looking at nothing.
REST_SHAPERS = {"FrontendOrigin", "CognitoUserPoolArn", "Architecture", "DownloadAccess"}
POOL2 = "arn:aws:cognito-idp:ap-northeast-1:123456789012:userpool/ap-northeast-1_OTHERPOOL"


def bind(node, values):
    """Parameter values put in (Ref and Fn::Sub); references to resources stay as written."""
    if isinstance(node, dict):
        if list(node) == ["Ref"] and node["Ref"] in values:
            return values[node["Ref"]]
        if list(node) == ["Fn::Sub"]:
            arg = node["Fn::Sub"]
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], bind(arg[1], values))
            text = re.sub(r"\$\{([A-Za-z0-9:]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
            return {"Fn::Sub": [text, local] if local else text}
        return {k: bind(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [bind(v, values) for v in node]
    return node


def rest_state(res, values):
    """(what a deployment of this variant's REST API would snapshot, what makes CloudFormation make
    a new deployment for the stage), both with the parameter values put in. An
    AWS::ApiGateway::Deployment is updated in place (only RestApiId and canary settings replace it),
    so it makes a snapshot once: its logical id is its trigger. The custom resource makes one on
    every Update, which CloudFormation sends when any of its properties changes."""
    fingerprint = json.dumps({n: bind(r, values) for n, r in res.items() if r["Type"] in REST_SNAPSHOT_TYPES},
                             sort_keys=True)
    target = res["RestStage"]["Properties"]["DeploymentId"]
    check(list(target) == ["Ref"] and target["Ref"] in res, f"the stage's DeploymentId {target}")
    deployment = res[target["Ref"]]
    if deployment["Type"] == "AWS::ApiGateway::Deployment":
        return fingerprint, ("AWS::ApiGateway::Deployment", target["Ref"])
    check(deployment["Type"].startswith("Custom::")
          and deployment["Properties"].get("ServiceToken") == {"Fn::GetAtt": ["RestDeployer", "Arn"]},
          f"the stage's deployment {target['Ref']} is made by RestDeployer")
    return fingerprint, (target["Ref"], json.dumps(bind(deployment["Properties"], values), sort_keys=True))


def check_rest_deployment(name, res, stage, auth):
    """The stage serves RestDeployment, made by RestDeployer after every method and gateway response
    (and the authorizer, which Snapshot names) is in place; RestDeployer may make and delete this
    API's deployments and write its log group, nothing else."""
    check(not of_type(res, "AWS::ApiGateway::Deployment"), f"{name}: a deployment CloudFormation updates in place")
    check(stage["Properties"]["DeploymentId"] == {"Ref": "RestDeployment"}, f"{name}: the stage serves RestDeployment")
    deployment = res["RestDeployment"]
    props = deployment["Properties"]
    check(deployment["Type"] == "Custom::RestDeployment"
          and props["ServiceToken"] == {"Fn::GetAtt": ["RestDeployer", "Arn"]}, f"{name}: RestDeployer makes it")
    check(props["RestApiId"] == {"Ref": "RestApi"}, f"{name}: the deployment is of this API")
    snapshotted = set(of_type(res, "AWS::ApiGateway::Method")) | set(of_type(res, "AWS::ApiGateway::GatewayResponse"))
    check(set(deployment.get("DependsOn", [])) >= snapshotted,
          f"{name}: the deployment is made before {sorted(snapshotted - set(deployment.get('DependsOn', [])))}")
    check(props["Snapshot"].get("Authorizer") == ({"Ref": "RestCognitoAuthorizer"} if auth else "none"),
          f"{name}: the deployment waits for the authorizer and follows it")
    fn = res["RestDeployer"]["Properties"]
    check(fn["Runtime"].startswith("python3.") and fn["Handler"] == "index.handler"
          and fn["Role"] == {"Fn::GetAtt": ["RestDeployerRole", "Arn"]}, f"{name}: RestDeployer's runtime and role")
    check(fn["LoggingConfig"]["LogGroup"] == {"Ref": "RestDeployerLogGroup"}, f"{name}: RestDeployer's log group")
    statements = [s for pol in res["RestDeployerRole"]["Properties"]["Policies"] for s in pol["PolicyDocument"]["Statement"]]
    api = "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestApi}/deployments"
    grants = sorted((json.dumps(s["Action"]), json.dumps(s["Resource"])) for s in statements)
    check(all(s["Effect"] == "Allow" for s in statements) and grants == sorted([
        (json.dumps(["logs:CreateLogStream", "logs:PutLogEvents"]),
         json.dumps({"Fn::GetAtt": ["RestDeployerLogGroup", "Arn"]})),
        (json.dumps("apigateway:POST"), json.dumps({"Fn::Sub": api})),
        (json.dumps("apigateway:DELETE"), json.dumps({"Fn::Sub": api + "/*"})),
    ]), f"{name}: RestDeployer's role grants {grants}")


def rest_revision(sam):
    """A digest of the REST resources as written and of the conditions they use, transitively."""
    resources = {n: r for n, r in sam["Resources"].items() if r["Type"] in REST_SNAPSHOT_TYPES}
    conditions, text = {}, json.dumps(resources)
    while True:
        more = {c: e for c, e in sam.get("Conditions", {}).items() if c not in conditions and f'"{c}"' in text}
        if not more:
            break
        conditions.update(more)
        text += json.dumps(more)
    canonical = json.dumps({"Resources": resources, "Conditions": conditions}, sort_keys=True, separators=(",", ":"))
    return __import__("hashlib").sha256(canonical.encode()).hexdigest()[:16]


def check_rest_revision(sam):
    """An edit of the REST resources in the template changes RestDeployment's Revision, so the next
    deploy makes a new deployment for it."""
    got = sam["Resources"]["RestDeployment"]["Properties"]["Snapshot"].get("Revision")
    want = rest_revision(sam)
    check(got == want, f"the REST resources (or their conditions) changed: set RestDeployment's Snapshot Revision to "
          f"{want} (it is {got}), so that the next deploy makes a deployment of them for the stage")


def check_rest_deployer(sam):
    """RestDeployer's code, run against a stand-in API Gateway and CloudFormation on a simulated
    clock (scripts/rest_deployer_test.py): a new deployment (a new physical id) on Create and on
    Update, the old one deleted on Delete, best effort, throttling and timeouts retried, and an
    answer to CloudFormation every time inside the function's Timeout, FAILED with the reason when
    a Create or Update fails."""
    import rest_deployer_test

    try:
        rest_deployer_test.check(sam)
    except AssertionError as e:
        raise Broken(str(e))


def alternatives(sam):
    """Values to change each parameter to (CloudFront's key pair goes with Downloads)."""
    special = {"FrontendOrigin": [ORIGIN, "https://other.example.com:8443"], "CognitoUserPoolArn": ["", POOL, POOL2],
               "StageName": ["v1", "v2"], "JwtIssuer": ["", ISSUER], "JwtAudience": ["", "4example"],
               "RateLimitPerIp": ["0", "1000"],
               "CloudFrontPublicKey": [], "CloudFrontPrivateKeySecret": []}
    out = {}
    for name, p in sam["Parameters"].items():
        if name in special:
            out[name] = [{name: v} for v in special[name]]
        elif name == "Downloads":
            out[name] = [{"Downloads": "S3", "CloudFrontPublicKey": "", "CloudFrontPrivateKeySecret": ""}, CLOUDFRONT]
        elif "AllowedValues" in p:
            out[name] = [{name: str(v)} for v in p["AllowedValues"]]
        elif p["Type"] == "Number":
            out[name] = [{name: str(v)} for v in (p.get("MinValue", 0), p.get("MaxValue", int(p["Default"]) + 1))]
        else:
            out[name] = [{name: str(p.get("Default", ""))}]
    return out


def check_redeploys(sam, cfn):
    """For each REST variant and each parameter, changed to each of its other values: if the REST
    resources the stage serves change, so does the deployment's trigger (so `sam deploy` makes a new
    deployment and points the stage at it)."""
    shapers = set()
    for base_name, base in VARIANTS.items():
        if base["FrontDoor"] != "RestApi":
            continue
        before = rest_state(*resolved_resources(cfn, base))
        for param, changes in alternatives(sam).items():
            if param == "FrontDoor":
                continue  # another front door has no REST API; back on RestApi, it is made anew
            for change in changes:
                given = dict(base, **change)
                if given == base or rules_refusal(sam, given) is not None:
                    continue
                after = rest_state(*resolved_resources(cfn, given))
                if after[0] != before[0]:
                    shapers.add(param)
                    check(after[1] != before[1], f"{base_name}: changing {param} to {change[param]!r} changes the "
                          "REST API but not its deployment: the stage would keep serving the old snapshot")
    check(shapers >= REST_SHAPERS, f"the sweep saw only {sorted(shapers)} change the REST API")


def resolved_resources(cfn, given):
    """The resources rest_state looks at (the REST ones, the stage and its deployment), resolved
    for `given` as resolve() would, and the parameter values."""
    values = parameter_values(cfn, given)
    conditions = decide_conditions(cfn, values)
    res = {name: take_branches({k: v for k, v in r.items() if k != "Condition"}, conditions)
           for name, r in cfn["Resources"].items()
           if (r["Type"] in REST_SNAPSHOT_TYPES or name == "RestStage" or r["Type"].startswith("Custom::")
               or r["Type"] == "AWS::ApiGateway::Deployment") and conditions.get(r.get("Condition"), True)}
    return res, values


def run_checks(sam, with_lint=True, root="."):
    """Every check on `sam`, the template as samtranslator's yaml_parse reads it (left unchanged)."""
    check_static_builds(sam, root)
    to_lint = [("SAM template", sam)]
    groups = [p for g in sam["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"] for p in g["Parameters"]]
    check(sorted(groups) == sorted(sam["Parameters"]), "every parameter in exactly one ParameterGroup: "
          f"{sorted(set(sam['Parameters']) ^ set(groups))} {sorted({p for p in groups if groups.count(p) > 1})}")
    windows, expiries = check_timeline_tables(sam)
    upload_lifetimes = check_upload_lifetime_parameter(sam)
    check_cloudfront_parameters(sam)
    check_rate_limit_parameter(sam)
    logs = sam["Parameters"]["AccessLogs"]
    check(logs["Default"] == "false" and sorted(logs["AllowedValues"]) == ["false", "true"], "AccessLogs: off by default")
    pairs = len(windows) * len(expiries)
    cfn = expand(sam)
    to_lint.append(("expanded by samtranslator", cfn))
    # The variants first: a broken template most often fails there, soonest.
    for name, given in VARIANTS.items():
        refusal = rules_refusal(sam, given)
        check(refusal is None, f"{name}: the Rules refuse a deployable variant: {refusal}")
        to_lint.append((f"variant {name}", assert_variant(name, given, cfn, sam)))
    # Every accepted combination holds the same wiring; on a RestApi, no two of them that differ in
    # what the stage must serve share a deployment trigger (else changing between them would leave
    # the stage on the old snapshot).
    snapshots = {}
    accepted = 0
    for given in COMBINATIONS:
        if rules_refusal(sam, given) is not None:
            continue
        accepted += 1
        label = " ".join(f"{k}={v}" for k, v in given.items() if v and k != "CloudFrontPublicKey")
        resolved = assert_variant(label, given, cfn, sam)
        if given["FrontDoor"] == "RestApi":
            fingerprint, trigger = rest_state(resolved["Resources"], parameter_values(cfn, given))
            snapshots.setdefault(trigger, {})[fingerprint] = label
    check(accepted >= len(VARIANTS), f"only {accepted} combinations accepted")
    for trigger, served in snapshots.items():
        check(len(served) == 1, "one deployment trigger for different REST APIs, so the stage would stay on a "
              f"stale snapshot when changing between: {' / '.join(served.values())}")
    check_rest_deployer(sam)
    check_rest_revision(sam)
    for what, (given, says) in REFUSED.items():
        refusal = rules_refusal(sam, given)
        check(refusal is not None, f"the Rules accept {what}")
        check(any(says in r for r in refusal), f"{what}: refused, but not saying {says!r}: {refusal}")
    # Every pair of cache window and URL lifetime, through the template's own expressions.
    for w in windows:
        for e in expiries:
            assert_variant(f"http-jwt window {w} expiry {e}",
                           dict(VARIANTS["http-jwt"], UrlCacheWindowSeconds=str(w), UrlExpiresSeconds=str(e)), cfn, sam)
    # Every upload lifetime, constrained (its own bound) and open (ignored: UrlExpiresSeconds).
    for u in upload_lifetimes:
        for uploads in ("true", "false"):
            assert_variant(f"http-jwt upload lifetime {u} constrained {uploads}",
                           dict(VARIANTS["http-jwt"], UploadUrlExpiresSeconds=str(u), RequireUploadConstraints=uploads,
                                UrlExpiresSeconds="1800"), cfn, sam)
    # The slowest last: every parameter of every REST variant.
    check_redeploys(sam, cfn)
    if with_lint:
        lint(to_lint)
    return accepted, pairs


# Each break of the template that the checks above must catch.
def mutations(sam):
    def edit(fn, restamp=True):
        """The template broken by fn; RestDeployment's Revision then follows the REST resources (as
        whoever made the edit would have set it), so that the break meets the check it is for."""
        def apply():
            t = copy.deepcopy(sam)
            fn(t["Resources"], t)
            snapshot = t["Resources"].get("RestDeployment", {}).get("Properties", {}).get("Snapshot")
            if restamp and snapshot is not None:
                snapshot["Revision"] = rest_revision(t)
            return t
        return apply

    def policy(r):
        return r["ImagesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]

    def statement(r, sid):
        (s,) = [s for s in policy(r) if s.get("Sid") == sid]
        return s

    def age(r, sid="DenyFunctionUrlsPastTheirLifetime"):
        return statement(r, sid)["Condition"]

    def unauthorized(route):
        return edit(lambda r, t: r[route]["Properties"].update(
            {"AuthorizationType": "NONE", "AuthorizerId": {"Ref": "AWS::NoValue"}}))

    def dist(r):
        return r["CloudFrontDistribution"]["Properties"]["DistributionConfig"]

    def images(r):
        (b,) = dist(r)["CacheBehaviors"]
        return b

    def cache_key(r):
        return r["CloudFrontCachePolicy"]["Properties"]["CachePolicyConfig"]["ParametersInCacheKeyAndForwardedToOrigin"]

    def conditional_statement(r, sid):
        (s,) = [s["Fn::If"][1] for s in policy(r) if "Fn::If" in s and s["Fn::If"][1].get("Sid") == sid]
        return s

    def cloudfront_statement(r):
        return conditional_statement(r, "AllowCloudFrontToReadImages")

    def write_once(r):
        return conditional_statement(r, "DenyFunctionUploadUrlsWithoutIfNoneMatch")

    def no_forms(r):
        return conditional_statement(r, "DenyFunctionUploadForms")

    def unwrap(r, sid):
        """The statement of sid in every variant, whatever its condition says."""
        for i, s in enumerate(policy(r)):
            if "Fn::If" in s and s["Fn::If"][1].get("Sid") == sid:
                policy(r)[i] = s["Fn::If"][1]

    def env(t):
        return t["Globals"]["Function"]["Environment"]["Variables"]

    def log_grant(r):
        return r["AccessLogsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]

    def rate_rule(r):
        (rule,) = r["RateLimitWebAcl"]["Properties"]["Rules"]
        return rule

    def snapshot(r):
        return r["RestDeployment"]["Properties"]["Snapshot"]

    def deployer_code(r, old, new):
        code = r["RestDeployer"]["Properties"]["Code"]
        assert old in code["ZipFile"], old
        code["ZipFile"] = code["ZipFile"].replace(old, new)

    # RestDeployer's code, each break a (what it replaces, with what).
    deployer_breaks = {
        "RestDeployer keeping the old deployment on Update": ('in ("Create", "Update"):', '== "Create":'),
        "RestDeployer deleting nothing on Delete": ("call(context, apigateway.delete_deployment, restApiId=api, deploymentId=physical_id)", "pass"),
        "RestDeployer failing the stack when a Delete fails (DELETE_FAILED, UPDATE_ROLLBACK_FAILED)": ('if kind == "Delete":', "if False:"),
        "RestDeployer silent when API Gateway fails (CloudFormation waits an hour)": ('status, reason = "FAILED", repr(e)[:500]', "raise"),
        "RestDeployer failing a Create on the first throttled CreateDeployment": ("if not transient(e) or", "if True or"),
        "RestDeployer retrying until Lambda stops it (no answer to CloudFormation)": ("left < wait + CALL_SECONDS + ANSWER_SECONDS + 2", "False"),
        "RestDeployer retrying sooner than CreateDeployment's one call per 5 s": ("wait = 5  #", "wait = 1  #"),
        "RestDeployer's calls under botocore's default 60 s read timeout": ("read_timeout=15", "read_timeout=60"),
        "RestDeployer's calls retried by botocore too, beyond the time it counts": ('"total_max_attempts": 1', '"total_max_attempts": 3'),
        "RestDeployer's answer allowed to end after the function's Timeout": ("urlopen(request, timeout=ANSWER_SECONDS)", "urlopen(request, timeout=60)"),
        "RestDeployer deploying to a stage of its own": ("restApiId=api, description=", 'restApiId=api, stageName="v1", description='),
    }

    def pattern(name):
        return edit(lambda r, t: t["Parameters"][name].update({"AllowedPattern": r"^[\s\S]*$"}))

    def presigner_grants(r):
        return r["FunctionRole"]["Properties"]["Policies"][1]["PolicyDocument"]["Statement"]

    def processor_grants(r):
        return r["ProcessorRole"]["Properties"]["Policies"][1]["PolicyDocument"]["Statement"]

    def processors(r):
        return [r[n]["Properties"] for n in PROCESSORS.values()]

    def uploads_rule(r):
        return r["ProcessorUploadsRule"]["Properties"]

    def for_processors(fn):
        return edit(lambda r, t: [fn(p) for p in processors(r)])

    # Where uploads were signed before the pipeline: images/*, whatever ImagePipeline says.
    IMAGES_EITHER_WAY = {"Fn::If": ["PipelineOn", IMAGES, IMAGES]}

    def lifecycle(r, rule_id):
        (rule,) = [x for x in r["ImagesBucket"]["Properties"]["LifecycleConfiguration"]["Rules"] if x["Id"] == rule_id]
        return rule

    return {
        "the authorizer dropped from the REST form route": unauthorized("RestUploadFormPost"),
        "the form route left out of the REST deployment": edit(
            lambda r, t: r["RestDeployment"]["DependsOn"].remove("RestUploadFormPost")),
        "the 5xx gateway response left out of the REST deployment": edit(
            lambda r, t: r["RestDeployment"]["DependsOn"].remove("RestDefault5xx")),
        # The REST stage on update.
        "a new FrontendOrigin kept off the REST stage (not in the deployment's Snapshot)": edit(
            lambda r, t: snapshot(r).pop("FrontendOrigin")),
        "pool A's tokens still accepted after a switch to pool B (the pool not in the Snapshot)": edit(
            lambda r, t: snapshot(r).pop("CognitoUserPoolArn")),
        "the stage invoking the deleted function after an Architecture switch (no FunctionArn in the Snapshot)": edit(
            lambda r, t: snapshot(r).pop("FunctionArn")),
        "DownloadAccess=anyone kept off the REST stage (not in the Snapshot)": edit(
            lambda r, t: snapshot(r).pop("DownloadAccess")),
        "the deployment an AWS::ApiGateway::Deployment with the values in its Description (updated in place)": edit(
            lambda r, t: r.update({"RestDeployment": {
                "Type": "AWS::ApiGateway::Deployment", "Condition": "IsRestApi",
                "DependsOn": r["RestDeployment"]["DependsOn"],
                "Properties": {"RestApiId": {"Ref": "RestApi"}, "Description": {
                    "Fn::Sub": "${FrontendOrigin} ${CognitoUserPoolArn} ${Architecture} ${DownloadAccess}"}}}})),
        "a REST method edited without a new Revision": edit(
            lambda r, t: r["RestUploadOptions"]["Properties"]["Integration"]["IntegrationResponses"][0]
            ["ResponseParameters"].update({"method.response.header.Access-Control-Max-Age": "'600'"}), restamp=False),
        "a condition of the REST methods rewritten without a new Revision": edit(
            lambda r, t: t["Conditions"].update({"RestDownloadsAuthorized": {"Fn::And": [
                {"Condition": "HasCognito"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "DownloadAccess"}, "anyone"]}]}]}}),
            restamp=False),
        **{what: edit(lambda r, t, old=old, new=new: deployer_code(r, old, new))
           for what, (old, new) in deployer_breaks.items()},
        "RestDeployer allowed every API's deployments": edit(
            lambda r, t: r["RestDeployerRole"]["Properties"]["Policies"][1]["PolicyDocument"]["Statement"][1].update(
                {"Resource": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/*"}})),
        "the authorizer dropped from the REST batch download route": unauthorized("RestDownloadUrlsPost"),
        "the JWT authorizer dropped from the HTTP batch download route": unauthorized("HttpDownloadUrlsRoute"),
        "no preflight on the REST batch download route": edit(lambda r, t: r.pop("RestDownloadUrlsOptions")),
        "no batch download route on the HTTP API": edit(lambda r, t: r.pop("HttpDownloadUrlsRoute")),
        "the batch download endpoint output naming the single route": edit(
            lambda r, t: t["Outputs"]["DownloadUrlsEndpoint"]["Value"]["Fn::If"][2]["Fn::If"][2].update(
                {"Fn::Sub": "${PresignerFunctionUrl.FunctionUrl}api/download_url"})),
        "no checksum header in the bucket's CORS": edit(
            lambda r, t: r["ImagesBucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0]["AllowedHeaders"]
            .remove("x-amz-checksum-sha256")),
        "no If-None-Match in the bucket's CORS": edit(
            lambda r, t: r["ImagesBucket"]["Properties"]["CorsConfiguration"]["CorsRules"][0]["AllowedHeaders"]
            .remove("If-None-Match")),
        "the authorizer dropped from the REST upload route": unauthorized("RestUploadPost"),
        "the JWT authorizer dropped from the HTTP download route": unauthorized("HttpDownloadRoute"),
        "REST throttling removed": edit(lambda r, t: r["RestStage"]["Properties"].pop("MethodSettings")),
        "HTTP API throttling removed": edit(lambda r, t: r["HttpStage"]["Properties"].pop("DefaultRouteSettings")),
        "the TLS statement missing": edit(lambda r, t: policy(r).pop(0)),
        "signatureAge in seconds, not milliseconds": edit(
            lambda r, t: age(r)["NumericGreaterThan"].update({"s3:signatureAge": {"Ref": "UrlExpiresSeconds"}})),
        "signatureAge for every principal's URLs": edit(lambda r, t: age(r).pop("ArnEquals")),
        "the download signatureAge for every principal's URLs": edit(
            lambda r, t: age(r, "DenyFunctionDownloadUrlsPastTheirWindow").pop("ArnEquals")),
        "one wrong cell of the effective window": edit(
            lambda r, t: t["Mappings"]["EffectiveUrlCacheWindow"]["3600"].update({"1800": "3601"})),
        "one cell of the download signature age not shortened at 7 days": edit(
            lambda r, t: t["Mappings"]["DownloadSignatureAgeMs"]["86400"].update({"604800": "691200000"})),
        "a cache window with no row in the Mappings": edit(
            lambda r, t: t["Parameters"]["UrlCacheWindowSeconds"]["AllowedValues"].append("600")),
        "the asked window passed to the function (refused past 7 days)": edit(
            lambda r, t: t["Globals"]["Function"]["Environment"]["Variables"].update(
                {"URL_CACHE_WINDOW_SECONDS": {"Ref": "UrlCacheWindowSeconds"}})),
        "MAX_BATCH_IMAGES not passed to the function": edit(
            lambda r, t: t["Globals"]["Function"]["Environment"]["Variables"].pop("MAX_BATCH_IMAGES")),
        "the download statement bound by the URL lifetime alone": edit(
            lambda r, t: age(r, "DenyFunctionDownloadUrlsPastTheirWindow")["NumericGreaterThan"].update(
                {"s3:signatureAge": {"Fn::Sub": "${UrlExpiresSeconds}000"}})),
        "the lifetime statement covering downloads too (cached URLs refused)": edit(
            lambda r, t: statement(r, "DenyFunctionUrlsPastTheirLifetime").update({"Action": "s3:*"})
            or statement(r, "DenyFunctionUrlsPastTheirLifetime").pop("NotAction")),
        "every action bound by the download window": edit(
            lambda r, t: age(r)["NumericGreaterThan"].update({"s3:signatureAge": {"Fn::FindInMap": [
                "DownloadSignatureAgeMs", {"Ref": "UrlCacheWindowSeconds"}, {"Ref": "UrlExpiresSeconds"}]}})),
        "the download statement on every action": edit(
            lambda r, t: statement(r, "DenyFunctionDownloadUrlsPastTheirWindow").update({"Action": "s3:*"})),
        # Write-once upload URLs and the upload lifetime.
        "no If-None-Match Deny (an upload URL writes more than once)": edit(
            lambda r, t: policy(r).remove({"Fn::If": ["UploadsConstrained", write_once(r), {"Ref": "AWS::NoValue"}]})),
        "the If-None-Match Deny under the open contract too (its URLs carry none)": edit(
            lambda r, t: unwrap(r, "DenyFunctionUploadUrlsWithoutIfNoneMatch")),
        "the If-None-Match Deny for every principal's uploads": edit(lambda r, t: write_once(r)["Condition"].pop("ArnEquals")),
        "the If-None-Match Deny on header-signed uploads too": edit(lambda r, t: write_once(r)["Condition"].pop("StringEquals")),
        "no forms Deny under UploadForms=refused (a form overwrites a stored image)": edit(
            lambda r, t: policy(r).remove({"Fn::If": ["FormsRefused", no_forms(r), {"Ref": "AWS::NoValue"}]})),
        "the forms Deny under UploadForms=allowed too": edit(lambda r, t: unwrap(r, "DenyFunctionUploadForms")),
        "the forms Deny on presigned uploads too": edit(lambda r, t: no_forms(r)["Condition"].pop("StringEquals")),
        "the forms Deny for every principal's forms": edit(lambda r, t: no_forms(r)["Condition"].pop("ArnEquals")),
        "the forms Deny on every object, not images/*": edit(
            lambda r, t: no_forms(r).update({"Resource": {"Fn::Sub": "${ImagesBucket.Arn}/*"}})),
        "the If-None-Match Deny on form uploads (POST cannot carry the header)": edit(
            lambda r, t: write_once(r)["Condition"].update({"StringEquals": {"s3:authType": "POST"}})),
        "the If-None-Match Deny refusing uploads that carry the header": edit(
            lambda r, t: write_once(r)["Condition"].update({"Null": {"s3:if-none-match": "false"}})),
        "the If-None-Match Deny on downloads": edit(lambda r, t: write_once(r).update({"Action": "s3:GetObject"})),
        "the If-None-Match Deny on another prefix than images/": edit(
            lambda r, t: write_once(r).update({"Resource": {"Fn::Sub": "${ImagesBucket.Arn}/uploads/*"}})),
        "the If-None-Match Deny with a further condition": edit(lambda r, t: write_once(r)["Condition"].update(
            {"NumericGreaterThan": {"s3:signatureAge": "1000"}})),
        "UPLOAD_URL_EXPIRES_SECONDS not passed (constrained uploads live 300 s whatever the parameter)": edit(
            lambda r, t: env(t).pop("UPLOAD_URL_EXPIRES_SECONDS")),
        "UPLOAD_URL_EXPIRES_SECONDS under the open contract too (the original's lifetime lost)": edit(
            lambda r, t: env(t).update({"UPLOAD_URL_EXPIRES_SECONDS": {"Ref": "UploadUrlExpiresSeconds"}})),
        "UPLOAD_URL_EXPIRES_SECONDS from UrlExpiresSeconds": edit(lambda r, t: env(t).update(
            {"UPLOAD_URL_EXPIRES_SECONDS": {"Fn::If": ["UploadsConstrained", {"Ref": "UrlExpiresSeconds"},
                                                       {"Ref": "AWS::NoValue"}]}})),
        "uploads bound by UrlExpiresSeconds, not their own lifetime": edit(
            lambda r, t: age(r)["NumericGreaterThan"].update({"s3:signatureAge": {"Fn::Sub": "${UrlExpiresSeconds}000"}})),
        "uploads bound by their lifetime under the open contract too": edit(
            lambda r, t: age(r)["NumericGreaterThan"].update({"s3:signatureAge": {"Fn::Sub": "${UploadUrlExpiresSeconds}000"}})),
        "the upload bound in seconds, not milliseconds": edit(
            lambda r, t: age(r)["NumericGreaterThan"].update({"s3:signatureAge": {"Fn::If": [
                "UploadsConstrained", {"Ref": "UploadUrlExpiresSeconds"}, {"Fn::Sub": "${UrlExpiresSeconds}000"}]}})),
        "an upload lifetime past SigV4's 7 days allowed": edit(
            lambda r, t: t["Parameters"]["UploadUrlExpiresSeconds"]["AllowedValues"].append("1209600")),
        "UploadUrlExpiresSeconds defaulting to the download lifetime": edit(
            lambda r, t: t["Parameters"]["UploadUrlExpiresSeconds"].update({"Default": "1800"})),
        "UploadUrlExpiresSeconds a Number (3e2 or 300.5 would reach the policy)": edit(
            lambda r, t: t["Parameters"]["UploadUrlExpiresSeconds"].update({"Type": "Number"})),
        "the edge keeping an image a year (MaxTTL past DefaultTTL)": edit(
            lambda r, t: r["CloudFrontCachePolicy"]["Properties"]["CachePolicyConfig"].update({"MaxTTL": 31536000})),
        "a parameter in no ParameterGroup": edit(
            lambda r, t: t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"][2]["Parameters"].remove(
                "MaxBatchImages")),
        "no noncurrent version expiry": edit(
            lambda r, t: r["ImagesBucket"]["Properties"]["LifecycleConfiguration"]["Rules"].pop(0)),
        "CORS without Authorization on the HTTP API": edit(
            lambda r, t: r["HttpApi"]["Properties"]["CorsConfiguration"].update({"AllowHeaders": ["content-type"]})),
        "a localhost default origin": edit(lambda r, t: t["Parameters"]["FrontendOrigin"].update({"Default": "http://localhost:3000"})),
        "the body trusted behind an authenticator": edit(
            lambda r, t: t["Globals"]["Function"]["Environment"]["Variables"].update({"TRUST_BODY_USER_ID": {"Ref": "TrustBodyUserId"}})),
        "the open contract without asking": edit(lambda r, t: t["Rules"].pop("AnAuthenticatorOrTheOpenContractOnPurpose")),
        "owner-only downloads accepted under the open contract": edit(lambda r, t: t["Rules"].pop("OwnerNeedsAnAuthenticator")),
        "downloads without an authorizer under signed-in": edit(lambda r, t: t["Conditions"].update(
            {"DownloadsByAnyone": {"Fn::Not": [{"Fn::Equals": [{"Ref": "DownloadAccess"}, "owner"]}]}})),
        "DownloadAccess=anyone leaving the HTTP download route behind the authorizer": edit(
            lambda r, t: r["HttpDownloadRoute"]["Properties"].update(
                {"AuthorizationType": {"Fn::If": ["HasJwt", "JWT", "NONE"]},
                 "AuthorizerId": {"Fn::If": ["HasJwt", {"Ref": "HttpJwtAuthorizer"}, {"Ref": "AWS::NoValue"}]}})),
        "DownloadAccess=anyone opening the REST upload route too": edit(
            lambda r, t: r["RestUploadPost"]["Properties"].update(
                {"AuthorizationType": {"Fn::If": ["RestDownloadsAuthorized", "COGNITO_USER_POOLS", "NONE"]},
                 "AuthorizerId": {"Fn::If": ["RestDownloadsAuthorized", {"Ref": "RestCognitoAuthorizer"},
                                             {"Ref": "AWS::NoValue"}]}})),
        "DOWNLOAD_ACCESS not passed to the function": edit(
            lambda r, t: t["Globals"]["Function"]["Environment"]["Variables"].pop("DOWNLOAD_ACCESS")),
        "a second front door always on": edit(lambda r, t: r["HttpApi"].pop("Condition")),
        "the arm64 function built by SAM's Rust builder (--arm64: dynamic glibc)": edit(
            lambda r, t: r["PresignerFunctionArm64"]["Metadata"].update({"BuildMethod": "rust-cargolambda"})),
        "both functions deployed": edit(lambda r, t: r["PresignerFunctionArm64"].pop("Condition")),
        "the function URL without its InvokeFunction permission": edit(lambda r, t: r.pop("FunctionUrlInvokePermission")),
        "a function URL accepted without a cap": edit(lambda r, t: t["Rules"].pop("FunctionUrlNeedsACap")),
        # AccessLogs.
        "the log bucket taking any bucket's logs (no aws:SourceArn)": edit(
            lambda r, t: log_grant(r)["Condition"].pop("ArnLike")),
        "the log bucket taking logs from any account (no aws:SourceAccount)": edit(
            lambda r, t: log_grant(r)["Condition"].pop("StringEquals")),
        "the logging service allowed the whole log bucket": edit(
            lambda r, t: log_grant(r).update({"Resource": {"Fn::Sub": "${AccessLogsBucket.Arn}/*"}})),
        "the logs under a prefix the policy does not allow": edit(
            lambda r, t: r["ImagesBucket"]["Properties"]["LoggingConfiguration"]["Fn::If"][1].update(
                {"LogFilePrefix": "logs/"})),
        "anyone allowed to write logs": edit(lambda r, t: log_grant(r).update({"Principal": "*"})),
        "the log bucket encrypted with SSE-KMS (no logs delivered)": edit(
            lambda r, t: r["AccessLogsBucket"]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"].update({"SSEAlgorithm": "aws:kms"})),
        "the log delivery group's ACL on a bucket with ACLs off (the deploy fails)": edit(
            lambda r, t: r["AccessLogsBucket"]["Properties"].update({"AccessControl": "LogDeliveryWrite"})),
        "logs kept forever": edit(lambda r, t: r["AccessLogsBucket"]["Properties"].pop("LifecycleConfiguration")),
        "the log bucket logging to itself": edit(lambda r, t: r["AccessLogsBucket"]["Properties"].update(
            {"LoggingConfiguration": {"DestinationBucketName": {"Ref": "AccessLogsBucket"}, "LogFilePrefix": "self/"}})),
        "the logs deleted with the stack": edit(lambda r, t: r["AccessLogsBucket"].update({"DeletionPolicy": "Delete"})),
        "the log bucket public": edit(lambda r, t: r["AccessLogsBucket"]["Properties"]["PublicAccessBlockConfiguration"].update(
            {"RestrictPublicBuckets": False})),
        "server access logging in every stack": edit(lambda r, t: r["ImagesBucket"]["Properties"].update(
            {"LoggingConfiguration": r["ImagesBucket"]["Properties"]["LoggingConfiguration"]["Fn::If"][1]})),
        "a Deny on the log bucket that stops the delivery (unencrypted uploads)": edit(
            lambda r, t: r["AccessLogsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"].append({
                "Sid": "DenyUnencryptedUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": {"Fn::Sub": "${AccessLogsBucket.Arn}/*"},
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}})),
        # RateLimitPerIp.
        "a per-IP rate limit accepted on an HTTP API (and ignored)": edit(lambda r, t: t["Rules"].pop("RateLimitNeedsRestApi")),
        "the web ACL not associated with the stage": edit(lambda r, t: r.pop("RateLimitWebAclAssociation")),
        "the association made before the stage exists (StageName, not RestStage)": edit(
            lambda r, t: r["RateLimitWebAclAssociation"]["Properties"].update({"ResourceArn": {"Fn::Sub": (
                "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestApi}/stages/${StageName}")}})),
        "the limit counted per X-Forwarded-For (a client sets its own)": edit(lambda r, t: rate_rule(r)["Statement"]
            ["RateBasedStatement"].update({"AggregateKeyType": "FORWARDED_IP"})),
        "the limit on one route only (a scope-down statement)": edit(lambda r, t: rate_rule(r)["Statement"]
            ["RateBasedStatement"].update({"ScopeDownStatement": {"ByteMatchStatement": {
                "FieldToMatch": {"UriPath": {}}, "PositionalConstraint": "CONTAINS", "SearchString": "upload",
                "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}})),
        "the rate rule counting, not blocking": edit(lambda r, t: rate_rule(r).update({"Action": {"Count": {}}})),
        "the 429 without CORS (the page sees a CORS failure)": edit(
            lambda r, t: rate_rule(r)["Action"]["Block"]["CustomResponse"].pop("ResponseHeaders")),
        "the web ACL blocking everyone by default": edit(
            lambda r, t: r["RateLimitWebAcl"]["Properties"].update({"DefaultAction": {"Block": {}}})),
        "a web ACL on every REST API, RateLimitPerIp 0 too": edit(lambda r, t: t["Conditions"].update(
            {"HasRateLimit": {"Condition": "IsRestApi"}})),
        "a rate limit pattern taking 1 (AWS WAF's minimum is 10)": edit(
            lambda r, t: t["Parameters"]["RateLimitPerIp"].update({"AllowedPattern": "^(0|[1-9][0-9]{0,8}|1[0-9]{9}|2000000000)$"})),
        "the cap never set on the function": edit(
            lambda r, t: t["Globals"]["Function"].pop("ReservedConcurrentExecutions")),
        "ReservedConcurrency 1 taken for no cap": edit(lambda r, t: t["Conditions"].update(
            {"HasReservedConcurrency": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ReservedConcurrency"}, 1]}]}})),
        # Downloads=CloudFront.
        "the images behaviour without the trusted key group (images readable unsigned)": edit(
            lambda r, t: images(r).pop("TrustedKeyGroups")),
        "the default behaviour without the trusted key group": edit(
            lambda r, t: dist(r)["DefaultCacheBehavior"].pop("TrustedKeyGroups")),
        "the key group trusting a key that is not the stack's": edit(
            lambda r, t: r["CloudFrontKeyGroup"]["Properties"]["KeyGroupConfig"].update({"Items": ["K2JCJMDEHXQW5F"]})),
        "query strings in the cache key (every reader's URL a miss)": edit(
            lambda r, t: cache_key(r).update({"QueryStringsConfig": {"QueryStringBehavior": "all"}})),
        "the Origin header in the cache key": edit(lambda r, t: cache_key(r).update(
            {"HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": ["Origin"]}})),
        "cookies in the cache key": edit(lambda r, t: cache_key(r).update({"CookiesConfig": {"CookieBehavior": "all"}})),
        "the distribution's read of the bucket without its SourceArn condition (any distribution)": edit(
            lambda r, t: cloudfront_statement(r).pop("Condition")),
        "the distribution reading the whole bucket": edit(
            lambda r, t: cloudfront_statement(r).update({"Resource": {"Fn::Sub": "${ImagesBucket.Arn}/*"}})),
        "the distribution allowed every S3 action": edit(lambda r, t: cloudfront_statement(r).update({"Action": "s3:*"})),
        "the distribution's Allow in the S3 variants too": edit(lambda r, t: unwrap(r, "AllowCloudFrontToReadImages")),
        "CLOUDFRONT_KEY_PAIR_ID not passed to the function": edit(lambda r, t: env(t).pop("CLOUDFRONT_KEY_PAIR_ID")),
        "CLOUDFRONT_DOMAIN in the S3 variants too": edit(lambda r, t: env(t).update(
            {"CLOUDFRONT_DOMAIN": {"Fn::GetAtt": ["CloudFrontDistribution", "DomainName"]}})),
        "the private key taken from a parameter, not the secret": edit(lambda r, t: env(t).update(
            {"CLOUDFRONT_PRIVATE_KEY": {"Fn::If": ["UseCloudFront", {"Ref": "CloudFrontPrivateKeySecret"},
                                                   {"Ref": "AWS::NoValue"}]}})),
        "images/* served over plain HTTP too (allow-all)": edit(
            lambda r, t: images(r).update({"ViewerProtocolPolicy": "allow-all"})),
        "the origin without its origin access control": edit(lambda r, t: dist(r)["Origins"][0].pop("OriginAccessControlId")),
        "an origin access identity on the origin": edit(lambda r, t: dist(r)["Origins"][0]["S3OriginConfig"].update(
            {"OriginAccessIdentity": "origin-access-identity/cloudfront/E2EXAMPLE"})),
        "origin requests unsigned (SigningBehavior never)": edit(
            lambda r, t: r["CloudFrontOriginAccessControl"]["Properties"]["OriginAccessControlConfig"].update(
                {"SigningBehavior": "never"})),
        "a cache behaviour for every path": edit(lambda r, t: images(r).update({"PathPattern": "*"})),
        "the images without their CORS and Cache-Control": edit(lambda r, t: images(r).pop("ResponseHeadersPolicyId")),
        "the images' CORS for any origin": edit(
            lambda r, t: r["CloudFrontResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["CorsConfig"]
            ["AccessControlAllowOrigins"].update({"Items": ["*"]})),
        "no Cache-Control for the browser": edit(
            lambda r, t: r["CloudFrontResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"].pop(
                "CustomHeadersConfig")),
        "HTTP/3 off": edit(lambda r, t: dist(r).update({"HttpVersion": "http2"})),
        "the distribution deployed under Downloads=S3 too": edit(lambda r, t: r["CloudFrontDistribution"].pop("Condition")),
        "the function's role keeping s3:GetObject under Downloads=CloudFront": edit(
            lambda r, t: presigner_grants(r).__setitem__(1, presigner_grants(r)[1]["Fn::If"][2])),
        "CloudFront downloads accepted without the key pair": edit(lambda r, t: t["Rules"].pop("CloudFrontNeedsAKeyPair")),
        "CloudFront downloads accepted with open uploads": edit(
            lambda r, t: t["Rules"].pop("CloudFrontNeedsConstrainedUploads")),
        "CloudFront keys accepted (and ignored) with S3 downloads": edit(
            lambda r, t: t["Rules"].pop("S3DownloadsTakeNoCloudFrontKey")),
        "a public key pattern that takes what an unquoted override leaves (-----BEGIN)": pattern("CloudFrontPublicKey"),
        "a secret parameter that takes the private key itself": pattern("CloudFrontPrivateKeySecret"),
        "no CloudFrontDomain output": edit(lambda r, t: t["Outputs"].pop("CloudFrontDomain")),
        # ImagePipeline.
        "ImagePipeline off by default": edit(lambda r, t: t["Parameters"]["ImagePipeline"].update({"Default": "off"})),
        "IMAGE_PIPELINE not passed to the presigner": edit(lambda r, t: env(t).pop("IMAGE_PIPELINE")),
        "the presigner signing uploads into images/* with the pipeline on (an unprocessed byte served)": edit(
            lambda r, t: presigner_grants(r)[0].update({"Resource": IMAGES_EITHER_WAY})),
        "the presigner allowed to read uploads/* too": edit(
            lambda r, t: presigner_grants(r)[1]["Fn::If"][2].update({"Resource": {"Fn::Sub": "${ImagesBucket.Arn}/*"}})),
        "no s3:ListBucket for the presigner (a status not written yet reads 403, not 404)": edit(
            lambda r, t: presigner_grants(r).pop(2)),
        "s3:ListBucket for the presigner with the pipeline off too": edit(
            lambda r, t: presigner_grants(r).__setitem__(2, presigner_grants(r)[2]["Fn::If"][1])),
        "the write-once Deny left on images/* (uploads/ written many times)": edit(
            lambda r, t: write_once(r).update({"Resource": IMAGES_EITHER_WAY})),
        "the forms Deny left on images/*": edit(lambda r, t: no_forms(r).update({"Resource": IMAGES_EITHER_WAY})),
        "no write-once Deny on the processor's writes": edit(lambda r, t: policy(r).remove(
            [s for s in policy(r) if "Fn::If" in s and s["Fn::If"][1].get("Sid") == "DenyProcessorWritesWithoutIfNoneMatch"][0])),
        "the processor's write-once Deny on every principal": edit(lambda r, t: conditional_statement(
            r, "DenyProcessorWritesWithoutIfNoneMatch")["Condition"].pop("ArnEquals")),
        "no lifecycle rule for uploads/ (a failed upload kept forever)": edit(
            lambda r, t: r["ImagesBucket"]["Properties"]["LifecycleConfiguration"]["Rules"].remove(
                lifecycle(r, "remove-uploads"))),
        "the uploads' noncurrent versions kept 30 days (GPS-bearing bytes)": edit(
            lambda r, t: lifecycle(r, "remove-uploads").pop("NoncurrentVersionExpiration")),
        "the uploads rule on the whole bucket": edit(lambda r, t: lifecycle(r, "remove-uploads").pop("Prefix")),
        "versioning suspended": edit(lambda r, t: r["ImagesBucket"]["Properties"]["VersioningConfiguration"].update(
            {"Status": "Suspended"})),
        "the bucket's events not sent to EventBridge (the processor never runs)": edit(
            lambda r, t: r["ImagesBucket"]["Properties"].pop("NotificationConfiguration")),
        "the bucket's events sent to EventBridge with the pipeline off": edit(
            lambda r, t: r["ImagesBucket"]["Properties"].update(
                {"NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}})),
        "the trigger not filtered to uploads/ (the processor eats its own variants)": edit(
            lambda r, t: uploads_rule(r)["EventPattern"]["detail"].pop("object")),
        "the trigger on every bucket of the account": edit(
            lambda r, t: uploads_rule(r)["EventPattern"]["detail"].pop("bucket")),
        "the trigger on deletes too": edit(lambda r, t: uploads_rule(r)["EventPattern"].update(
            {"detail-type": ["Object Created", "Object Deleted"]})),
        "the trigger disabled": edit(lambda r, t: uploads_rule(r).update({"State": "DISABLED"})),
        "the rule invoking the presigner": edit(lambda r, t: uploads_rule(r)["Targets"][0].update(
            {"Arn": {"Fn::If": ["IsArm64", {"Fn::GetAtt": ["PresignerFunctionArm64", "Arn"]},
                                {"Fn::GetAtt": ["PresignerFunction", "Arn"]}]}})),
        "undeliverable events dropped (no dead-letter queue on the rule)": edit(
            lambda r, t: uploads_rule(r)["Targets"][0].pop("DeadLetterConfig")),
        "failed events dropped (no on-failure destination)": edit(
            lambda r, t: r["ProcessorEventInvokeConfig"]["Properties"].pop("DestinationConfig")),
        "failed events never retried": edit(
            lambda r, t: r["ProcessorEventInvokeConfig"]["Properties"].update({"MaximumRetryAttempts": 0})),
        "EventBridge not allowed to invoke the processor": edit(lambda r, t: r.pop("ProcessorInvokePermission")),
        "any rule allowed to invoke the processor": edit(lambda r, t: r["ProcessorInvokePermission"]["Properties"].pop("SourceArn")),
        "the failure queue open to any rule": edit(lambda r, t: r["ProcessorFailureQueuePolicy"]["Properties"]
            ["PolicyDocument"]["Statement"][0].pop("Condition")),
        "failed events kept 4 days (SQS's default)": edit(
            lambda r, t: r["ProcessorFailureQueue"]["Properties"].pop("MessageRetentionPeriod")),
        "the processor unable to send to its failure queue": edit(lambda r, t: processor_grants(r).pop(3)),
        "the processor allowed to delete published images": edit(lambda r, t: processor_grants(r)[1].update(
            {"Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]})),
        "the processor allowed to write uploads/": edit(lambda r, t: processor_grants(r)[0]["Action"].append("s3:PutObject")),
        "the processor without s3:ListBucket (a repeat fails on a 403)": edit(lambda r, t: processor_grants(r).pop(2)),
        "the processor without s3:DeleteObjectVersion (the GPS-bearing version kept)": edit(
            lambda r, t: processor_grants(r)[0]["Action"].remove("s3:DeleteObjectVersion")),
        "the processor with the presigner's role": for_processors(
            lambda p: p.update({"Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]}})),
        "the processor given the CloudFront private key": for_processors(
            lambda p: p["Environment"]["Variables"].pop("CLOUDFRONT_PRIVATE_KEY")),
        "the processor given the presigner's variables": for_processors(lambda p: p.pop("Environment")),
        "the processor at the presigner's 5 s timeout (under one S3 request's 30 s)": for_processors(
            lambda p: p.update({"Timeout": 5})),
        "the processor at the presigner's 128 MB": for_processors(lambda p: p.update({"MemorySize": 128})),
        "the processor's concurrency not reserved": for_processors(lambda p: p.pop("ReservedConcurrentExecutions")),
        "the processor logging into the presigner's log group": for_processors(
            lambda p: p["LoggingConfig"].update({"LogGroup": {"Ref": "FunctionLogGroup"}})),
        "the processor deployed with the pipeline off": edit(lambda r, t: t["Conditions"].update(
            {"ProcessorX86": {"Condition": "IsX86"}})),
        "the failure queue deployed with the pipeline off": edit(lambda r, t: r["ProcessorFailureQueue"].pop("Condition")),
        "both processors deployed": edit(lambda r, t: r["ProcessorFunctionArm64"].update({"Condition": "PipelineOn"})),
        "the x86_64 processor built at the root (cargo looks in the default member alone)": edit(
            lambda r, t: r["ProcessorFunction"]["Properties"].pop("CodeUri")),
        "the arm64 processor built by SAM's Rust builder (--arm64: dynamic glibc)": edit(
            lambda r, t: r["ProcessorFunctionArm64"]["Metadata"].update({"BuildMethod": "rust-cargolambda"})),
        "the edge caching a 404 status 10 s (CloudFront's default)": edit(lambda r, t: dist(r).pop("CustomErrorResponses")),
        "no s3:ListBucket for the distribution (a pending status reads 403)": edit(lambda r, t: policy(r).remove(
            [s for s in policy(r) if "Fn::If" in s and s["Fn::If"][1].get("Sid") == "AllowCloudFrontToFindNoImage"][0])),
        "the distribution allowed to list with the pipeline off": edit(lambda r, t: unwrap(r, "AllowCloudFrontToFindNoImage")),
        "no ProcessorFailureQueueUrl output": edit(lambda r, t: t["Outputs"].pop("ProcessorFailureQueueUrl")),
    }


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = args[0] if args else "template.yaml"
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    with open(path) as f:
        sam = yaml_parse(f.read())
    root = os.path.dirname(os.path.abspath(path))
    try:
        accepted, pairs = run_checks(sam, root=root)
    except Broken as e:
        print(f"template check failed: {e}")
        sys.exit(1)
    print(f"cfn-lint clean: the SAM template, its expansion and {len(VARIANTS)} variants ({', '.join(VARIANTS)})")
    print(f"wiring holds in every variant and in each of the {accepted} of {len(COMBINATIONS)} combinations"
          " of who may ask and of Downloads that the Rules accept;")
    print(f"the Rules refuse the other combinations and {len(REFUSED)} named inconsistent parameter sets")
    print(f"the cache window and URL lifetime tables hold the formula in all {pairs} pairs of values, through"
          " the function's environment and the bucket policy")

    if "--self-test" in sys.argv:
        missed = []
        for what, make in mutations(sam).items():
            try:
                broken = make()
            except Exception as e:
                # A break that cannot be made names nothing the checks look at: a stale mutation.
                missed.append(f"{what} (the break itself failed: {e!r})")
                continue
            try:
                run_checks(broken, with_lint=False, root=root)
                missed.append(what)
            except (Broken, KeyError, ValueError, TypeError) as e:
                # caught: an assertion, or the wiring it looks for is gone
                if "--verbose" in sys.argv:
                    print(f"caught: {what}\n    {type(e).__name__}: {e}")
        if missed:
            print("the checks miss: " + "; ".join(missed))
            sys.exit(1)
        print(f"self-test: each of {len(mutations(sam))} breaks of the template is caught")


if __name__ == "__main__":
    main()
