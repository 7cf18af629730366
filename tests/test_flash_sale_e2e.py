"""A flash sale on the running server (two HTTP workers and a cron worker).

For ``CC_FLASH_SECONDS`` seconds (60 by default), 20 web-shop clients order the same product for
pickup at the same store. Every order is created at the first try (201, no request of the
server started again after a concurrent update), and once the scheduled job has reserved them,
the store's units went to as many orders and every other order is supplied from the central
warehouse, in full.
"""

import logging
import os
import re
import threading
import uuid

import requests

from conftest import CC_HOME, WebShopApi, run_for, wait_until

_logger = logging.getLogger(__name__)
CLIENTS = 20
SECONDS = int(os.environ.get("CC_FLASH_SECONDS", "60"))
AT_STORE = 40  # units on the Brussels store's shelf; the central warehouse has plenty
SERVER_LOG = os.path.join(CC_HOME, "log", "e2e-server.log")
# Odoo's log line when a request starts again after a concurrent update (odoo.service.model)
RETRIED = re.compile(r"tries left, try again|maximum number of tries reached")


def _prepare(admin, ean):
    product = admin.call("product.product", "create", {
        "name": f"Flash sale sneaker {ean}", "type": "consu", "is_storable": True,
        "list_price": 59, "barcode": ean, "weight": 0.8,
    })
    stores = {
        store["code"]: store
        for store in admin.call("stock.warehouse", "search_read", [("code", "in", ["BRU", "CEN"])],
                                ["code", "lot_stock_id", "resupply_wh_ids"])
    }
    assert stores["CEN"]["id"] in stores["BRU"]["resupply_wh_ids"], "the demo's Brussels store is resupplied from CEN"
    for code, quantity in (("BRU", AT_STORE), ("CEN", 100000)):
        quant = admin.call("stock.quant", "create", {
            "product_id": product, "location_id": stores[code]["lot_stock_id"][0], "inventory_quantity": quantity,
        }, context={"inventory_mode": True})
        admin.call("stock.quant", "action_apply_inventory", [quant], context={"inventory_mode": True})
    return product


def _client(web_shop, ean, number, sale):
    """A web shop's client: an order of one unit, again until the sale is over."""
    api = WebShopApi(web_shop["url"], web_shop["key"])
    n = 0
    while not sale["stop"].is_set():
        n += 1
        ref = f"FLASH-{number:02d}-{n:04d}-{uuid.uuid4().hex[:6]}"
        body = {
            "external_ref": ref, "fulfilment": "pickup", "store": "BRU",
            "customer": {"name": f"Flash Customer {number}", "email": f"flash.{number}@example.com",
                         "phone": "+32 470 00 00 24", "country_code": "BE"},
            "payment": {"method": "pay_at_store"},
            "lines": [{"ean": ean, "qty": 1}],
        }
        try:
            answer = api.request("POST", "/orders", body, headers={"Idempotency-Key": ref})
            status, order_no = answer.status_code, answer.json().get("order_no")
        except requests.RequestException as error:
            status, order_no = repr(error), None
        with sale["lock"]:
            sale["answers"].append((ref, status, order_no))


def test_twenty_web_shops_order_the_same_product_at_one_store_for_a_minute(web_shop, client):
    admin = client("admin", "admin")
    ean = f"55{uuid.uuid4().int % 10**11:011d}"
    _prepare(admin, ean)
    log_start = os.path.getsize(SERVER_LOG)
    sale = {"stop": threading.Event(), "lock": threading.Lock(), "answers": []}
    answers = sale["answers"]
    run_for([threading.Thread(target=_client, args=(web_shop, ean, n, sale)) for n in range(CLIENTS)], SECONDS,
            sale["stop"])

    created = {ref: order_no for ref, status, order_no in answers if status == 201}
    refused = [(ref, status) for ref, status, _order_no in answers if status != 201]
    _logger.info("flash sale: %s orders created in %s s by %s clients", len(created), SECONDS, CLIENTS)
    assert not refused, refused[:5]
    assert len(created) > AT_STORE, "more orders than the store has goods: some are supplied from CEN"
    with open(SERVER_LOG) as log:
        log.seek(log_start)
        retried = [line for line in log if RETRIED.search(line)]
    assert not retried, ("requests started again after a concurrent update", retried[:5])

    # the scheduled job reserves them all, oldest first
    orders = admin.call("sale.order", "search_read", [("cc_external_ref", "in", list(created))],
                        ["name", "cc_reservation_pending"], order="id")
    assert sorted(o["name"] for o in orders) == sorted(created.values()), "one order per 201"
    ids = [o["id"] for o in orders]
    assert wait_until(lambda: not admin.call("sale.order", "search_count", [
        ("id", "in", ids), ("cc_reservation_pending", "=", True)]), timeout=180), "the job reserved them"

    # each order: its delivery at the store (reserved there, or waiting for the goods) and,
    # when supplied, the central warehouse's transfer to the transit location
    transit = admin.call("stock.location", "search", [("usage", "=", "transit")], context={"active_test": False})
    bru_stock = admin.call("stock.warehouse", "search_read", [("code", "=", "BRU")], ["lot_stock_id"])[0]
    order_of_line = {
        line["id"]: line["order_id"][0]
        for line in admin.call("sale.order.line", "search_read", [("order_id", "in", ids)], ["order_id"])
    }
    deliveries, supplies = {}, {}
    for move in admin.call("stock.move", "search_read", [("sale_line_id", "in", list(order_of_line))],
                           ["location_id", "location_dest_id", "state", "quantity", "product_uom_qty",
                            "sale_line_id"]):
        order_id = order_of_line[move["sale_line_id"][0]]
        if move["location_dest_id"][0] in transit:
            supplies.setdefault(order_id, []).append(move)
        elif move["location_id"][0] == bru_stock["lot_stock_id"][0]:
            deliveries.setdefault(order_id, []).append(move)
    assert sorted(deliveries) == ids and all(len(moves) == 1 for moves in deliveries.values()), \
        "one delivery from the store per order"
    # (the job runs during the sale: orders committed in another order than their numbers may
    # be reserved in that order; oldest first within a run: click_collect/tests/test_reservation.py)
    reserved = [i for i in ids if deliveries[i][0]["state"] == "assigned" and deliveries[i][0]["quantity"] == 1]
    assert len(reserved) == AT_STORE, "the store's goods went to as many orders as it had units"
    others = sorted(set(ids) - set(reserved))
    assert sorted(supplies) == others, "every other order is supplied from the central warehouse"
    for order_id in others:
        assert deliveries[order_id][0]["quantity"] == 0, deliveries[order_id]
        assert [(m["product_uom_qty"], m["state"]) for m in supplies[order_id]] == [(1, "assigned")], \
            supplies[order_id]
