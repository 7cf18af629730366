"""Take the README's screenshots from a running demo server (./run demo), in headless Chromium.

Usage: python scripts/screenshots.py [URL] [OUTPUT_DIR]
Logs in through Odoo's JSON-RPC, hands the session cookie to Chromium over the DevTools
protocol and captures each page.
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import requests
import websocket

PAGES = [
    # (file, login, path, wait for CSS selector)
    ("web-orders-kanban.png", "cc_manager", "/odoo/click-collect-orders?view_type=kanban", ".o_kanban_record"),
    ("web-order-form.png", "cc_manager", None, ".o_form_view .o_statusbar_status"),
    ("scan-delivery.png", "cc_store", "/odoo/click-collect-delivery", ".o_cc_scan"),
    ("figures.png", "cc_manager", "/odoo/click-collect-figures?view_type=pivot", ".o_pivot table"),
]
# after loading a page: type this order's number in the scan field, then wait for its lines
SCAN_PAGES = {"scan-delivery.png"}


def login(url, user):
    session = requests.Session()
    response = session.post(f"{url}/web/session/authenticate", json={
        "jsonrpc": "2.0", "method": "call", "params": {"db": os.environ.get("CC_DEMO_DB", "cc_demo"),
                                                       "login": user, "password": user},
    }, timeout=30)
    response.raise_for_status()
    return session


def first_ready_order(session, url):
    """The first ready Click & Collect order the user sees: (id, number)."""
    response = session.post(f"{url}/web/dataset/call_kw/sale.order/search_read", json={
        "jsonrpc": "2.0", "method": "call", "params": {
            "model": "sale.order", "method": "search_read",
            "args": [[("cc_state", "=", "ready"), ("cc_fulfilment", "=", "pickup")], ["name"]],
            "kwargs": {"limit": 1}},
    }, timeout=30)
    order = response.json()["result"][0]
    return order["id"], order["name"]


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp()
        self.proc = subprocess.Popen([
            "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--remote-debugging-port=9333", f"--user-data-dir={self.profile}", "--window-size=1440,900",
            "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(50):
            try:
                targets = requests.get("http://127.0.0.1:9333/json", timeout=1).json()
                break
            except requests.RequestException:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.send("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(selector)})")
            if found.get("result", {}).get("value"):
                time.sleep(1.0)
                return
            time.sleep(0.3)
        raise TimeoutError(selector)

    def evaluate(self, expression):
        return self.send("Runtime.evaluate", expression=expression).get("result", {}).get("value")

    def click(self, selector):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def close(self):
        self.ws.close()
        self.proc.terminate()


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8069"
    out = sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"
    os.makedirs(out, exist_ok=True)
    browser = Browser()
    try:
        browser.send("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        for filename, user, path, selector in PAGES:
            session = login(url, user)
            order_id, order_name = first_ready_order(session, url)
            page_path = path or f"/odoo/click-collect-orders/{order_id}"
            browser.send("Network.clearBrowserCookies")
            browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"],
                         url=url, path="/")
            browser.send("Page.navigate", url=url + page_path)
            browser.wait_for(selector)
            if filename in SCAN_PAGES:
                browser.send("Runtime.evaluate", expression="document.querySelector('[name=code] input').focus()")
                browser.send("Input.insertText", text=order_name)
                for kind in ("keyDown", "keyUp"):
                    browser.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                                 windowsVirtualKeyCode=13)
                browser.wait_for("[name=order_line_ids] tbody tr.o_data_row")
            shot = browser.send("Page.captureScreenshot", format="png")
            with open(os.path.join(out, filename), "wb") as image:
                image.write(base64.b64decode(shot["data"]))
            print(os.path.join(out, filename))
        return_pages(browser, url, out)
        customer_pages(browser, url, out)
        store_change_pages(browser, url, out)
        pos_pages(browser, url, out)
        batch_pick_list_page(browser, url, out)
        acceptance_page(browser, url, out)
    finally:
        browser.close()


# ---- customer notifications
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
DESKTOP = {"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": False}


def rpc(session, url, model, method, *args, **kwargs):
    response = session.post(f"{url}/web/dataset/call_kw/{model}/{method}", json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
    }, timeout=30)
    return response.json()["result"]


def capture(browser, out, filename, full_page=False):
    params = {"format": "png"}
    if full_page:
        size = browser.send("Page.getLayoutMetrics")["cssContentSize"]
        params.update(captureBeyondViewport=True, clip={
            "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1,
        })
    shot = browser.send("Page.captureScreenshot", **params)
    with open(os.path.join(out, filename), "wb") as image:
        image.write(base64.b64decode(shot["data"]))
    print(os.path.join(out, filename))


def sent_link(order_id):
    """The link of the order's messages as the demo's mail and SMS stand-in received them, once
    Odoo's mail queue sent and removed them (./run demo writes what it receives to its log)."""
    log = os.path.join(os.environ.get("CC_HOME", os.path.join(os.path.dirname(__file__), "..", ".cc")),
                       "log", "demo-services.log")
    if not os.path.exists(log):
        return None
    with open(log, encoding="utf-8", errors="replace") as sent:
        links = re.findall(rf"/order/track/{order_id}\?token=[\w-]+", sent.read())
    return links[-1] if links else None


def message_link(session, url, order_id, step):
    """(the body of the order's message of ``step``, the link of its messages with their
    tracking token or None), read in the email as sent (Odoo's mail queue, which system
    administrators read; the chatter's copy masks it) or in the demo's stand-in log."""
    notification = rpc(session, url, "click_collect.notification", "search_read",
                       [("order_id", "=", order_id), ("step", "=", step)], ["message_ids"], limit=1)
    messages = notification and rpc(session, url, "mail.message", "search_read", [
        ("id", "in", notification[0]["message_ids"]), ("message_type", "=", "comment")], ["body"])
    if not messages:
        return "", sent_link(order_id)
    mails = rpc(session, url, "mail.mail", "search_read",
                [("mail_message_id", "=", messages[0]["id"])], ["body_html"])
    body = mails[0]["body_html"] if mails else messages[0]["body"]
    found = re.search(r"/order/track/\d+\?token=[\w-]+", body)
    return body, found.group(0) if found else sent_link(order_id)


def store_change_pages(browser, url, out):
    """An accepted Click & Collect order of the demo: its customer's page on a phone with the
    stores it may move to, and the back office's *Move to Another Store* screen with a store
    chosen and a reason (nothing is moved)."""
    admin = login(url, "admin")
    accepted = rpc(admin, url, "sale.order", "search_read",
                   [("cc_fulfilment", "=", "pickup"), ("cc_state", "=", "accepted")], ["id"], limit=1)
    if not accepted:
        return
    order_id = accepted[0]["id"]
    _body, link = message_link(admin, url, order_id, "accepted")
    if link:
        browser.send("Network.clearBrowserCookies")
        browser.send("Emulation.setDeviceMetricsOverride", **PHONE)
        browser.send("Page.navigate", url=url + link)
        browser.wait_for(".o_cc_change_store")
        browser.evaluate("(() => { const d = document.querySelector('.o_cc_change_store'); d.open = true;"
                         " window.scrollTo(0, d.getBoundingClientRect().top + window.scrollY - 140); })()")
        time.sleep(0.3)
        capture(browser, out, "tracking-store-change-phone.png")
    manager = login(url, "cc_manager")
    browser.send("Emulation.setDeviceMetricsOverride", **DESKTOP)
    browser.send("Network.clearBrowserCookies")
    browser.send("Network.setCookie", name="session_id", value=manager.cookies["session_id"], url=url, path="/")
    browser.send("Page.navigate", url=f"{url}/odoo/click-collect-orders/{order_id}")
    browser.wait_for(".o_form_statusbar button[name=action_cc_change_store]")
    browser.click(".o_form_statusbar button[name=action_cc_change_store]")
    browser.wait_for(".modal [name=store_id] input")
    browser.click(".modal [name=store_id] input")
    browser.wait_for(".modal .o-autocomplete--dropdown-item")
    browser.click(".modal .o-autocomplete--dropdown-item a")
    browser.wait_for(".modal [name=reason] input")
    browser.send("Runtime.evaluate", expression="document.querySelector('.modal [name=reason] input').focus()")
    browser.send("Input.insertText", text="Our last backpack is damaged")
    capture(browser, out, "store-change-backoffice.png")


def customer_pages(browser, url, out):
    """The tracking page of a ready order opened from its message link (desktop and phone, no
    login) and that order's "ready for pickup" email. The link (its tracking token, which shows
    the pickup code) is read in the email as sent (Odoo's mail queue, which system
    administrators read): the chatter's copy masks it."""
    session = login(url, "admin")
    order_id, _name = first_ready_order(session, url)
    body, link = message_link(session, url, order_id, "ready")
    if link:
        page = url + link
    else:  # the email left the queue: Odoo's link, the page without the code
        page = url + rpc(session, url, "sale.order", "get_portal_url", [order_id]).replace(
            "/my/orders/", "/order/track/")
    browser.send("Network.clearBrowserCookies")
    for filename, metrics in (("tracking-page.png", DESKTOP), ("tracking-page-phone.png", PHONE)):
        browser.send("Emulation.setDeviceMetricsOverride", **metrics)
        browser.send("Page.navigate", url=page)
        browser.wait_for(".o_cc_tracking img")
        capture(browser, out, filename, full_page=metrics["mobile"])
    if link:  # the customer (the link of their messages) says they are here, on a phone
        browser.send("Emulation.setDeviceMetricsOverride", **PHONE)
        browser.send("Page.navigate", url=page)
        browser.wait_for(".o_cc_arrival_form .o_cc_im_here")
        browser.send("Runtime.evaluate", expression="document.querySelector('.o_cc_arrival_form [name=note]').focus()")
        browser.send("Input.insertText", text="Blue van, bay 1")
        capture(browser, out, "tracking-arrival-phone.png")
        browser.click(".o_cc_arrival_form .o_cc_im_here")
        browser.wait_for(".o_cc_arrived")
        capture(browser, out, "tracking-arrived-phone.png")
    # the email was rendered with the server's public address of that time: show it from here
    body = re.sub(r'https?://[^/"]+(/order/track/)', url + r"\1", body)
    browser.send("Emulation.setDeviceMetricsOverride", width=760, height=900, deviceScaleFactor=1, mobile=False)
    # a page of the server first: the email's images then load from the same origin
    browser.send("Page.navigate", url=f"{url}/order/track")
    browser.wait_for(".o_cc_track_form")
    frame = browser.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
    browser.send("Page.setDocumentContent", frameId=frame, html=body)
    browser.wait_for("img[src*='barcode.png']")
    for _attempt in range(50):
        loaded = browser.send("Runtime.evaluate", expression=(
            "[...document.images].every(image => image.complete && image.naturalWidth > 0)"))
        if loaded.get("result", {}).get("value"):
            break
        time.sleep(0.2)
    capture(browser, out, "ready-email.png", full_page=True)


# ---- returns
def return_pages(browser, url, out):
    """The return screen of a store clerk who found a collected order by its number, the
    demo's return (received at Ghent, its refund owed) as the back office sees it, the screen
    where the back office marks it refunded, and a return refunded in store credit."""
    browser.send("Emulation.setDeviceMetricsOverride", **DESKTOP)
    manager = login(url, "cc_manager")
    ret = rpc(manager, url, "click_collect.return", "search_read", [("state", "=", "received")], ["id", "order_id"],
              limit=1)[0]
    clerk = login(url, "cc_store")
    for session, path, selector, filename in (
        (clerk, "/odoo/click-collect-return", ".o_cc_return_receive", "return-receive.png"),
        (manager, f"/odoo/click-collect-returns/{ret['id']}", ".o_form_view .o_statusbar_status", "return-form.png"),
    ):
        browser.send("Network.clearBrowserCookies")
        browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"], url=url, path="/")
        browser.send("Page.navigate", url=url + path)
        browser.wait_for(selector)
        if filename == "return-receive.png":
            browser.send("Runtime.evaluate", expression="document.querySelector('[name=code] input').focus()")
            browser.send("Input.insertText", text=ret["order_id"][1])
            browser.evaluate("document.querySelector('button[name=action_find]').click()")
            browser.wait_for("[name=line_ids] tbody tr.o_data_row")
        capture(browser, out, filename)
    browser.evaluate("document.querySelector('button[name=action_cc_open_refund]').click()")
    browser.wait_for(".modal .o_form_view [name=journal_id]")
    browser.send("Runtime.evaluate", expression="document.querySelector('.modal [name=reference] input').focus()")
    browser.send("Input.insertText", text="TRF-2026-0412")
    capture(browser, out, "return-refund.png")
    # with click_collect_loyalty: the demo outlet's return, refunded as a gift card
    credited = rpc(manager, url, "click_collect.return", "search_read", [("refund_mode", "=", "store_credit")], ["id"],
                   limit=1)
    if credited:
        browser.send("Page.navigate", url=f"{url}/odoo/click-collect-returns/{credited[0]['id']}")
        browser.wait_for(".o_form_view [name=loyalty_card_id] a, .o_form_view [name=loyalty_card_id] span")
        capture(browser, out, "return-store-credit.png")


# ---- point of sale
def pos_pages(browser, url, out):
    """The Brussels store's point of sale (its store manager at the till): the navbar's badge of
    waiting web orders, the web-orders screen with a ready order opened, then the return of a
    collected order's goods."""
    session = login(url, "cc_store_mgr")
    config = rpc(session, url, "pos.config", "search_read", [("name", "=", "Brussels Store POS")], ["id"], limit=1)
    browser.send("Emulation.setDeviceMetricsOverride", **DESKTOP)
    browser.send("Network.clearBrowserCookies")
    browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"], url=url, path="/")
    browser.send("Page.navigate", url=f"{url}/pos/ui/{config[0]['id']}")
    # the register opens from the login screen; a closed one asks for its opening cash count
    browser.wait_for(".screen-login .open-register-btn, .product-screen", timeout=120)
    if browser.evaluate("!!document.querySelector('.screen-login .open-register-btn')"):
        browser.click(".screen-login .open-register-btn")
        time.sleep(2)
        if browser.evaluate("!!document.querySelector('.modal .modal-footer .btn-primary')"):
            browser.click(".modal .modal-footer .btn-primary")
    browser.wait_for(".product-screen", timeout=60)
    browser.wait_for(".o_cc_web_orders_badge")
    capture(browser, out, "pos-badge.png")
    browser.click(".o_cc_web_orders_button")
    browser.wait_for(".o_cc_web_order_row")
    browser.click(".o_cc_tabs button[data-tab='ready']")
    browser.wait_for(".o_cc_tabs button[data-tab='ready'].btn-primary")
    browser.wait_for(".o_cc_web_order_row")
    # the order whose customer is here, when there is one
    browser.evaluate("(document.querySelector('.o_cc_web_order_row:has(.o_cc_arrival_badge)')"
                     " || document.querySelector('.o_cc_web_order_row')).click()")
    browser.wait_for(".o_cc_web_order_detail .o_cc_timeline li")
    capture(browser, out, "pos-web-orders.png")
    # a customer brings a collected order's goods back, paid back from the till
    manager = login(url, "cc_manager")
    returnable = rpc(manager, url, "sale.order", "search_read", [
        ("cc_state", "in", ["collected", "delivered"]), ("cc_return_state", "!=", "returned"),
    ], ["name"], limit=1)
    browser.click(".o_cc_return_button")
    browser.wait_for(".modal textarea")
    browser.send("Runtime.evaluate", expression="document.querySelector('.modal textarea').focus()")
    browser.send("Input.insertText", text=returnable[0]["name"])
    browser.click(".modal .modal-footer .btn-primary")
    browser.wait_for(".o_cc_return_dialog .o_cc_return_line")
    browser.send("Runtime.evaluate", expression="document.querySelector('.o_cc_return_qty').select()")
    browser.send("Input.insertText", text="1")
    capture(browser, out, "pos-return.png")


# ---- batch pick list
def batch_pick_list_page(browser, url, out):
    """The pick list of the orders a store clerk has to prepare (as the list's Print menu gives
    it, in its HTML form)."""
    session = login(url, "cc_manager")
    orders = rpc(session, url, "sale.order", "search_read",
                 [("cc_state", "in", ("new", "accepted", "preparing")), ("cc_fulfilment", "=", "pickup")],
                 ["cc_store_id"], order="id")
    # the orders of the store with the most of them
    by_store = {}
    for order in orders:
        by_store.setdefault(order["cc_store_id"][0], []).append(order["id"])
    ids = ",".join(str(order_id) for order_id in max(by_store.values(), key=len)[:4])
    browser.send("Emulation.setDeviceMetricsOverride", **DESKTOP)
    browser.send("Network.clearBrowserCookies")
    browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"], url=url, path="/")
    browser.send("Page.navigate", url=f"{url}/report/html/click_collect.report_cc_batch_pick_list/{ids}")
    browser.wait_for(".o_cc_batch_pick_list tbody tr")
    capture(browser, out, "batch-pick-list.png")


# ---- acceptance (last: it receives an order of the demo)
def acceptance_page(browser, url, out):
    """A store clerk receives a prepared parcel on the acceptance screen, on shelf C1."""
    session = login(url, "cc_store")
    prepared = rpc(session, url, "sale.order", "search_read",
                   [("cc_state", "=", "preparing"), ("cc_fulfilment", "=", "pickup")], ["name"], limit=1)
    browser.send("Emulation.setDeviceMetricsOverride", **DESKTOP)
    browser.send("Network.clearBrowserCookies")
    browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"], url=url, path="/")
    browser.send("Page.navigate", url=f"{url}/odoo/click-collect-acceptance")
    browser.wait_for(".o_cc_scan [name=shelf] input")
    browser.send("Runtime.evaluate", expression="document.querySelector('[name=shelf] input').focus()")
    browser.send("Input.insertText", text="C1")
    browser.send("Runtime.evaluate", expression="document.querySelector('[name=code] input').focus()")
    browser.send("Input.insertText", text=prepared[0]["name"])
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)
    browser.wait_for(".o_cc_received .o_data_row")
    capture(browser, out, "scan-acceptance.png")


if __name__ == "__main__":
    main()
