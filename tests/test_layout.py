"""The repository layout must never shadow the standard library or graphql-core."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONTAINERS = ["platform", "tenants", "graphql", "frontend"]


@pytest.mark.parametrize("container", CONTAINERS)
def test_container_folders_are_not_packages(container):
    assert (REPO_ROOT / container).is_dir()
    assert not (REPO_ROOT / container / "__init__.py").exists()


def test_no_init_files_under_tests():
    assert not list((REPO_ROOT / "tests").rglob("__init__.py"))


def test_platform_and_graphql_are_the_real_ones_even_with_the_repo_root_on_the_path():
    """Run where a root `manage.py` or `python -m pytest` would: the repo root first."""
    code = (
        "import platform, graphql, uuid;"
        "print(platform.__file__);"
        "print(graphql.__file__);"
        "print(hasattr(platform, 'system'), hasattr(graphql, 'build_schema'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    platform_file, graphql_file, flags = out
    assert not platform_file.startswith(str(REPO_ROOT)), platform_file
    assert "site-packages" in graphql_file, graphql_file
    assert flags == "True True"


def test_project_packages_import_from_their_containers():
    for container, package in zip(
        CONTAINERS, ["kado_platform", "kado_tenants", "kado_graphql", "kado_web"], strict=True
    ):
        module = importlib.import_module(package)
        assert Path(module.__file__).parent.parent == REPO_ROOT / container
