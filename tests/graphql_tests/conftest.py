"""Fixtures of the GraphQL tests: `data_queries`, the SQL a captured request spent on data."""

from __future__ import annotations

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
