"""Fixtures of the GraphQL tests: the SQL a request spent on data, ids, names and error codes."""

from __future__ import annotations

import base64
import uuid

import pytest


@pytest.fixture
def data_queries():
    """The function that picks a CaptureQueriesContext's data queries out of the rest."""

    def _data_queries(context) -> list[str]:
        """SQL that reads or writes data: django-tenants' SET search_path and savepoints aside."""
        return [
            query["sql"]
            for query in context.captured_queries
            if not query["sql"].upper().startswith(("SET ", "SAVEPOINT", "RELEASE SAVEPOINT"))
        ]

    return _data_queries


@pytest.fixture
def gid():
    """A global id built by hand (`Type:region:pk`, base64), not by the code under test."""

    def _gid(type_name: str, region: str, pk: int) -> str:
        return base64.b64encode(f"{type_name}:{region}:{pk}".encode()).decode()

    return _gid


@pytest.fixture
def unique():
    """A name no other test or run has used, so committed rows never collide."""

    def _unique(prefix: str = "Test") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    return _unique


@pytest.fixture
def codes():
    """The `extensions.code` of each top-level error of a GraphQL response body."""

    def _codes(body: dict) -> list[str]:
        return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]

    return _codes
