"""What every courier client shares: errors a person can read, and a patient HTTP transport.

Plain Python, no ORM: the clients can be pointed at the carrier, at a recorded endpoint or at
a test server.
"""

import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

_NOT_ASKED = object()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def readable(text):
    """Text of a remote server, fit to show and to store: control characters (NUL, which
    PostgreSQL refuses, among them) and lone surrogates become "?"."""
    if text is None:
        return None
    text = _CONTROL.sub("?", str(text))
    return text.encode("utf-8", "replace").decode("utf-8")


class CourierUnreachable(UserError):
    """The courier could not be reached, or failed to answer (shown as "Courier unreachable")."""


class CourierRefused(UserError):
    """The courier answered and refused the request (shown as "Courier refused the request")."""


class CourierError(Exception):
    """A courier refused or failed a request.

    :param str message: what happened, for the person who asked
    :param str carrier_message: the carrier's own words, when it gave some
    :param bool retryable: a network error or a 5xx: trying again later may work
    :param int status: the HTTP status of the answer, if any
    :param str url: the address called
    :param str cause: why the carrier could not be reached (``network_cause``)
    """

    def __init__(self, message, carrier_message=None, retryable=False, status=None, *, url=None, cause=None):
        message = readable(message)
        super().__init__(message)
        self.message = message
        self.carrier_message = readable(carrier_message)
        self.retryable = retryable
        self.status = status
        self.url = url
        self.cause = cause

    @property
    def unreachable(self):
        """The carrier could not be reached, or failed (no answer of its own to the request)."""
        return self.cause is not None or (self.status or 0) >= 500

    def __str__(self):
        if self.carrier_message and self.carrier_message not in self.message:
            return f"{self.message} ({self.carrier_message})"
        return self.message


# what a network error says (its text, or its cause's), and what it means
NETWORK_CAUSES = (
    (("timed out",), "timeout"),
    (("NameResolution", "getaddrinfo", "Name or service not known"), "dns"),
    (("Connection refused", "ConnectionRefused"), "refused"),
    (("Network is unreachable", "No route to host"), "route"),
    (("RemoteDisconnected", "Connection aborted", "Connection reset"), "closed"),
)


def network_cause(exc):
    """Why a request got no answer: "timeout", "tls", "dns", "refused", "route", "closed", or
    the exception's class name (CourierError.cause; the carrier model says it in words)."""
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls"
    text = f"{exc!r} {exc.__context__!r} {exc.__cause__!r}"
    return next((cause for words, cause in NETWORK_CAUSES if any(word in text for word in words)),
                exc.__class__.__name__)


def call_in_parallel(func, args, workers):
    """``func(arg)`` for each of ``args``, at most ``workers`` at once: for the HTTP calls of a
    carrier that answers one shipment per call. ``func`` only speaks HTTP (no ORM: it runs in
    threads of its own). Once a call failed for a reason that is the carrier's (retryable: it
    cannot be reached, it fails), the calls not started yet are not made.

    :return: {arg: what func returned, or the CourierError it raised}; the args not asked are
        left out
    """
    down = threading.Event()

    def call(arg):
        if down.is_set():
            return _NOT_ASKED
        try:
            return func(arg)
        except CourierError as error:
            if error.retryable:
                down.set()
            raise

    results = {}
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="courier") as pool:
        futures = {pool.submit(call, arg): arg for arg in args}
        for future in as_completed(futures):
            try:
                result = future.result()
            except CourierError as error:
                result = error
            if result is not _NOT_ASKED:
                results[futures[future]] = result
    return results


class HttpTransport:
    """requests with a timeout on every call and retries on network errors and 5xx answers."""

    def __init__(self, timeout=15.0, retries=2, backoff=0.5, session=None, carrier="courier"):
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = session or requests.Session()
        self.carrier = carrier

    def request(self, method, url, **kwargs):
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                error = CourierError(
                    f"{self.carrier} could not be reached: {exc.__class__.__name__}", retryable=True,
                    url=url, cause=network_cause(exc),
                )
            else:
                if response.status_code < 500:
                    return response
                error = CourierError(
                    f"{self.carrier} failed (HTTP {response.status_code})",
                    carrier_message=response.text[:300], retryable=True, status=response.status_code, url=url,
                )
            if attempt > self.retries:
                raise error
            _logger.info("%s: %s, attempt %s of %s", self.carrier, error, attempt, self.retries + 1)
            time.sleep(self.backoff * attempt)
