{
    "name": "Tests of Click & Collect with its carrier connectors",
    "summary": "Web orders shipped with GHN and DHL Express against test servers on 127.0.0.1: "
               "shipping, callbacks, polling, faults, cash on delivery, delivery_state",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "license": "AGPL-3",
    "depends": [
        "click_collect_cod",
        "click_collect_delivery_state",
        "delivery_ghn",
        "delivery_dhl_express",
    ],
}
