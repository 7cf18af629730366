"""A test courier's server: a real HTTP server on 127.0.0.1 with programmable faults, the base of
the test servers of the carrier connectors (used by their Odoo tests, by the end-to-end tests and
the benchmark of the project, and by its demo). Plain Python, no Odoo."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FaultyServer:
    """An HTTP server on 127.0.0.1 (a free port, or ``port``) in a thread, with programmable
    faults.

    ``fail(mode, times)``: the next ``times`` requests are slow (``"slow"``: ``delay`` seconds),
    answer HTTP 502 (``"5xx"``), hang past any client timeout (``"timeout"``), answer garbage
    (``"garbage"``) or a well-formed JSON document without the data asked for (``"empty"``).
    ``requests`` lists (method, path, body) of every request received. ``latency``: seconds
    every request takes, as a remote service's would; ``max_in_flight``: the most requests it
    served at once.
    """

    def __init__(self, port=0):
        self.requests = []
        self.faults = []
        self.delay = 0.0
        self.latency = 0.0
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self, method):
                with server.lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._answer(method)
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def _answer(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((method, self.path, body))
                time.sleep(server.latency)
                fault = server.faults.pop(0) if server.faults else None
                if fault == "slow":
                    time.sleep(server.delay)
                elif fault == "timeout":
                    time.sleep(server.delay or 5)
                    return
                elif fault == "5xx":
                    self._reply(502, b"<html>Bad gateway</html>", "text/html")
                    return
                elif fault == "garbage":
                    self._reply(200, b"\x00\x13not what you expected", "application/octet-stream")
                    return
                elif fault == "empty":
                    self._reply(200, b'{"code": 200, "message": "Success", "data": null}', "application/json")
                    return
                status, payload, content_type = server.handle(method, self.path, self.headers, body)
                self._reply(status, payload, content_type)

            def _reply(self, status, payload, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, mode, times=1, delay=0.0):
        self.faults.extend([mode] * times)
        self.delay = delay

    def handle(self, method, path, headers, body):
        raise NotImplementedError


# A one-page PDF, the shape of a carrier's label.
PDF_LABEL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 298 420]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
