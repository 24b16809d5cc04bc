#!/usr/bin/env python3
"""Checks template.yaml two ways, both of which must be clean (no errors, no warnings):

1. cfn-lint on the SAM template as written;
2. cfn-lint on the template expanded to plain CloudFormation by samtranslator (offline),
   because cfn-lint alone does not look inside AWS::Serverless::Function.

Then asserts what the expansion must hold: the function's runtime, handler, architecture,
memory, role, environment and a least-privilege policy.

Usage: python3 scripts/check_template.py [template.yaml]
"""

import json
import os
import subprocess
import sys
import tempfile

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template names no managed policy, so nothing needs looking up in IAM."""

    def load(self):
        return {}


def lint(path, label):
    result = subprocess.run(["cfn-lint", "--", path], capture_output=True, text=True)
    out = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or out:
        print(f"cfn-lint ({label}) is not clean (exit {result.returncode}):\n{out}")
        sys.exit(1)
    print(f"cfn-lint ({label}): clean")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")
    lint(path, "SAM template")

    with open(path) as f:
        sam = yaml_parse(f.read())
    # `sam package` replaces the local CodeUri with the uploaded artifact; do the same.
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts-bucket/presigner.zip"
    try:
        cfn = transform(json.loads(json.dumps(sam)), {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        print("samtranslator refused the template:")
        for cause in e.causes:
            print(" -", cause.message)
        sys.exit(1)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        json.dump(cfn, out, indent=1)
    lint(out.name, "expanded by samtranslator")

    res = cfn["Resources"]
    fn = res["PresignerFunction"]
    assert fn["Type"] == "AWS::Lambda::Function", fn["Type"]
    p = fn["Properties"]
    assert p["Runtime"] == "provided.al2023", p["Runtime"]
    assert p["Handler"] == "bootstrap", p["Handler"]
    assert p["Architectures"] == [{"Ref": "Architecture"}], p["Architectures"]
    assert sam["Parameters"]["Architecture"]["Default"] == "arm64"
    assert p["MemorySize"] == 128 and p["Timeout"] <= 10, (p["MemorySize"], p["Timeout"])
    assert p["Role"] == {"Fn::GetAtt": ["FunctionRole", "Arn"]}, p["Role"]
    env = p["Environment"]["Variables"]
    assert env["S3_BUCKET_NAME"] == {"Ref": "ImagesBucket"}, env
    assert "AWS_REGION" not in env, "AWS_REGION is reserved: Lambda sets it"
    assert env["S3_ENDPOINT_URL"] == {"Fn::Sub": "https://s3.${AWS::Region}.${AWS::URLSuffix}"}, env
    assert sam["Resources"]["PresignerFunction"]["Metadata"]["BuildMethod"] == "rust-cargolambda"

    role = res["FunctionRole"]["Properties"]
    statements = [s for pol in role["Policies"] for s in pol["PolicyDocument"]["Statement"]]
    actions = sorted(a for s in statements for a in s["Action"])
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "s3:PutObject"], actions
    assert "ManagedPolicyArns" not in role, "no managed policies: they grant more than needed"
    for s in statements:
        assert s["Effect"] == "Allow" and "*" != s["Resource"], s
        if any(a.startswith("s3:") for a in s["Action"]):
            assert s["Resource"] == {"Fn::Sub": "${ImagesBucket.Arn}/images/*"}, s["Resource"]

    bucket = res["ImagesBucket"]["Properties"]
    assert "BucketName" not in bucket, "a fixed bucket name can collide globally"
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"
    cors = bucket["CorsConfiguration"]["CorsRules"][0]
    assert sorted(cors["AllowedMethods"]) == ["GET", "PUT"]
    assert cors["AllowedOrigins"] == [{"Ref": "FrontendOrigin"}]

    events = sam["Resources"]["PresignerFunction"]["Properties"]["Events"].values()
    methods = sorted((e["Properties"]["Path"], e["Properties"]["Method"]) for e in events)
    assert methods == [("/api/download_url", "post"), ("/api/upload_url", "post")], methods
    stage = [r for r in res.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    assert len(stage) == 1 and stage[0]["Properties"]["StageName"] == {"Ref": "StageName"}
    assert sam["Parameters"]["StageName"]["Default"] == "v1"
    logs = res["FunctionLogGroup"]["Properties"]
    assert logs["RetentionInDays"] == {"Ref": "LogRetentionInDays"}
    outputs = set(cfn["Outputs"])
    assert {"UploadUrlEndpoint", "DownloadUrlEndpoint", "FunctionArn", "FunctionRoleArn"} <= outputs, outputs
    print("template: expansion holds the function, role, bucket, API and outputs expected")


if __name__ == "__main__":
    main()
