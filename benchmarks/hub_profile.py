"""Where the hub's `orders` request spends its time, in-process, with DEBUG off.

    .venv/bin/python benchmarks/hub_profile.py --database kado_bench_12 \
        --server .data/bench-postgres [--profile] [--repeat 30]

Sends the benchmark's `orders(first: 50, filter: …)` query through Django's test client
(the whole view: middleware, parsing, validation, execution, JSON) against a federation
that `federation_scale.py --build-only` made, and prints the median time per request and
the SQL time inside it; `--profile` adds a cProfile of the requests, by cumulative and
own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

from servers import server_url, with_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--server", help="data folder of the benchmark's own cluster")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--query", choices=("orders", "report"), default="orders")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--lines", type=int, default=35)
    args = parser.parse_args()

    from federation_scale import ORDERS_QUERY, REPORT_QUERY, orders_variables, own_server

    base = own_server(args.server, 512) if args.server else server_url()
    os.environ.update(
        {
            "DATABASE_URL": with_database(base, args.database),
            "DATABASE_CONN_MAX_AGE": "60",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + "x" * 40,
            "KADO_GRAPHQL_RATE_LIMIT": "100000",
            "DJANGO_SETTINGS_MODULE": "kado_platform.settings",
        }
    )
    os.environ.pop("KADO_TESTING", None)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kado_platform.accounts.selectors import user_by_email
    from kado_platform.accounts.services import api_token_create

    user = "coordinator" if args.query == "orders" else "leader"
    _token, secret = api_token_create(user=user_by_email(f"{user}@bench.test"), name="profile")
    query, variables = (
        (ORDERS_QUERY, orders_variables())
        if args.query == "orders"
        else (REPORT_QUERY, {"fiscalYear": 2024})
    )
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")

    def request():
        response = client.post(
            "/graphql",
            {"query": query, "variables": variables},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise SystemExit(f"{response.status_code}: {str(body)[:500]}")
        return response

    for _ in range(3):
        request()
    times, sql_times = [], []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            request()
            times.append(time.perf_counter() - started)
        sql_times.append(sum(float(q["time"]) for q in captured.captured_queries))
    print(
        f"{args.query}: median {statistics.median(times) * 1000:.1f} ms per request, "
        f"of which SQL {statistics.median(sql_times) * 1000:.1f} ms "
        f"({len(captured.captured_queries)} statements); min {min(times) * 1000:.1f} ms"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            request()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.lines)
        stats.sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
