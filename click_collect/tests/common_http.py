"""HTTP helpers of the tests: bodies sent in part or in chunks, to routes that must refuse them
before reading them."""

import http.client
from urllib.parse import urlparse

from odoo.tests.common import TEST_CURSOR_COOKIE_NAME


def post_part_of_a_body(case, path, headers, sent, timeout=15):
    """POST to ``path`` of the test server of ``case`` (an HttpCase) over a socket of its own:
    the headers, then only the bytes ``sent`` of the body they announce, never the rest. A
    server that reads the body before answering waits for bytes that never come (the socket
    times out); one that refuses the body before reading it answers at once.

    :return: (HTTP status, headers, body) of the answer
    """
    url = urlparse(case.base_url())
    case.env.flush_all()
    with case.allow_requests():  # the test server's cookie, as url_open sends it
        cookie = f"{TEST_CURSOR_COOKIE_NAME}={case.opener.cookies[TEST_CURSOR_COOKIE_NAME]}"
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        try:
            connection.putrequest("POST", path, skip_accept_encoding=True)
            for name, value in {"Cookie": cookie, **headers}.items():
                connection.putheader(name, value)
            connection.endheaders(sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def chunk(data):
    """``data`` as one chunk of a chunked body (Transfer-Encoding: chunked)."""
    return b"%x\r\n%s\r\n" % (len(data), data)
