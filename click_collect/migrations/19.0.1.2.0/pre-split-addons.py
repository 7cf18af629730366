"""The point of sale's and the e-shop's parts of click_collect moved to their own addons
(click_collect_pos, click_collect_website_sale): a database that has Odoo's point of sale or
e-shop installs them in this same update, and what moved (fields, demo points of sale) changes
owner instead of being removed with its data."""

# addon -> the module whose presence installs it (its other dependency is click_collect)
LINKS = {"click_collect_pos": "pos_sale", "click_collect_website_sale": "website_sale_collect"}
# records of click_collect that now belong to click_collect_pos (ir.model.data names)
MOVED_TO_POS = [
    "field_click_collect_event__pos_config_id",
    "field_payment_transaction__cc_pos_order_id",
    "field_pos_config__cc_store_id",
    "pos_config_brussels",
    "pos_config_ghent",
]


def migrate(cr, version):
    for addon, host in LINKS.items():
        cr.execute(
            """UPDATE ir_module_module SET state = 'to install'
                WHERE name = %s AND state = 'uninstalled'
                  AND EXISTS (SELECT 1 FROM ir_module_module WHERE name = %s AND state = 'installed')
            RETURNING id""",
            [addon, host],
        )
        if addon == "click_collect_pos" and cr.fetchone():
            cr.execute(
                """UPDATE ir_model_data SET module = 'click_collect_pos'
                    WHERE module = 'click_collect' AND name = ANY(%s)""",
                [MOVED_TO_POS],
            )
