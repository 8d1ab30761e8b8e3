"""The GitHub workflows and .ci/run: schema-valid offline, tests gate the deploy, the token stays a secret."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
CI_RUN = ROOT / ".ci" / "run"
TEST_COMMAND = "python -m pytest"  # the README's test command


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads a bare `on:` key as True
    return data


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess:
    """Validate against the GitHub workflow schema that check-jsonschema ships (no download)."""
    args = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    return subprocess.run([*args, *map(str, files)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def ci() -> dict:
    return load(ROOT / ".github" / "workflows" / "ci.yml")


def steps_running(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_every_workflow_validates_against_the_github_schema():
    assert WORKFLOWS, "no workflow found"
    run = check_jsonschema(*WORKFLOWS)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: true\n    timeout-minutes: soon\n")
    assert check_jsonschema(broken).returncode != 0


def test_triggers_permissions_and_concurrency(ci):
    assert {"pull_request", "push"} <= set(ci["on"])
    assert ci["permissions"] == {"contents": "read"}  # least privilege: nothing writes to GitHub
    assert "group" in ci["concurrency"]
    for job in ci["jobs"].values():
        assert set(job.get("permissions", {}).values()) <= {"read", "none"}


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS:
        uses = re.findall(r"uses:\s*(\S+)(.*)", path.read_text(encoding="utf-8"))
        for action, comment in uses:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), (
                f"{path.name}: {action} is not pinned"
            )
            assert re.search(r"#\s*v\d", comment), f"{path.name}: {action} has no version comment"


def test_lint_and_test_jobs_run_the_same_checks_as_ci(ci):
    lint, test = ci["jobs"]["lint"], ci["jobs"]["test"]
    assert "ruff check" in steps_running(lint) and "ruff format --check" in steps_running(lint)
    assert test["runs-on"].startswith("ubuntu")
    setup = [s for s in test["steps"] if "actions/setup-python" in s.get("uses", "")]
    assert setup and setup[0]["with"]["python-version"] == "3.11" and setup[0]["with"]["cache"] == "pip"
    commands = steps_running(test)
    assert "torch==2.13.0" in commands and "requirements-dev.txt" in commands
    assert "chromium" in commands and "CHROME_BIN" in commands  # the browser test runs too
    assert re.search(rf"^{re.escape(TEST_COMMAND)}$", commands, re.M)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f".venv/bin/{TEST_COMMAND}" in readme and TEST_COMMAND in CI_RUN.read_text()


def test_deploy_needs_the_tests_runs_only_on_main_and_reads_the_token_only_from_secrets(ci):
    deploy = ci["jobs"]["deploy"]
    assert {"test", "lint"} <= set([deploy["needs"]] if isinstance(deploy["needs"], str) else deploy["needs"])
    condition = deploy["if"].replace(" ", "")
    assert "github.ref=='refs/heads/main'" in condition and "github.event_name=='push'" in condition
    assert "||" not in condition
    assert "publish --target model --only-if-changed" in steps_running(deploy)
    assert "publish --target space --only-if-changed" in steps_running(deploy)
    assert deploy["env"]["EMOTIONS_MODEL_REPO"] == "${{ vars.HF_MODEL_REPO }}"
    assert deploy["env"]["EMOTIONS_SPACE_REPO"] == "${{ vars.HF_SPACE_REPO }}"

    student = [s for s in deploy["steps"] if "--model-dir student" in s.get("run", "")]
    assert student and "vars.HF_STUDENT_REPO" in student[0]["if"], "the student is published only when named"
    assert "--thresholds student/thresholds/thresholds.json" in student[0]["run"]
    token_steps = [s for s in deploy["steps"] if "HF_TOKEN" in s.get("env", {})]
    assert len(token_steps) == 4  # the check, and the three publish steps; not checkout or pip
    for step in token_steps:
        assert step["env"]["HF_TOKEN"] == "${{ secrets.HF_TOKEN }}"
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"hf_[A-Za-z0-9]{20,}", text), f"{path.name} holds what looks like a token"
        assert set(re.findall(r"secrets\.(\w+)", text)) <= {"HF_TOKEN"}
        data = load(path)
        for scope in (data, *data["jobs"].values()):
            assert "HF_TOKEN" not in scope.get("env", {}), f"{path.name}: HF_TOKEN is visible to a whole job"
        for name, job in data["jobs"].items():
            if name != "deploy":
                assert "HF_TOKEN" not in yaml.safe_dump(job), f"{path.name}: job {name} sees HF_TOKEN"


def test_deploy_without_the_secret_is_skipped_with_a_notice(ci):
    deploy = ci["jobs"]["deploy"]
    check = deploy["steps"][0]
    assert "::notice" in check["run"] and 'if [ -z "$HF_TOKEN" ]' in check["run"]
    assert "ready=false" in check["run"]
    for step in deploy["steps"][1:]:  # nothing else runs, so the job ends green, not failed
        assert step["if"].startswith("steps.hub.outputs.ready == 'true'")


def test_ci_run_is_valid_bash_and_rejects_skips():
    assert CI_RUN.stat().st_mode & 0o111, ".ci/run is not executable"
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(CI_RUN)], check=True)
    if shutil.which("shellcheck"):
        run = subprocess.run(["shellcheck", str(CI_RUN)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout
    assert "torch==2.13.0" in text and "requirements-dev.txt" in text and "chromium" in text
    assert "5)" in text and "skipped" in text


def test_ci_run_skip_check_reads_the_junit_report(tmp_path):
    """The report check in .ci/run: a skip fails, an xfail does not, no tests fails."""
    script = re.search(r"<<'EOF'\n(.*?)\nEOF\n", CI_RUN.read_text(encoding="utf-8"), re.S).group(1)

    def verdict(cases: str) -> subprocess.CompletedProcess:
        (tmp_path / "reports" / "ci").mkdir(parents=True, exist_ok=True)
        report = f'<testsuites><testsuite name="pytest">{cases}</testsuite></testsuites>'
        (tmp_path / "reports" / "ci" / "junit.xml").write_text(report)
        return subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)

    ok = '<testcase classname="t" name="a"/>'
    xfail = '<testcase classname="t" name="b"><skipped type="pytest.xfail" message="known"/></testcase>'
    skip = '<testcase classname="t" name="c"><skipped type="pytest.skip" message="no chromium"/></testcase>'
    assert verdict(ok + xfail).returncode == 0 and "ci: 1 passed, 0 failed" in verdict(ok + xfail).stdout
    failed = verdict(ok + skip)
    assert failed.returncode != 0 and "t::c: no chromium" in failed.stderr
    assert verdict("").returncode != 0
