"""End-to-end tests: a real Odoo server, started here, spoken to over HTTP.

The server runs the end-to-end database prepared by ``./run test`` (click_collect with its demo
data) on 127.0.0.1. Settings come from the environment set by ``./run test``.
"""

import os
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from requests.adapters import HTTPAdapter
from sms_service import SmsService
from smtp_server import SmtpServer
from urllib3.util.retry import Retry

E2E_DB = os.environ.get("CC_E2E_DB", "cc_e2e")
E2E_PORT = int(os.environ.get("CC_E2E_PORT") or 0)
CONF = os.environ.get("CC_CONF")
ODOO_BIN = os.environ.get("CC_ODOO_BIN")
PYTHON = os.environ.get("CC_PYTHON")
CC_HOME = os.environ.get("CC_HOME", ".cc")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """The mail server of the end-to-end server: a real SMTP server on 127.0.0.1 that takes
    every message unless a test tells it to refuse (tests/smtp_server.py)."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sms_service():
    """The SMS service of the end-to-end server: Odoo's ``sms`` module sends to it, on
    127.0.0.1, instead of Odoo's IAP (tests/sms_service.py)."""
    service = SmsService()
    yield service
    service.stop()


def start_odoo(db, log_name, *, smtp_port, port=None, workers=2, cron_threads=1, killable=False, options=()):
    """Start an Odoo server on ``db`` (127.0.0.1, its log in the project's log directory) and
    wait until it answers; return (process, url, log file). By default as in production: two
    HTTP workers and a cron worker, so that nothing the addon keeps in one process's memory can
    pass for shared state; ``workers=0``: one process, threads. ``killable``: in a process group
    of its own, that stop_odoo(kill=True) stops at once, workers included. ``options``: more of
    Odoo's command-line options. The port of its websocket server: ``process.gevent_port``."""
    if not (CONF and ODOO_BIN and PYTHON):
        pytest.fail("end-to-end tests run through ./run test (CC_CONF, CC_ODOO_BIN, CC_PYTHON not set)")
    log_path = os.path.join(CC_HOME, "log", log_name)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    port = port or _free_port()
    gevent_port = _free_port()
    log = open(log_path, "w")  # noqa: SIM115 (closed by stop_odoo)
    proc = subprocess.Popen(
        [PYTHON, ODOO_BIN, "-c", CONF, "-d", db, f"--db-filter=^{db}$",
         f"--http-port={port}", "--http-interface=127.0.0.1", f"--gevent-port={gevent_port}",
         "--smtp=127.0.0.1", f"--smtp-port={smtp_port}",
         f"--workers={workers}", f"--max-cron-threads={cron_threads}", "--limit-time-real=600", "--log-level=warn",
         # and when a worker starts, stops or reaches a limit
         "--log-handler=odoo.service.server:INFO",
         # and when a request starts again after a concurrent update
         "--log-handler=odoo.service.model:INFO",
         *options],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=killable,
    )
    proc.log = log
    proc.gevent_port = gevent_port
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the Odoo server stopped (exit {proc.returncode}); see {log_path}")
        try:
            if requests.get(f"{url}/web/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.time() > deadline:
            proc.kill()
            pytest.fail(f"the Odoo server did not answer in time; see {log_path}")
        time.sleep(0.5)
    return proc, url, log_path


def stop_odoo(proc, kill=False):
    """Stop a server of start_odoo: at once (``kill``: as a machine that stops), or as its
    administrator does (the prefork server stops its workers)."""
    if kill:
        os.killpg(proc.pid, signal.SIGKILL)  # the server and its workers
    else:
        proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
    proc.log.close()


@pytest.fixture(scope="session")
def odoo_server(smtp_server, sms_service):
    proc, url, _log = start_odoo(E2E_DB, "e2e-server.log", smtp_port=smtp_server.port, port=E2E_PORT or None)
    OdooClient(url, "admin", "admin").call("ir.config_parameter", "set_param", "sms.endpoint", sms_service.url)
    yield url
    stop_odoo(proc)


def http_session():
    """A client's HTTP session that sends a request again when the connection breaks before an
    answer. An Odoo HTTP worker that has taken a connection waits two seconds for the request
    (``ODOO_HTTP_SOCKET_TIMEOUT``); a client thread that gets no CPU in that time under load finds
    the connection closed without an answer, as a real client behind a slow network would. HTTP
    errors are never retried: a 5xx stays visible. Web shops resend a create with its
    Idempotency-Key, so nothing is made twice."""
    retry = Retry(total=3, connect=3, read=3, status=0, other=0, allowed_methods=None, backoff_factor=0.2,
                  raise_on_status=False)
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


class RpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("message") or error.get("message"))
        self.error = error
        self.name = error.get("data", {}).get("name", "")


class OdooClient:
    """A user of the web client: a session cookie and JSON-RPC calls, as the browser does."""

    def __init__(self, url, login, password, db=E2E_DB):
        self.url = url
        self.session = http_session()
        result = self._post("/web/session/authenticate", {"db": db, "login": login, "password": password})
        self.uid = result["uid"]

    def _post(self, path, params):
        response = self.session.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}, timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RpcError(body["error"])
        return body.get("result")  # a method returning None answers no result

    def call(self, model, method, *args, **kwargs):
        return self._post(f"/web/dataset/call_kw/{model}/{method}",
                          {"model": model, "method": method, "args": list(args), "kwargs": kwargs})


@pytest.fixture(scope="session")
def client(odoo_server):
    def login(user, password=None):
        return OdooClient(odoo_server, user, password or user)
    return login


# ---------------------------------------------------------------- couriers

@pytest.fixture
def ghn_server():
    """The GHN test courier: a real HTTP server on 127.0.0.1."""
    # imported here: Odoo's addons are importable once pytest-odoo has loaded its configuration
    from odoo.addons.delivery_ghn.tests.ghn_server import FakeGhn

    server = FakeGhn().start()
    yield server
    server.stop()


def ghn_carrier(admin, ghn_server, name):
    """A GHN carrier of the running server, speaking to the test courier, its callbacks signed."""
    product = admin.call("product.product", "create", {"name": f"{name} fee", "type": "service"})
    return admin.call("delivery.carrier", "create", {
        "name": name, "delivery_type": "ghn", "product_id": product,
        "courier_endpoint_url": ghn_server.url, "ghn_token": "ghn-test-token", "ghn_shop_id": "885",
        "courier_timeout": 5, "courier_retries": 1, "allow_cash_on_delivery": True,
        "cc_webhook_secret": "e2e-token", "cc_webhook_hmac_secret": "e2e-key",
    })


def new_ship_order(admin, method="transfer"):
    """A ship-from-store order of the central warehouse, being prepared: paid by bank transfer,
    or to be paid to the courier (``method="cod"``)."""
    store = admin.call("stock.warehouse", "search", [("code", "=", "CEN")])[0]
    customer = admin.call("res.partner", "search", [("email", "=", "anna.peeters@example.com")])[0]
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000013")])[0]
    order = admin.call("sale.order", "create", {
        "partner_id": customer, "cc_fulfilment": "ship", "cc_store_id": store, "cc_payment_method": method,
        "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
    })
    admin.call("sale.order", "action_confirm", [order])
    if method == "transfer":
        payment = admin.call("click_collect.payment.register", "create", {"order_id": order, "reference": "E2E-BANK"})
        admin.call("click_collect.payment.register", "action_register", [payment])
    for target in ("accepted", "preparing"):
        admin.call("sale.order", "action_cc_transition", [order], context={"cc_target": target})
    return order


def cron_id(admin, xmlid):
    """The id of a scheduled job, by its XML id."""
    module, name = xmlid.split(".")
    return admin.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)],
                      ["res_id"])[0]["res_id"]


def run_cron(admin, cron, timeout=60):
    """Run a scheduled job now, as its "Run Manually" button does: waiting while the cron worker
    runs it, and running it again when it met a concurrent update (a job the button ran answers
    the error instead of raising it: as a person would, click again)."""
    deadline = time.time() + timeout
    while True:
        try:
            result = admin.call("ir.cron", "method_direct_trigger", [cron])
        except RpcError as error:
            if "already executing" not in str(error) or time.time() > deadline:
                raise
        else:
            if not isinstance(result, dict):
                return result
            if "could not serialize access" not in str(result) or time.time() > deadline:
                raise AssertionError(f"scheduled job {cron} failed: {result}")
        time.sleep(0.5)


def run_for(threads, seconds, stop):
    """Start the threads, let them work for ``seconds``, set ``stop`` (a threading.Event) and
    wait until every thread ended (at most 5 minutes)."""
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads), "a thread did not end"


def wait_until(predicate, timeout=60):
    """Call ``predicate`` until it returns something true (returned) or the time is up."""
    deadline = time.time() + timeout
    while not (result := predicate()) and time.time() < deadline:
        time.sleep(0.5)
    return result


def wait_for_state(admin, order_id, state, timeout=90):
    """Wait until the order is in ``state`` (moved by a job of the server); return its state."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        current = admin.call("sale.order", "read", [order_id], ["cc_state"])[0]["cc_state"]
        if current == state:
            return current
        time.sleep(1)
    return current


# ---------------------------------------------------------------- web-shop API

API_PREFIX = "/api/click_collect/v1"
WEBHOOK_SECRET = "e2e-webhook-secret"


class WebhookReceiver:
    """The web shop's webhook endpoint: a real HTTP server on 127.0.0.1 keeping what it gets."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/click-collect"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        with self.lock:
            return list(self.received)

    def wait_for(self, predicate, timeout=60):
        """Wait until ``predicate(received)`` is true; return the webhooks received."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            received = self.events()
            if predicate(received):
                return received
            time.sleep(0.2)
        return self.events()


class WebShopApi:
    """A web shop's client of the API: an API key and JSON over HTTP."""

    def __init__(self, url, key):
        self.base = url + API_PREFIX
        self.session = http_session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def request(self, method, path, body=None, **kwargs):
        return self.session.request(method, self.base + path, json=body, timeout=120, **kwargs)


@pytest.fixture(scope="session")
def web_shop(odoo_server, client):
    """The demo web shop, ready for the API: a new API key of its technical user (made with the
    web shop's "New API Key" button, as an administrator does) and its webhooks posted to a
    receiver on 127.0.0.1."""
    admin = client("admin", "admin")
    shop_id = admin.call("click_collect.web.shop", "search", [("code", "=", "DEMO")])[0]
    receiver = WebhookReceiver()
    admin.call("click_collect.web.shop", "write", [shop_id],
               {"webhook_url": receiver.url, "webhook_secret": WEBHOOK_SECRET})
    action = admin.call("click_collect.web.shop", "action_new_api_key", [shop_id])
    key = action["context"]["default_key"]
    yield {"api": WebShopApi(odoo_server, key), "key": key, "receiver": receiver, "shop_id": shop_id,
           "secret": WEBHOOK_SECRET, "url": odoo_server}
    receiver.server.shutdown()
    receiver.server.server_close()
