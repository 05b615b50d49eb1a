"""The CI workflow: valid against the GitHub Actions schema (offline), pinned, least privilege."""

from __future__ import annotations

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


def test_every_action_is_pinned_to_a_full_commit_sha():
    for path in WORKFLOWS:
        uses = re.findall(r"uses:\s*(\S+)", path.read_text())
        assert uses
        for action in uses:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action


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
