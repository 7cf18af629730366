"""The demo's stand-ins for the services a shop's Odoo talks to, on 127.0.0.1, so that the demo
works offline: an SMS service (Odoo's SMS API), GHN and DHL Express (the project's test
couriers), a mail server. ``./run demo`` starts them beside Odoo; the demo data points Odoo at
the SMS service and the couriers, ``./run demo`` points it at the mail server.

    PYTHONPATH=<Odoo's source> python scripts/demo_services.py [--port 8169]

SMS service on PORT, GHN on PORT + 1, DHL Express on PORT + 2, mail server (SMTP) on PORT + 3.
Each SMS and email received is written to the standard output. Stops with the demo (Ctrl+C).
"""

import argparse
import contextlib
import errno
import sys
import time
from pathlib import Path

import odoo.addons

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]
# the project's addons, as Odoo's addons path has them: the connectors' test servers
odoo.addons.__path__.append(str(ROOT))

from sms_service import SmsService  # noqa: E402
from smtp_server import SmtpServer  # noqa: E402

from odoo.addons.delivery_dhl_express.tests.dhl_server import FakeDhl  # noqa: E402 (after the path above)
from odoo.addons.delivery_ghn.tests.ghn_server import FakeGhn  # noqa: E402

# the demo couriers' credentials (the demo data of delivery_ghn and delivery_dhl_express)
GHN = {"token": "your-ghn-test-token", "shop_id": "885"}
DHL = {"username": "your-dhl-user", "password": "your-dhl-password", "account": "950000000"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8169)
    port = parser.parse_args().port
    try:
        sms = SmsService(port=port)
        ghn = FakeGhn(port=port + 1, **GHN).start()
        dhl = FakeDhl(port=port + 2, **DHL).start()
        smtp = SmtpServer(port=port + 3)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"ports {port}-{port + 3} are taken: the demo's services are already running, or set "
                  "another program's port", flush=True)
            return 0
        raise
    print(f"SMS service {sms.url}, GHN {ghn.url}, DHL Express {dhl.url}, mail server 127.0.0.1:{smtp.port}",
          flush=True)
    texts = mails = 0
    while True:
        time.sleep(1)
        for message in sms.received[texts:]:
            print(f"SMS to {message['number']}: {message['content']}", flush=True)
        texts = len(sms.received)
        for _sender, recipients, data in smtp.messages[mails:]:
            subject = next((line[9:] for line in data.decode("utf-8", "replace").splitlines()
                            if line.lower().startswith("subject: ")), "")
            print(f"Email to {', '.join(recipients)}: {subject}", flush=True)
        mails = len(smtp.messages)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
