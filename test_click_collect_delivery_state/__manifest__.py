{
    "name": "Tests of click_collect_delivery_state: a carrier connector that only writes delivery_state",
    "summary": "A carrier whose tracking comes from a JSON feed over HTTP and is written to OCA's "
               "delivery_state, as any OCA carrier connector does; it knows nothing of Click & Collect",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/click-collect/click_collect",
    "author": "click_collect contributors",
    "license": "AGPL-3",
    "depends": ["delivery_state"],
}
