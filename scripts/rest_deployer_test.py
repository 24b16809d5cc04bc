#!/usr/bin/env python3
"""RestDeployer (template.yaml's custom resource for the REST stage), run against a stand-in API
Gateway, a stand-in CloudFormation and a simulated clock: a new deployment (a new physical id) on
Create and Update, the old one deleted on Delete, best effort (a Delete always answers SUCCESS,
whatever API Gateway says), throttling and timeouts retried with CreateDeployment's 5 s spacing,
and one answer to CloudFormation every time, sent early enough that the answer's own timeout
still ends inside the function's Timeout (Lambda stops the function there, and CloudFormation
would then wait an hour and leave the stack failed).

check_template.py runs `check(template)` on the template and on each of its self-test breaks;
alone: python3 scripts/rest_deployer_test.py [template.yaml]. Needs botocore (samtranslator
brings it), whose exceptions the code classifies.
"""

import contextlib
import io
import json
import sys
import types
import urllib.request

from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError


class Killed(BaseException):
    """Lambda stops the function at its Timeout (not an Exception: the code cannot catch it)."""


def throttled():
    return ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Too Many Requests"},
                        "ResponseMetadata": {"HTTPStatusCode": 429}}, "CreateDeployment")


def refused(code, message, status=400):
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "CreateDeployment")


class Clock:
    def __init__(self, limit):
        self.now, self.limit, self.sleeps = 0.0, limit, []

    def advance(self, seconds):
        self.now += seconds
        if self.now > self.limit:
            raise Killed(f"still running at {self.now:.0f} s, past the function's Timeout of {self.limit} s")

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.advance(seconds)


class ApiGateway:
    """Answers each call with the next of `script` (then the last one again): "ok", an exception
    to raise, or "hang" (the call takes the client's whole connect and read timeouts and then
    fails with a read timeout)."""

    def __init__(self, config):
        self.config, self.clock, self.script, self.calls, self.made = config, None, ["ok"], [], 0

    def _next(self, name, kw):
        self.calls.append((name, kw, self.clock.now))
        step = self.script[min(len(self.calls) - 1, len(self.script) - 1)]
        self.clock.advance(0.2)
        if step == "hang":
            self.clock.advance((self.config.connect_timeout or 60) + (self.config.read_timeout or 60))
            raise ReadTimeoutError(endpoint_url="https://apigateway.ap-northeast-1.amazonaws.com")
        if isinstance(step, BaseException):
            raise step

    def create_deployment(self, **kw):
        self._next("create", kw)
        self.made += 1
        return {"id": f"dep{self.made:03d}"}

    def delete_deployment(self, **kw):
        self._next("delete", kw)


class Context:
    def __init__(self, clock):
        self.clock = clock

    def get_remaining_time_in_millis(self):
        return int((self.clock.limit - self.clock.now) * 1000)


def load(code):
    """The deployer's module, with boto3 standing in (the real botocore stays: its Config and
    exceptions are what the code uses)."""
    clients = {}
    boto3 = types.ModuleType("boto3")

    def client(service, config=None):
        if config is None:
            from botocore.config import Config
            config = Config()
        return clients.setdefault(service, ApiGateway(config))

    boto3.client = client
    saved = sys.modules.get("boto3")
    sys.modules["boto3"] = boto3
    try:
        scope = {}
        exec(compile(code, "RestDeployer", "exec"), scope)
    finally:
        if saved is None:
            sys.modules.pop("boto3", None)
        else:
            sys.modules["boto3"] = saved
    assert list(clients) == ["apigateway"], f"RestDeployer's clients {list(clients)}"
    return scope, clients["apigateway"]


def check(template):
    """Raises AssertionError naming the first thing RestDeployer gets wrong."""
    fn = template["Resources"]["RestDeployer"]["Properties"]
    limit = fn["Timeout"]
    scope, api = load(fn["Code"]["ZipFile"])
    retries = api.config.retries or {}
    attempts = retries.get("total_max_attempts", retries.get("max_attempts", 3) + 1)
    assert attempts == 1, f"botocore retries on its own ({retries}), unbounded by the time left: the code retries"

    def run(kind, physical=None, script=("ok",), properties=True):
        clock = Clock(limit)
        api.clock, api.script, api.calls = clock, list(script), []
        scope["time"] = types.SimpleNamespace(sleep=clock.sleep, time=lambda: clock.now)
        answers = []

        def urlopen(request, timeout=None):
            answers.append((request, clock.now, timeout))

        event = {"RequestType": kind, "RequestId": f"req-{kind}", "StackId": "arn:aws:cloudformation:stack/x",
                 "LogicalResourceId": "RestDeployment", "ResourceType": "Custom::RestDeployment",
                 "ResponseURL": "https://cloudformation-custom-resource-response.s3.amazonaws.com/signed"}
        if properties:
            event["ResourceProperties"] = {"ServiceToken": "arn:aws:lambda:fn", "RestApiId": "api0123456"}
        if physical:
            event["PhysicalResourceId"] = physical
        what = f"{kind} with API Gateway answering {[s if isinstance(s, str) else repr(s) for s in script]}"
        saved = urllib.request.urlopen
        urllib.request.urlopen = urlopen
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # its log lines
                scope["handler"](event, Context(clock))
        except Killed as e:
            raise AssertionError(f"{what}: Lambda stopped it before it answered CloudFormation ({e})")
        except Exception as e:
            raise AssertionError(f"{what}: RestDeployer raised {e!r} instead of answering CloudFormation")
        finally:
            urllib.request.urlopen = saved
        assert len(answers) == 1, f"{what}: RestDeployer answers CloudFormation once, not {len(answers)} times"
        ((request, at, timeout),) = answers
        assert timeout is not None and at + timeout <= limit, (
            f"{what}: the answer, sent at {at:.0f} s with a {timeout} s timeout, may end past the "
            f"function's Timeout of {limit} s")
        assert (request.get_method() == "PUT" and request.full_url == event["ResponseURL"]
                and request.get_header("Content-type") == ""), \
            f"{what}: the answer is a PUT to the signed URL with an empty Content-Type"
        body = json.loads(request.data)
        assert ({k: body.get(k) for k in ("StackId", "RequestId", "LogicalResourceId")}
                == {k: event[k] for k in ("StackId", "RequestId", "LogicalResourceId")}), f"{what}: the answer's ids"
        return body, [(name, kw) for name, kw, _ in api.calls], clock, what

    # Create and Update: one deployment, its id the new physical id.
    for kind, physical in (("Create", None), ("Update", "dep041")):
        body, calls, _, what = run(kind, physical)
        assert (body["Status"] == "SUCCESS" and [c[0] for c in calls] == ["create"]
                and calls[0][1].get("restApiId") == "api0123456" and "stageName" not in calls[0][1]), \
            f"{what}: one deployment of the API, not on a stage of its own: {calls}"
        assert body["PhysicalResourceId"] == f"dep{api.made:03d}" != physical, \
            f"{what}: the new deployment's id is the physical id (a new id makes CloudFormation move the stage)"

    # Throttled, or timing out, then through: retried, no sooner than 5 s apart (CreateDeployment
    # allows one call per 5 s per account).
    for script in ([throttled(), throttled(), "ok"], ["hang", "ok"],
                   [ConnectTimeoutError(endpoint_url="https://apigateway"), "ok"],
                   [refused("ServiceUnavailableException", "try again", 503), "ok"]):
        body, calls, clock, what = run("Update", "dep041", script)
        assert body["Status"] == "SUCCESS" and len(calls) == len(script), f"{what}: retried until through: {body}"
        starts = [t for _, _, t in api.calls]
        assert all(b - a >= 5 for a, b in zip(starts, starts[1:])), \
            f"{what}: calls {starts} closer than CreateDeployment's one per 5 s"

    # Throttled or timing out for good: FAILED with the reason, in time.
    for script, says in (([throttled()], "TooManyRequests"), (["hang"], "timeout")):
        body, calls, _, what = run("Create", None, script)
        assert body["Status"] == "FAILED" and says.lower() in body["Reason"].lower() \
            and body["PhysicalResourceId"] == "not-deployed", f"{what}: FAILED with the reason: {body}"
        assert len(calls) >= 2, f"{what}: retried at least once: {calls}"

    # A refusal is not retried.
    body, calls, _, what = run("Create", None, [refused("BadRequestException", "No integration defined for method")])
    assert body["Status"] == "FAILED" and "No integration" in body["Reason"] and len(calls) == 1 \
        and body["PhysicalResourceId"] == "not-deployed", f"{what}: FAILED at once, with its reason: {body} {calls}"

    # Delete: the old deployment deleted, best effort.
    body, calls, _, what = run("Delete", "dep041")
    assert body["Status"] == "SUCCESS" and body["PhysicalResourceId"] == "dep041" \
        and calls == [("delete", {"restApiId": "api0123456", "deploymentId": "dep041"})], \
        f"{what}: the old deployment deleted: {calls}"
    body, calls, _, what = run("Delete", "dep041", [throttled(), "ok"])
    assert body["Status"] == "SUCCESS" and len(calls) == 2, f"{what}: retried: {calls}"
    for script in ([refused("BadRequestException", "Active stages pointing to this deployment")],
                   [refused("NotFoundException", "gone", 404)],
                   [refused("AccessDeniedException", "not allowed", 403)],
                   [throttled()], ["hang"], [RuntimeError("anything else")]):
        body, _, _, what = run("Delete", "dep041", script)
        assert body["Status"] == "SUCCESS" and body["PhysicalResourceId"] == "dep041", \
            f"{what}: a Delete never fails the stack (the deployment is left): {body}"
    body, _, _, what = run("Delete", "dep041", properties=False)
    assert body["Status"] == "SUCCESS", f"{what}, no properties: still SUCCESS: {body}"
    body, calls, _, what = run("Delete", "not-deployed")
    assert body["Status"] == "SUCCESS" and not calls, f"{what}: Delete after a failed Create touches nothing: {calls}"


def main():
    from samtranslator.yaml_helper import yaml_parse

    path = sys.argv[1] if len(sys.argv) > 1 else "template.yaml"
    with open(path) as f:
        template = yaml_parse(f.read())
    try:
        check(template)
    except AssertionError as e:
        print(f"RestDeployer: {e}")
        sys.exit(1)
    print("RestDeployer: deploys on Create and Update, deletes best effort, retries throttling and timeouts "
          "5 s apart, and always answers CloudFormation inside its Timeout")


if __name__ == "__main__":
    main()
