"""The CI workflow: valid against the GitHub Actions schema (offline), pinned, least privilege,
bounded in time, clean under zizmor, and a pull-request preview that is safe for forks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from support import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def load(path: Path) -> dict:
    # YAML 1.1 reads the key `on` as True; keep it a string.
    return yaml.load(path.read_text(), Loader=type("L", (yaml.SafeLoader,), {
        "yaml_implicit_resolvers": {k: [r for r in v if r[0] != "tag:yaml.org,2002:bool"]
                                    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}}))


def test_there_is_a_workflow():
    assert WORKFLOWS


def test_workflows_match_the_github_actions_schema():
    checker = Path(sys.executable).parent / "check-jsonschema"
    done = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows",
                           *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_full_commit_sha_named_by_its_version():
    for path in WORKFLOWS:
        uses = re.findall(r"uses:\s*(\S+)(.*)", path.read_text())
        assert uses
        for action, comment in uses:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
            assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), (action, comment)


def test_least_privilege_and_full_history():
    workflow = load(ROOT / ".github/workflows/site.yml")
    assert workflow["permissions"] == {"contents": "read"}
    assert set(workflow["on"]) >= {"push", "pull_request"}
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        if name != "deploy":
            assert "permissions" not in job
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in jobs["deploy"]["if"]
    checkout = next(s for s in jobs["build"]["steps"] if "actions/checkout" in s.get("uses", ""))
    assert checkout["with"]["fetch-depth"] == 0
    commands = " ".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert "make validate" in commands and "make test" in commands and "make site" in commands


def test_ci_script_calls_the_readme_test_command():
    run = (ROOT / ".ci/run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in run and "make test" in readme and "make site" in readme


def steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_every_job_has_a_timeout():
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), (path.name, name)
            assert 0 < job["timeout-minutes"] <= 60, (path.name, name)


def test_no_expression_is_interpolated_into_a_script():
    """`${{ ... }}` in `run:` is pasted into the script before the shell sees it: a branch
    name or title from a fork would run as code. Values come through `env:` instead."""
    for path in WORKFLOWS:
        triggers = load(path)["on"]
        assert not {"pull_request_target", "workflow_run"} & set(triggers)   # run with secrets
        for name, step in steps(load(path)):
            assert "${{" not in step.get("run", ""), (path.name, name, step.get("name"))
        assert not re.search(r"github\.(event|head_ref)", "".join(
            step.get("run", "") for _, step in steps(load(path))))


def test_every_checkout_leaves_no_credentials_behind():
    for path in WORKFLOWS:
        for name, step in steps(load(path)):
            if "actions/checkout" in step.get("uses", ""):
                assert str(step["with"]["persist-credentials"]) == "false", (path.name, name)


def test_the_build_job_annotates_problems_on_their_lines():
    build = load(ROOT / ".github/workflows/site.yml")["jobs"]["build"]
    [validate] = [s for s in build["steps"] if s.get("name") == "Validate"]
    assert validate["run"] == "make validate VALIDATE_FORMAT=github"
    makefile = (ROOT / "Makefile").read_text()
    assert "\t$(SITE) validate --format $(VALIDATE_FORMAT)\n" in makefile


def test_the_pull_request_preview_builds_uploads_and_summarises():
    workflow = load(ROOT / ".github/workflows/site.yml")
    assert "pull_request" in workflow["on"] and "pull_request_target" not in workflow["on"]
    preview = workflow["jobs"]["preview"]
    assert preview["if"] == "github.event_name == 'pull_request'"
    assert "permissions" not in preview and workflow["permissions"] == {"contents": "read"}
    assert "secrets." not in yaml.safe_dump(preview)
    named = {s.get("name"): s for s in preview["steps"]}
    checkout = preview["steps"][0]
    assert "actions/checkout@" in checkout["uses"] and checkout["with"]["fetch-depth"] == 0
    assert named["Build"]["run"].startswith("make site")
    upload = named["Upload the preview site"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "site" and upload["with"]["name"] == "situs-pratinjau"
    summary = named["Job summary"]
    assert summary["if"] == "${{ !cancelled() }}"      # also when the build failed
    assert summary["env"] == {"BUILT": "${{ steps.build.outcome }}"}
    assert '.venv/bin/opendata diff --base HEAD^1 --markdown "${artifact[@]}" >> ' \
        '"$GITHUB_STEP_SUMMARY"' in summary["run"]
    order = [s.get("name") for s in preview["steps"]]
    assert order.index("Build") < order.index("Upload the preview site") < order.index("Job summary")


def test_zizmor_finds_nothing():
    """zizmor (offline; the pedantic persona, which also wants permissions explained and
    jobs named) audits every workflow: template injection, credentials, pinning, ..."""
    zizmor = Path(sys.executable).parent / "zizmor"
    done = subprocess.run([str(zizmor), "--offline", "--persona", "pedantic", "--format", "json",
                           "--no-progress", str(ROOT / ".github/workflows")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []
