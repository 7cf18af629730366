"""The courier connectors left click_collect for carrier addons of their own: delivery_ghn and
delivery_dhl_express, on delivery_courier_base (the settings every connector shares) and OCA's
delivery_state. Their names follow (``delivery_type`` ``ghn`` and ``dhl_express``, settings
``ghn_*``, ``dhl_express_*`` and ``courier_*``): the carriers, their settings and the
translations of their labels are kept under the new names, before Odoo loads the fields (a
removed name or value would be dropped with its data, a carrier of a removed type reset to
"Fixed Price"). A database with carriers of a connector installs its addon in this same update
(with what it needs), and the records that moved change owner."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column

from odoo.addons.click_collect.tools.addon_split import move_to_addon

DELIVERY_TYPES = {"cc_ghn": "ghn", "cc_dhl": "dhl_express"}
FIELDS = {
    "cc_ghn_token": "ghn_token",
    "cc_ghn_shop_id": "ghn_shop_id",
    "cc_ghn_service_type_id": "ghn_service_type_id",
    "cc_ghn_required_note": "ghn_required_note",
    "cc_dhl_username": "dhl_express_username",
    "cc_dhl_password": "dhl_express_password",
    "cc_dhl_account": "dhl_express_account",
    "cc_dhl_service_type": "dhl_express_service_type",
    "cc_dhl_label_format": "dhl_express_label_format",
    "cc_endpoint_url": "courier_endpoint_url",
    "cc_timeout": "courier_timeout",
    "cc_retries": "courier_retries",
}


# connector addon -> (its delivery type, the records of click_collect it takes: names, prefixes)
CONNECTORS = {
    "delivery_ghn": ("ghn", ["selection__delivery_carrier__delivery_type__ghn", "carrier_ghn_demo"],
                     ["field_delivery_carrier__ghn_", "selection__delivery_carrier__ghn_"]),
    "delivery_dhl_express": ("dhl_express", ["selection__delivery_carrier__delivery_type__dhl_express",
                                             "carrier_dhl_demo"],
                             ["field_delivery_carrier__dhl_express_", "selection__delivery_carrier__dhl_express_"]),
}
COMMON = ["field_delivery_carrier__courier_endpoint_url", "field_delivery_carrier__courier_timeout",
          "field_delivery_carrier__courier_retries"]


def _state(cr, module):
    cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
    row = cr.fetchone()
    return row and row[0]


def _rename_xmlids(cr, old_prefix, new_prefix):
    cr.execute(
        """UPDATE ir_model_data SET name = %s || substr(name, %s)
            WHERE module = 'click_collect' AND name LIKE %s""",
        [new_prefix, len(old_prefix) + 1, old_prefix.replace("_", "\\_") + "%"],
    )


def migrate(cr, version):
    # Where a connector addon was installed already (its fields and provider exist under the new
    # names), the carriers' values are copied into them and the old ones left for Odoo to drop.
    for old, new in FIELDS.items():
        if column_exists(cr, "delivery_carrier", old):
            if not column_exists(cr, "delivery_carrier", new):
                rename_column(cr, "delivery_carrier", old, new)
            else:
                cr.execute(SQL("UPDATE delivery_carrier SET %s = COALESCE(%s, %s)",
                               SQL.identifier(new), SQL.identifier(new), SQL.identifier(old)))
        cr.execute(
            """UPDATE ir_model_fields SET name = %(new)s
                WHERE model = 'delivery.carrier' AND name = %(old)s
                  AND NOT EXISTS (SELECT 1 FROM ir_model_fields WHERE model = 'delivery.carrier' AND name = %(new)s)""",
            {"old": old, "new": new},
        )
        if cr.rowcount:
            # the field and the values of its selection
            cr.execute(
                "UPDATE ir_model_data SET name = %s WHERE module = 'click_collect' AND name = %s",
                [f"field_delivery_carrier__{new}", f"field_delivery_carrier__{old}"],
            )
            _rename_xmlids(cr, f"selection__delivery_carrier__{old}__", f"selection__delivery_carrier__{new}__")
    for old, new in DELIVERY_TYPES.items():
        cr.execute("UPDATE delivery_carrier SET delivery_type = %s WHERE delivery_type = %s", [new, old])
        cr.execute(
            """UPDATE ir_model_fields_selection s SET value = %(new)s
                 FROM ir_model_fields f
                WHERE f.id = s.field_id AND f.model = 'delivery.carrier'
                  AND f.name = 'delivery_type' AND s.value = %(old)s
                  AND NOT EXISTS (SELECT 1 FROM ir_model_fields_selection o
                                   WHERE o.field_id = s.field_id AND o.value = %(new)s)""",
            {"old": old, "new": new},
        )
        if cr.rowcount:
            cr.execute(
                "UPDATE ir_model_data SET name = %s WHERE module = 'click_collect' AND name = %s",
                [f"selection__delivery_carrier__delivery_type__{new}",
                 f"selection__delivery_carrier__delivery_type__{old}"],
            )
    _move_to_carrier_addons(cr)


def _move_to_carrier_addons(cr):
    """Install the connector of every delivery type carriers have (archived ones too), with the
    common parts and delivery_state, and give them their records."""
    installed = False
    for addon, (delivery_type, names, prefixes) in CONNECTORS.items():
        cr.execute("SELECT 1 FROM delivery_carrier WHERE delivery_type = %s LIMIT 1", [delivery_type])
        if cr.fetchone():
            # installing it loads its demo data again on the demo's carriers: what they hold
            # now (an administrator's test credentials) is put back at the end (end-carrier-addons)
            cr.execute(
                """CREATE TABLE IF NOT EXISTS click_collect_split_carriers (id integer, row jsonb);
                   INSERT INTO click_collect_split_carriers
                   SELECT c.id, to_jsonb(c) FROM delivery_carrier c
                     JOIN ir_model_data d ON d.model = 'delivery.carrier' AND d.res_id = c.id
                    WHERE d.module = 'click_collect' AND d.name = ANY(%s)""",
                [names],
            )
            move_to_addon(cr, addon, names, prefixes)
            installed = True
    # click_collect_cod asks the connectors for the cash they paid out: it needs the common parts
    # (also when an earlier step of this update marked it to install)
    if installed or _state(cr, "click_collect_cod") in ("installed", "to upgrade", "to install"):
        move_to_addon(cr, "delivery_courier_base", COMMON)
        # what the common parts need, and the bridge that delivery_state installs with the flow
        for addon in ("delivery_state", "click_collect_delivery_state"):
            move_to_addon(cr, addon, [])
