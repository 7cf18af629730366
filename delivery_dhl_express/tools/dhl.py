"""DHL Express SOAP services through zeep: the rate book (rate, create shipment, delete shipment)
and tracking, two services at two addresses under one base URL, as DHL publishes them.

The WSDL is the addon's own (data/dhl_express.wsdl), written after DHL's published
service description. No ORM here.
"""

import base64
import os

import requests
import zeep
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from odoo.addons.delivery_courier_base.tools.courier import CourierError, network_cause

WSDL = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "dhl_express.wsdl")
# The base URLs of the services (test and production); each service has its own path below it.
TEST_URL = "https://wsbexpress.dhl.com/sndpt"
PROD_URL = "https://wsbexpress.dhl.com/gbl"
_TNS = "{http://scxgxtt.phx-dc.dhl.com/euExpressRateBook/RateMsgRequest}"
# service -> (binding of the WSDL, path below the base URL)
SERVICES = {
    "rate_book": (f"{_TNS}gblExpressRateBookBinding", "expressRateBook"),
    "tracking": (f"{_TNS}gblDHLExpressTrackBinding", "glDHLExpressTrack"),
}


def service_url(base_url, service):
    """The address of ``service`` below ``base_url`` (a URL ending with the path of one of the
    services counts as its base: the rate book's address of earlier settings)."""
    base = base_url.rstrip("/")
    for _binding, path in SERVICES.values():
        if base.endswith(f"/{path}"):
            base = base[: -len(path) - 1]
    return f"{base}/{SERVICES[service][1]}"


class _Transport(Transport):
    """A gateway's HTML error page is a failure to retry, not a SOAP fault to read."""

    def post_xml(self, address, envelope, headers):
        response = super().post_xml(address, envelope, headers)
        content_type = response.headers.get("Content-Type", "")
        if "xml" not in content_type:
            retryable = response.status_code >= 500
            message = (f"DHL Express failed (HTTP {response.status_code})" if retryable
                       else "DHL Express answered something that is not SOAP.")
            raise CourierError(message, carrier_message=response.text[:300], retryable=retryable,
                               status=response.status_code)
        return response


class DhlClient:
    def __init__(self, username, password, account, *, endpoint=TEST_URL, timeout=15.0, retries=2):
        if not (username and password and account):
            raise CourierError("DHL Express needs a user name, a password and an account number.")
        self.account = account
        self.retries = retries
        session = requests.Session()
        transport = _Transport(session=session, timeout=timeout, operation_timeout=timeout)
        self.client = zeep.Client(WSDL, transport=transport, wsse=UsernameToken(username, password))
        self.services = {
            name: self.client.create_service(binding, service_url(endpoint, name))
            for name, (binding, _path) in SERVICES.items()
        }

    def _call(self, operation, service="rate_book", **body):
        url = self.services[service]._binding_options.get("address")
        attempt = 0
        while True:
            attempt += 1
            try:
                return getattr(self.services[service], operation)(**body)
            except CourierError as exc:
                error = exc
            except Fault as fault:
                raise CourierError("DHL Express refused the request.", carrier_message=fault.message,
                                   url=url) from None
            except TransportError as exc:
                error = CourierError(f"DHL Express failed (HTTP {exc.status_code})",
                                     carrier_message=(exc.content or b"")[:300].decode(errors="replace"),
                                     retryable=exc.status_code >= 500, status=exc.status_code, url=url)
            except (requests.ConnectionError, requests.Timeout) as exc:
                error = CourierError(f"DHL Express could not be reached: {exc.__class__.__name__}", retryable=True,
                                     url=url, cause=network_cause(exc))
            except (ZeepError, ValueError, AttributeError) as exc:
                raise CourierError("DHL Express answered something unexpected.", carrier_message=str(exc)) from None
            if not error.retryable or attempt > self.retries:
                raise error

    @staticmethod
    def _part(response, name):
        """zeep hands back the only child of a one-child answer instead of the answer."""
        return getattr(response, name) if hasattr(response, name) else response

    @staticmethod
    def _check(notifications):
        for notification in notifications or []:
            if notification.code not in (0, None):
                raise CourierError("DHL Express refused the request.", carrier_message=notification.Message)

    def rate(self, requested_shipment):
        response = self._call("getRateRequest", RequestedShipment=requested_shipment)
        provider = self._part(response, "Provider")[0]
        self._check(provider.Notification)
        if not provider.Service:
            raise CourierError("DHL Express offers no service for this shipment.")
        service = provider.Service[0]
        return {"amount": float(service.TotalNet.Amount), "currency": service.TotalNet.Currency}

    def create_shipment(self, requested_shipment):
        """Returns {"tracking_number", "labels": [(format, bytes)]}."""
        response = self._call("createShipmentRequest", RequestedShipment=requested_shipment)
        self._check(response.Notification)
        if not response.ShipmentIdentificationNumber:
            raise CourierError("DHL Express did not return a waybill number.")
        labels = []
        for label in response.LabelImage or []:
            image = label.GraphicImage
            if isinstance(image, str):
                image = base64.b64decode(image)
            labels.append((label.LabelImageFormat, image))
        return {"tracking_number": response.ShipmentIdentificationNumber, "labels": labels}

    def delete_shipment(self, waybill, pickup_date, country, requestor):
        response = self._call(
            "deleteShipmentRequest", PickupDate=pickup_date, PickupCountry=country,
            DispatchConfirmationNumber=waybill, RequestorName=requestor, Reason="001",
        )
        self._check(self._part(response, "Notification"))
        return True

    def track(self, waybills):
        """{waybill: [event codes, oldest first]} for the waybills DHL knows."""
        response = self._call(
            "trackShipmentRequest", service="tracking", AWBNumber={"ArrayOfAWBNumberItem": list(waybills)},
            LevelOfDetails="ALL_CHECK_POINTS", PiecesEnabled="S",
        )
        result = {}
        items = self._part(self._part(response, "AWBInfo"), "ArrayOfAWBInfoItem") or []
        for item in items:
            if item.Status.ActionStatus != "Success":
                continue
            events = (item.ShipmentInfo and item.ShipmentInfo.ShipmentEvent
                      and item.ShipmentInfo.ShipmentEvent.ArrayOfShipmentEventItem) or []
            result[item.AWBNumber] = [event.ServiceEvent.EventCode for event in events]
        return result
