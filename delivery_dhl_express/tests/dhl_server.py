"""A DHL Express SOAP server on 127.0.0.1 answering the operations of the addon's WSDL, each on
the service DHL publishes it on (the rate book or tracking), and only when the request carries
what DHL requires of that operation."""

import base64
import itertools

from lxml import etree

from odoo.addons.delivery_courier_base.tests.fake_server import PDF_LABEL, FaultyServer

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
TNS = "http://scxgxtt.phx-dc.dhl.com/euExpressRateBook/RateMsgRequest"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
ZPL_LABEL = b"^XA^FO50,50^A0N,40,40^FDDHL Express^FS^FO50,120^BCN,100,Y,N,N^FD{awb}^FS^XZ"

_PARTY = ("Contact/PersonName", "Contact/PhoneNumber", "Address/StreetLines", "Address/City",
          "Address/CountryCode")
_PACKAGE = ("Packages/RequestedPackages/Weight", "Packages/RequestedPackages/Dimensions/Length",
            "Packages/RequestedPackages/Dimensions/Width", "Packages/RequestedPackages/Dimensions/Height")
# operation (the body's element) -> (the service's path, the elements the request must hold)
OPERATIONS = {
    "RateRequest": ("/expressRateBook", (
        "RequestedShipment/DropOffType", "RequestedShipment/ShipTimestamp",
        "RequestedShipment/UnitOfMeasurement", "RequestedShipment/Content", "RequestedShipment/PaymentInfo",
        "RequestedShipment/Account",
        *(f"RequestedShipment/Ship/{role}/{path}" for role in ("Shipper", "Recipient")
          for path in ("Address/City", "Address/CountryCode")),
        *(f"RequestedShipment/{path}" for path in _PACKAGE),
    )),
    "ShipmentRequest": ("/expressRateBook", (
        "RequestedShipment/ShipmentInfo/DropOffType", "RequestedShipment/ShipmentInfo/ServiceType",
        "RequestedShipment/ShipmentInfo/Account", "RequestedShipment/ShipmentInfo/Currency",
        "RequestedShipment/ShipmentInfo/UnitOfMeasurement", "RequestedShipment/ShipTimestamp",
        "RequestedShipment/PaymentInfo",
        *(f"RequestedShipment/Ship/{role}/{path}" for role in ("Shipper", "Recipient") for path in _PARTY),
        *(f"RequestedShipment/{path}" for path in _PACKAGE),
    )),
    "DeleteRequest": ("/expressRateBook", (
        "PickupDate", "PickupCountry", "DispatchConfirmationNumber", "RequestorName",
    )),
    "TrackingRequest": ("/glDHLExpressTrack", (
        "AWBNumber/ArrayOfAWBNumberItem", "LevelOfDetails",
    )),
}


class FakeDhl(FaultyServer):
    def __init__(self, username="dhl-user", password="dhl-pass", account="950000000", port=0):
        super().__init__(port)
        self.username, self.password, self.account = username, password, account
        self.shipments = {}  # waybill -> {"events": [codes], "request": element}
        self._waybills = (f"{n:010d}" for n in itertools.count(4700000001))

    def add_event(self, waybill, code):
        self.shipments[waybill]["events"].append(code)

    def _envelope(self, body_element):
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soapenv": SOAP, "tns": TNS})
        etree.SubElement(envelope, f"{{{SOAP}}}Body").append(body_element)
        return 200, etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"), "text/xml; charset=utf-8"

    def _fault(self, message, code="soapenv:Client"):
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soapenv": SOAP})
        fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{SOAP}}}Fault")
        etree.SubElement(fault, "faultcode").text = code
        etree.SubElement(fault, "faultstring").text = message
        return 500, etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"), "text/xml; charset=utf-8"

    @staticmethod
    def _sub(parent, name, text=None, **attrs):
        element = etree.SubElement(parent, name, **attrs)
        if text is not None:
            element.text = str(text)
        return element

    def _notification(self, parent, code=0, message="Successfully processed"):
        self._sub(self._sub(parent, "Notification", code=str(code)), "Message", message)

    def handle(self, method, path, headers, body):
        try:
            envelope = etree.fromstring(body)
        except etree.XMLSyntaxError:
            return self._fault("Malformed SOAP message")
        user = envelope.findtext(f".//{{{WSSE}}}Username")
        password = envelope.findtext(f".//{{{WSSE}}}Password")
        if user != self.username or password != self.password:
            return self._fault("Authentication failed: invalid user name or password", "soapenv:Server")
        request = envelope.find(f"{{{SOAP}}}Body")[0]
        name = etree.QName(request).localname
        if name not in OPERATIONS:
            return self._fault(f"Unknown operation {name}")
        service, required = OPERATIONS[name]
        if path.split("?")[0].rstrip("/") != service:
            return self._fault(f"{name} is not an operation of the service at {path}")
        missing = [element for element in required if not (request.findtext(element) or "").strip()]
        if missing:
            return self._fault(f"{name}: missing {', '.join(missing)}")
        return getattr(self, f"_on_{name}")(request)

    def _on_RateRequest(self, request):
        response = etree.Element(f"{{{TNS}}}RateResponse")
        provider = self._sub(response, "Provider", code="DHL")
        self._notification(provider)
        weights = [float(w.text) for w in request.iter("Weight")]
        service = self._sub(provider, "Service", type="N")
        total = self._sub(service, "TotalNet")
        self._sub(total, "Currency", "EUR")
        self._sub(total, "Amount", f"{12.5 + 1.5 * sum(weights):.2f}")
        self._sub(service, "DeliveryTime", "2026-11-25T18:00:00")
        return self._envelope(response)

    def _on_ShipmentRequest(self, request):
        response = etree.Element(f"{{{TNS}}}ShipmentResponse")
        account = request.findtext(".//ShipmentInfo/Account")
        if account != self.account:
            self._notification(response, 998, f"Account {account} is not valid for this user")
            return self._envelope(response)
        refused = self._billing_refused(request.find(".//ShipmentInfo/Billing"))
        if refused:
            self._notification(response, 998, refused)
            return self._envelope(response)
        waybill = next(self._waybills)
        label_type = request.findtext(".//ShipmentInfo/LabelType") or "PDF"
        self.shipments[waybill] = {"events": ["SD"], "request": request}
        self._notification(response)
        packages = self._sub(response, "PackagesResult")
        for number, _package in enumerate(request.iter("RequestedPackages"), start=1):
            self._sub(self._sub(packages, "PackageResult", number=str(number)), "TrackingNumber",
                      f"JD0{waybill}{number:03d}")
        image = ZPL_LABEL.replace(b"{awb}", waybill.encode()) if label_type == "ZPL" else PDF_LABEL
        label = self._sub(response, "LabelImage")
        self._sub(label, "LabelImageFormat", "ZPL2" if label_type == "ZPL" else "PDF")
        self._sub(label, "GraphicImage", base64.b64encode(image).decode())
        self._sub(response, "ShipmentIdentificationNumber", waybill)
        return self._envelope(response)

    def _billing_refused(self, billing):
        """Why DHL refuses who pays a shipment (MyDHL's ``Billing``: the shipper, the receiver
        or a third party, on an account of the user's), or None."""
        if billing is None:
            return None
        payer = billing.findtext("ShippingPaymentType")
        if payer not in ("S", "R", "T"):
            return f"ShippingPaymentType {payer} is not valid"
        accounts = [billing.findtext("ShipperAccountNumber")]
        if payer != "S":
            accounts.append(billing.findtext("BillingAccountNumber"))
        wrong = [account for account in accounts if account != self.account]
        return f"Account {wrong[0]} is not valid for this user" if wrong else None

    def _on_DeleteRequest(self, request):
        response = etree.Element(f"{{{TNS}}}DeleteResponse")
        waybill = request.findtext("DispatchConfirmationNumber")
        shipment = self.shipments.get(waybill)
        if not shipment or shipment["events"][-1] != "SD":
            self._notification(response, 410, f"Shipment {waybill} cannot be deleted")
        else:
            shipment["events"].append("CA")
            self._notification(response)
        return self._envelope(response)

    def _on_TrackingRequest(self, request):
        response = etree.Element(f"{{{TNS}}}TrackingResponse")
        info = self._sub(response, "AWBInfo")
        for waybill in (e.text for e in request.iter("ArrayOfAWBNumberItem")):
            item = self._sub(info, "ArrayOfAWBInfoItem")
            self._sub(item, "AWBNumber", waybill)
            shipment = self.shipments.get(waybill)
            self._sub(self._sub(item, "Status"), "ActionStatus", "Success" if shipment else "No Shipments Found")
            if shipment:
                events = self._sub(self._sub(item, "ShipmentInfo"), "ShipmentEvent")
                for code in shipment["events"]:
                    event = self._sub(events, "ArrayOfShipmentEventItem")
                    self._sub(event, "Date", "2026-11-24")
                    self._sub(event, "Time", "10:00:00")
                    self._sub(self._sub(event, "ServiceEvent"), "EventCode", code)
        return self._envelope(response)
