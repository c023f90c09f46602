"""The Dockerfile's promises, read as text (no container engine is available to build it).

This proves less than a build would: it checks the stages, the user, the environment
and the commands are written as promised, and that everything copied exists and is
not excluded by .dockerignore.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
# Instructions with their continuation lines joined.
INSTRUCTIONS = re.sub(r"\\\n\s*", " ", DOCKERFILE)
IGNORED = [
    line.strip()
    for line in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def stages() -> list[tuple[str, str]]:
    return re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", INSTRUCTIONS, re.MULTILINE)


def test_multi_stage_npm_assets_then_python():
    names = [name for _image, name in stages()]
    assert names[:3] == ["assets", "build", "runtime"]
    assert stages()[0][0].startswith("node:")
    assert "if [ -f package.json ]" in INSTRUCTIONS
    assert "npm ci" in INSTRUCTIONS and "npm run build" in INSTRUCTIONS
    assert re.search(r"COPY --from=assets \S*kado_web/static/kado_web/dist/", INSTRUCTIONS)
    build_script = REPO_ROOT / "frontend" / "scripts" / "build.mjs"
    if build_script.exists():  # the npm build writes where the image copies from
        assert re.search(
            r'"kado_web",\s*"static",\s*"kado_web",\s*"dist"', build_script.read_text()
        )


def test_runs_as_a_non_root_user_in_every_final_stage():
    users = re.findall(r"^USER\s+(\S+)", INSTRUCTIONS, re.MULTILINE)
    assert users, "no USER"
    assert all(user.split(":")[0] not in {"root", "0"} for user in users)
    runtime_at = INSTRUCTIONS.index("AS runtime")
    assert INSTRUCTIONS.index("USER ", runtime_at) < INSTRUCTIONS.index("AS worker")
    for stage in ("worker", "web"):  # both inherit the runtime stage and its user
        assert re.search(rf"^FROM runtime AS {stage}$", INSTRUCTIONS, re.MULTILINE)


def test_python_environment():
    assert re.search(r"\bPYTHONSAFEPATH=1\b", INSTRUCTIONS)
    assert re.search(r"\bPYTHONDONTWRITEBYTECODE=1\b", INSTRUCTIONS)
    assert "KADO_RELEASE=${KADO_RELEASE}" in INSTRUCTIONS
    assert "collectstatic" in INSTRUCTIONS


def test_web_runs_gunicorn_and_worker_runs_celery():
    commands = dict(
        re.findall(r"^FROM runtime AS (\w+)\n(?:.*\n)*?CMD (\[.*\])", INSTRUCTIONS, re.M)
    )
    assert commands["web"].startswith('["gunicorn", "kado_platform.wsgi:application"')
    assert commands["worker"].startswith('["celery", "-A", "kado_platform.celery_app", "worker"')
    assert stages()[-1][1] == "web"  # the default target


def test_copied_sources_exist_and_are_not_ignored():
    sources = []
    for line in re.findall(r"^COPY (?!--from)(.+)$", INSTRUCTIONS, re.MULTILINE):
        parts = line.split()
        sources.extend(parts[:-1])
    assert sources
    for source in sources:
        assert (REPO_ROOT / source).exists(), source
        top = source.rstrip("/").split("/")[0]
        assert top not in IGNORED, f"{source} is excluded by .dockerignore"


def test_dockerignore_keeps_secrets_and_local_state_out():
    for entry in (".git", ".env", ".venv", ".data", "frontend/node_modules", "tests"):
        assert entry in IGNORED, entry
