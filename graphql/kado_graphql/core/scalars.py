"""Scalars of the API."""

from __future__ import annotations

import graphene

from graphql import IntValueNode

# Integers up to 2^53 are exact in every JSON client (JavaScript numbers included).
MAX_SAFE = 2**53 - 1


class Yen(graphene.Scalar):
    """Whole yen, as a JSON integer up to 2^53 − 1.

    GraphQL's Int stops at 2^31 − 1 (about 2.1 billion yen), which a federation's yearly
    totals pass; money is never a float.
    """

    @staticmethod
    def serialize(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"Yen must be a whole number, not {value!r}")
        return value

    @staticmethod
    def parse_value(value):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_SAFE:
            raise TypeError("Yen must be a whole number of at most 2^53 − 1.")
        return value

    @staticmethod
    def parse_literal(node, _variables=None):
        if isinstance(node, IntValueNode):
            value = int(node.value)
            if abs(value) <= MAX_SAFE:
                return value
        return graphene.types.scalars.Undefined
