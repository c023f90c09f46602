"""Shared fixtures: a federation with two regions whose primary keys collide on purpose.

The hub, regions `alpha` and `beta`, their schemas and a user for each role are made
once per test session and committed; each test then runs in a transaction that is
rolled back. `http_server` is a real gunicorn process on the same test database, for
tests that go through HTTP as a client would; `start_gunicorn` starts more of them with
other settings (the trust tests' rollback and production-mode servers). Every other
process a test starts (a worker, `kado`, a script) gets its environment from
`subprocess_env`, and moto servers come from `start_moto`.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.db import connection
from django_tenants.utils import schema_context
from psycopg import sql

from kado_tenants.clients.models import Client, ClientKind
from kado_tenants.clients.services import client_create
from kado_tenants.invoicing.models import Invoice
from kado_tenants.invoicing.services import invoice_create, invoice_issue, invoice_issuer_set
from kado_tenants.orders.categories import Category
from kado_tenants.orders.models import Assignment, ContractType, Order
from kado_tenants.orders.services import (
    assignment_create,
    order_create,
    order_transition,
    worklog_approve,
    worklog_record,
)
from kado_tenants.payouts.models import PayoutStatement
from kado_tenants.payouts.services import (
    bank_account_set,
    payout_settings_update,
    payout_statement_approve,
    payout_statements_generate,
    zengin_export,
)
from kado_tenants.workforce.models import Worker, WorkerStatus
from kado_tenants.workforce.services import worker_change_status, worker_create

PASSWORD = "kado-test-pass-2026"
SEED_LABELS = {"alpha": "アルファ", "beta": "ベータ"}
SEED_KANA = {"alpha": "アルファ", "beta": "ベータ"}
# Raw API tokens per user key, made once per test session (only digests are stored).
TOKENS: dict[str, str] = {}
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Federation:
    hub: object
    alpha: object
    beta: object
    users: dict

    def user(self, key):
        return self.users[key]

    def token(self, key) -> str:
        return TOKENS[key]


USER_SPECS = {
    # key: (email, role, region key or None)
    "operator": ("operator@kado.test", "operator", None),
    "leader": ("leader@kado.test", "leader", None),
    "coordinator": ("coordinator@kado.test", "coordinator", None),
    "alpha_admin": ("admin@alpha.test", "region_admin", "alpha"),
    "alpha_staff": ("staff@alpha.test", "region_staff", "alpha"),
    "beta_admin": ("admin@beta.test", "region_admin", "beta"),
    "beta_staff": ("staff@beta.test", "region_staff", "beta"),
}


def _build_test_federation():
    from kado_platform.accounts.selectors import user_by_email
    from kado_platform.accounts.services import api_token_create, membership_grant, user_create
    from kado_platform.regions.services import federation_ensure, region_create

    federation_ensure()
    regions = {
        "alpha": region_create(
            code="alpha",
            name="アルファ市",
            name_en="Alpha City",
            municipality_code="202151",
            admin_email="admin@alpha.test",
            admin_password=PASSWORD,
        ),
        "beta": region_create(
            code="beta",
            name="ベータ町",
            name_en="Beta Town",
            municipality_code="202029",
            admin_email="admin@beta.test",
            admin_password=PASSWORD,
        ),
    }
    for key, (email, role, region_key) in USER_SPECS.items():
        if key.endswith("_admin"):
            continue  # made by region_create
        user = user_create(email=email, password=PASSWORD)
        membership_grant(user=user, role=role, region=regions[region_key] if region_key else None)
    for key, (email, _role, _region) in USER_SPECS.items():
        _token, TOKENS[key] = api_token_create(user=user_by_email(email), name="tests")
    for code, region in regions.items():
        with schema_context(region.schema_name):
            _seed_region_data(code)
    connection.set_schema_to_public()


def _seed_region_data(code):
    """The same rows, in the same order, in each region: their primary keys collide."""
    label = SEED_LABELS[code]
    client = Client.objects.create(name=f"{label}商事", kind="local_company")
    workers = [
        Worker.objects.create(
            name=f"{label} {given}",
            name_kana=f"{kana} {given_kana}",
            hourly_rate=1000 + 100 * index,
            joined_on=datetime.date(2020, 4, 1),
            status="active",
            constraint_reason="childcare",
            constraint_note=f"{label}の秘密",
        )
        for index, (given, kana, given_kana) in enumerate(
            [("花子", SEED_KANA[code], "ハナコ"), ("太郎", SEED_KANA[code], "タロウ")]
        )
    ]
    order = Order.objects.create(
        reference="2023-0001",
        client=client,
        title=f"{label}の注文",
        category="ai_annotation",
        unit_price=1200,
        estimated_minutes=600,
        amount=12000,
        received_on=datetime.date(2023, 5, 1),
        due_on=datetime.date(2023, 6, 30),
    )
    Assignment.objects.create(order=order, worker=workers[0], assigned_on=datetime.date(2023, 5, 2))


def _load_federation() -> Federation:
    from kado_platform.accounts.selectors import user_by_email
    from kado_platform.regions.selectors import federation, region_get

    return Federation(
        hub=federation(),
        alpha=region_get(code="alpha"),
        beta=region_get(code="beta"),
        users={key: user_by_email(spec[0]) for key, spec in USER_SPECS.items()},
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the federation built in it, committed.

    pytest-django makes a test database only when a selected test asks for `db`; tests
    that commit for a server or a worker to see do not. Alone, they would otherwise build
    the federation in the development database, so the test database is made here then.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        made = None
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            made = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        _build_test_federation()
    yield
    with django_db_blocker.unblock():
        # Servers and workers the tests started may still be hanging up; the database is
        # dropped next, and PostgreSQL refuses while any other session is in it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        if made is not None:
            teardown_databases(made, verbosity=0)


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language, Japanese. A request in English activates
    English for its thread, and a test that calls a view or schema without the middleware
    would otherwise answer in whatever language the previous test left behind."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def fed(db) -> Federation:
    """The test federation: hub, regions alpha and beta, and a user for each role."""
    connection.set_schema_to_public()
    return _load_federation()


@pytest.fixture
def in_region():
    """`with in_region(region):` runs ORM code in that region's schema."""

    @contextlib.contextmanager
    def _in(region):
        with schema_context(region.schema_name):
            yield region
        connection.set_schema_to_public()

    return _in


# --- rows made through the services -----------------------------------------------------


class Maker:
    """Rows made through the services, with defaults a test overrides only where it cares."""

    def __init__(self, acting_user=None):
        self.acting_user = acting_user
        self._numbers = itertools.count(1)

    def worker(self, **overrides) -> Worker:
        number = next(self._numbers)
        fields = {
            "name": f"塩尻 花子{number}",
            "name_kana": "シオジリ ハナコ",
            "hourly_rate": 1_000,
            "joined_on": datetime.date(2023, 4, 1),
            "acting_user": self.acting_user,
        }
        fields.update(overrides)
        return worker_create(**fields)

    def active_worker(self, **overrides) -> Worker:
        """Through the journey as a worker would go: applicant, training, active."""
        worker = self.worker(**overrides)
        joined = worker.joined_on
        worker_change_status(worker=worker, status=WorkerStatus.TRAINING, changed_on=joined)
        worker_change_status(worker=worker, status=WorkerStatus.ACTIVE, changed_on=joined)
        return worker

    def client(self, **overrides) -> Client:
        fields = {
            "name": f"株式会社テスト{next(self._numbers)}",
            "kind": ClientKind.URBAN_COMPANY,
            "acting_user": self.acting_user,
        }
        fields.update(overrides)
        return client_create(**fields)

    def order(self, **overrides) -> Order:
        fields = {
            "title": "画像アノテーション",
            "category": Category.AI_ANNOTATION,
            "contract_type": ContractType.HOURLY,
            "unit_price": 1_200,
            "estimated_minutes": 600,
            "received_on": datetime.date(2023, 5, 10),
            "due_on": datetime.date(2023, 6, 30),
            "acting_user": self.acting_user,
        }
        fields.update(overrides)
        if "client" not in fields:
            fields["client"] = self.client()
        return order_create(**fields)

    def started_order(self, **overrides) -> Order:
        order = self.order(**overrides)
        return order_transition(order=order, to_status="in_progress", on_date=order.received_on)

    def assignment(
        self, *, order=None, worker=None, assigned_on=None, agreed_amount=None
    ) -> Assignment:
        order = order or self.order()
        worker = worker or self.active_worker()
        return assignment_create(
            order=order,
            worker=worker,
            assigned_on=assigned_on or order.received_on,
            agreed_amount=agreed_amount,
            acting_user=self.acting_user,
        )

    def invoice_issuer(self) -> None:
        """The region's details as a qualified-invoice issuer (registration number)."""
        invoice_issuer_set(
            name="一般財団法人 テスト公社",
            registration_number="T7000012050002",
            address="長野県塩尻市大門1-1",
            bank_name="テスト銀行",
            bank_branch="本店",
            bank_account_number="1234567",
            bank_account_holder="ザイ)テストコウシャ",
            acting_user=self.acting_user,
        )

    def issued_invoice(self, *, client, unit_price, issued_on) -> Invoice:
        """One delivered order of an hour at `unit_price`, invoiced and issued."""
        order = self.started_order(client=client, unit_price=unit_price, estimated_minutes=60)
        order_transition(order=order, to_status="delivered", on_date=datetime.date(2023, 6, 20))
        draft = invoice_create(client=client, orders=[order], acting_user=self.acting_user)
        return invoice_issue(invoice=draft, issued_on=issued_on, acting_user=self.acting_user)

    def zengin_transfer(self, *, minutes) -> PayoutStatement:
        """A worker's approved statement for September 2023, paid by a Zengin file."""
        day, user = datetime.date, self.acting_user
        payout_settings_update(
            remitter_code="1234567890",
            remitter_name_kana="ザイ）テストコウシャ",
            bank_code="0001",
            branch_code="001",
            account_type="1",
            account_number="1234567",
            acting_user=user,
        )
        worker = self.active_worker(hourly_rate=1_200)
        order = self.order(received_on=day(2023, 9, 1), due_on=day(2023, 9, 30))
        assignment = self.assignment(order=order, worker=worker)
        entry = worklog_record(assignment=assignment, work_date=day(2023, 9, 4), minutes=minutes)
        worklog_approve(work_log=entry, acting_user=user)
        bank_account_set(
            worker=worker,
            bank_code="0005",
            branch_code="001",
            account_type="1",
            account_number="7654321",
            holder_kana="シオジリ ハナコ",
            acting_user=user,
        )
        statements = payout_statements_generate(
            month=day(2023, 9, 1), acting_user=user, today=day(2023, 10, 2)
        )
        [statement] = [s for s in statements if s.worker_id == worker.pk]
        statement = payout_statement_approve(statement=statement, acting_user=user)
        zengin_export(
            statements=[statement],
            transfer_date=day(2023, 10, 10),
            acting_user=user,
            today=day(2023, 10, 2),
        )
        return statement


@pytest.fixture
def maker(fed):
    """`maker(acting_user=...)` for tests that switch regions themselves (it makes rows
    wherever it runs); tenants tests' `make` is the same in region alpha."""
    return Maker


@pytest.fixture
def same_pk(in_region):
    """Make the next rows of a model in two regions get the same primary key.

    Sequences are not rolled back with a test's transaction, so they drift apart; this
    sets both to the same next value before the rows are made.
    """

    def _align(model, *regions):
        table = model._meta.db_table
        values = []
        for region in regions:
            with in_region(region), connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("SELECT last_value FROM {}").format(sql.Identifier(f"{table}_id_seq"))
                )
                values.append(cursor.fetchone()[0])
        target = max(values) + 1
        for region in regions:
            with in_region(region), connection.cursor() as cursor:
                cursor.execute("SELECT setval(%s, %s, false)", [f"{table}_id_seq", target])
        return target

    return _align


@pytest.fixture
def web(fed):
    """A Django test client for a host: `web(fed.alpha, user)` is signed in there."""
    from django.test import Client

    from kado_platform.accounts.sessions import SESSION_REGION_KEY

    def _client(region, user=None, **extra):
        client = Client(HTTP_HOST=region.host, **extra)
        if user is not None:
            client.force_login(user)
            session = client.session
            session[SESSION_REGION_KEY] = region.schema_name
            session.save()
        return client

    return _client


# --- processes the tests start: gunicorn, workers, `kado` commands, scripts -------------

SOURCE_FOLDERS = ("platform", "tenants", "graphql", "frontend")


def app_environment(
    database_url: str, *, pythonpath: tuple = (), without: tuple = (), **extra: str
) -> dict:
    """The environment of a process that runs the app on `database_url`: this one's,
    DEBUG and KADO_TESTING on, the source folders importable, then `extra` on top.

    Inherited variables whose names start with one of `without` are left out (a process
    that must not see this one's broker, Sentry or keys settings)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not (without and name.startswith(tuple(without)))
    }
    return {
        **inherited,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "KADO_TESTING": "1",
        "PYTHONPATH": os.pathsep.join(
            [*(str(REPO_ROOT / d) for d in SOURCE_FOLDERS), *(str(p) for p in pythonpath)]
        ),
        **extra,
    }


@pytest.fixture(scope="session")
def subprocess_env(test_database_url):
    """`subprocess_env(NAME=value, ..., without=(...))`: `app_environment` on the test
    database unless DATABASE_URL is among the extras."""

    def _env(*, without: tuple = (), **extra: str) -> dict:
        url = extra.pop("DATABASE_URL", test_database_url)
        return app_environment(url, without=without, **extra)

    return _env


@dataclass
class Moto:
    """A moto server the tests started, and the key pair its clients sign with."""

    server: object
    endpoint: str
    port: int
    access_key: str
    secret_key: str

    def client(self, service: str, region_name: str = "ap-northeast-1"):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region_name,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )


@contextlib.contextmanager
def moto_server(
    server_class=None,
    *,
    access_key: str,
    secret_key: str,
    export: bool = False,
):
    """moto in server mode on loopback. With `export`, the key pair is also this
    process's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY while it runs (for code under
    test that signs with AWS's own variables), and the previous values come back after.
    boto3's default session keeps the first credentials it finds for the whole process, so
    it is made afresh on the way in and out: no test signs with another test's key pair."""
    import boto3
    from moto.server import ThreadedMotoServer

    try:
        with pytest.MonkeyPatch.context() as patch:
            if export:
                patch.setenv("AWS_ACCESS_KEY_ID", access_key)
                patch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
                boto3.setup_default_session()
            # Port 0: the system picks a free one, held from the start; the server says which.
            server = (server_class or ThreadedMotoServer)(
                ip_address="127.0.0.1", port=0, verbose=False
            )
            server.start()
            try:
                _host, port = server.get_host_and_port()
                yield Moto(server, f"http://127.0.0.1:{port}", port, access_key, secret_key)
            finally:
                server.stop()
    finally:
        if export:
            boto3.setup_default_session()  # after the variables are restored


@pytest.fixture(scope="session")
def start_moto():
    """`with start_moto(server_class, access_key=..., secret_key=..., export=...) as moto:`
    a moto server for a module's or the session's fixture."""
    return moto_server


@pytest.fixture(scope="session")
def redis_url():
    """A redis-server of the tests' own on a free loopback port (no shared state with a
    Redis someone else runs), or None when the machine has no redis-server binary."""
    import shutil

    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


# --- gunicorn on the test database (one home for every test that starts one) -----------

# The Stripe webhook secret every gunicorn of the tests is started with.
WEBHOOK_SECRET = "whsec_kado_tests"


def database_url(db: dict) -> str:
    """A DATABASE_URL for the test database, for processes the tests start."""
    from urllib.parse import quote

    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    if host.startswith("/"):
        return f"postgresql://{user}{password}@/{db['NAME']}?host={quote(host)}"
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A gunicorn the tests started; every request goes to 127.0.0.1 with a Host header."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    webhook_secret: str

    def host(self, region_or_host) -> str:
        """`alpha.localhost:<port>` for a region (or a host name) on this server."""
        host = getattr(region_or_host, "host", region_or_host)
        return f"{host}:{self.port}"

    def host_url(self, region, path="/") -> str:
        return f"http://{self.host(region)}{path}"

    def session(self, region_or_host) -> requests.Session:
        """A requests session whose every request carries the region's Host."""
        session = requests.Session()
        session.headers["Host"] = self.host(region_or_host)
        return session

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def gunicorn(
    db_url: str,
    *,
    env: dict | None = None,
    app: str = "kado_platform.wsgi:application",
    workers: int = 2,
    threads: int = 4,
    pythonpath: tuple = (),
):
    """gunicorn on loopback serving `app` on the test database, DEBUG on unless `env`
    says otherwise. The GraphQL rate limits are high enough that no test's volume meets
    them (their 429 is proved in process, tests/graphql_tests/test_protection.py)."""
    port = free_port()
    full_env = app_environment(
        db_url,
        pythonpath=pythonpath,
        **{
            "KADO_GRAPHQL_RATE_LIMIT": "1000000",
            "KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS": "1000000",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            **(env or {}),
        },
    )
    log_path = REPO_ROOT / ".data" / f"gunicorn-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
        ],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"Host": f"localhost:{port}"},
                    timeout=1,
                )
                break
            except requests.RequestException:
                if process.poll() is not None:
                    raise RuntimeError(log_path.read_text()) from None
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start in 60 s") from None
                time.sleep(0.2)
        yield Server(
            url=f"http://127.0.0.1:{port}",
            port=port,
            process=process,
            log_path=log_path,
            webhook_secret=full_env["STRIPE_WEBHOOK_SECRET"],
        )
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def test_database_url(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return database_url(connection.settings_dict)


@pytest.fixture(scope="session")
def start_gunicorn(test_database_url):
    """`with start_gunicorn(env=..., app=...) as server:` another gunicorn on the test
    database, for tests that need other settings than `http_server`'s."""
    return functools.partial(gunicorn, test_database_url)


@pytest.fixture(scope="session")
def http_server(start_gunicorn) -> Server:
    """gunicorn (2 workers x 4 threads) serving the test database over real HTTP on
    loopback, shared by every test that goes through HTTP as a client would."""
    with start_gunicorn() as server:
        yield server


@pytest.fixture
def graphql_http(http_server, fed):
    """POST a GraphQL query over real HTTP to a host, with a user's bearer token or none."""

    def _post(region, query, *, as_user=None, variables=None, session=None, headers=None):
        http = session or http_server.session(region)
        sent = {"Content-Type": "application/json", **(headers or {})}
        if as_user is not None:
            sent["Authorization"] = f"Bearer {fed.token(as_user)}"
        return http.post(
            f"{http_server.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=sent,
            timeout=30,
        )

    return _post


@pytest.fixture
def http_login(http_server):
    """`http_login(region, user_key)` → a requests session signed in on the region's host
    through the login form over real HTTP, as a browser is: a session cookie and a CSRF
    cookie, for tests of what a cookie (not a bearer token) may do."""

    def _login(region, user_key) -> requests.Session:
        http = http_server.session(region)
        page = http.get(f"{http_server.url}/login/", timeout=30)
        assert page.status_code == 200, page.status_code
        signed_in = http.post(
            f"{http_server.url}/login/",
            data={
                "username": USER_SPECS[user_key][0],
                "password": PASSWORD,
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            },
            headers={"Referer": http_server.host_url(region, "/login/")},
            allow_redirects=False,
            timeout=30,
        )
        assert signed_in.status_code == 302, signed_in.text[:300]
        assert "sessionid" in http.cookies
        return http

    return _login
