"""A mail server on 127.0.0.1 for the end-to-end tests: plain SMTP over a socket, in a thread.

It takes every message (``messages``: (sender, recipients, data)), or refuses while told to:
``refuse("greeting")`` answers 421 to every new connection, ``refuse("rcpt")`` answers 451 to
every recipient; ``accept()`` takes messages again.
"""

import socketserver
import threading


class SmtpServer:
    def __init__(self, port=0):
        self.messages = []
        self.refusals = 0
        self.mode = None
        self.lock = threading.Lock()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                if server.mode == "greeting":
                    server._refused()
                    self.reply("421 4.3.2 Service not available, try again later")
                    return
                self.reply("220 127.0.0.1 ESMTP click_collect tests")
                self.sender, self.recipients = None, []
                try:
                    while line := self.rfile.readline():
                        verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
                        answer = getattr(self, f"smtp_{verb.lower()}", None)
                        if not answer:
                            self.reply("502 5.5.2 Command not recognized")
                        elif answer(line.decode().strip()) is False:
                            return
                except (TimeoutError, ConnectionError):
                    return

            def smtp_ehlo(self, _line):
                self.reply("250-127.0.0.1")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")

            def smtp_helo(self, _line):
                self.reply("250 127.0.0.1")

            def smtp_mail(self, line):
                self.sender, self.recipients = line[10:], []
                self.reply("250 2.1.0 OK")

            def smtp_rcpt(self, line):
                if server.mode == "rcpt":
                    server._refused()
                    self.reply("451 4.3.0 Mailbox busy, try again later")
                else:
                    self.recipients.append(line[8:])
                    self.reply("250 2.1.5 OK")

            def smtp_data(self, _line):
                if not self.recipients:
                    self.reply("503 5.5.1 No valid recipients")
                    return
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data.append(chunk)
                with server.lock:
                    server.messages.append((self.sender, self.recipients, b"".join(data)))
                self.reply("250 2.0.0 Queued")

            def smtp_rset(self, _line):
                self.reply("250 2.0.0 OK")

            smtp_noop = smtp_rset

            def smtp_quit(self, _line):
                self.reply("221 2.0.0 Bye")
                return False

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.tcp = Server(("127.0.0.1", port), Handler)
        self.port = self.tcp.server_address[1]
        threading.Thread(target=self.tcp.serve_forever, daemon=True).start()

    def _refused(self):
        with self.lock:
            self.refusals += 1

    def refuse(self, how):
        self.mode = how

    def accept(self):
        self.mode = None

    def received(self, needle):
        """The messages whose raw data holds ``needle`` (bytes or str)."""
        needle = needle.encode() if isinstance(needle, str) else needle
        with self.lock:
            return [message for message in self.messages if needle in message[2]]

    def stop(self):
        self.tcp.shutdown()
        self.tcp.server_close()
