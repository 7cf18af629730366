"""An SMS service on 127.0.0.1 for the end-to-end tests: the JSON-RPC endpoint Odoo's ``sms``
module calls (``<sms.endpoint>/api/sms/3/send``), over HTTP, in a thread.

It takes every SMS (``received``: dicts of number, content and uuid) and answers "success" for
each, or fails while told to: ``fail()`` answers HTTP 503 to every request (Odoo records a
server error on the SMS); ``recover()`` takes SMS again.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEND_PATH = "/api/sms/3/send"


class SmsService:
    def __init__(self, port=0):
        self.received = []
        self.failures = 0
        self.failing = False
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != SEND_PATH:
                    self._answer(404, {"error": "unknown path"})
                    return
                if service.failing:
                    with service.lock:
                        service.failures += 1
                    self._answer(503, {"error": "the SMS service is down"})
                    return
                request = json.loads(body)
                results = []
                with service.lock:
                    for message in request["params"]["messages"]:
                        for number in message["numbers"]:
                            service.received.append({"number": number["number"], "uuid": number["uuid"],
                                                     "content": message["content"]})
                            results.append({"uuid": number["uuid"], "state": "success", "credit": 1})
                self._answer(200, {"jsonrpc": "2.0", "id": request.get("id"), "result": results})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fail(self):
        self.failing = True

    def recover(self):
        self.failing = False

    def messages_about(self, text):
        """The SMS received whose content holds ``text``, in order."""
        with self.lock:
            return [sms for sms in self.received if text in sms["content"]]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
