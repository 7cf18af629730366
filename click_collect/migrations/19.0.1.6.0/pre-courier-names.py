"""The courier connectors take the names carrier addons have (``delivery_type`` ``ghn`` and
``dhl_express``, their settings ``ghn_*`` and ``dhl_express_*``, the connection settings every
connector shares ``courier_*``): the carriers, their settings and the translations of their
labels are kept under the new names, before Odoo loads the fields (a removed name or value would
be dropped with its data, a carrier of a removed type reset to "Fixed Price")."""

from odoo.tools.sql import column_exists, rename_column

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


def _rename_xmlids(cr, old_prefix, new_prefix):
    cr.execute(
        """UPDATE ir_model_data SET name = %s || substr(name, %s)
            WHERE module = 'click_collect' AND name LIKE %s""",
        [new_prefix, len(old_prefix) + 1, old_prefix.replace("_", "\\_") + "%"],
    )


def migrate(cr, version):
    for old, new in FIELDS.items():
        if column_exists(cr, "delivery_carrier", old) and not column_exists(cr, "delivery_carrier", new):
            rename_column(cr, "delivery_carrier", old, new)
        cr.execute(
            "UPDATE ir_model_fields SET name = %s WHERE model = 'delivery.carrier' AND name = %s",
            [new, old],
        )
        # the field and the values of its selection
        cr.execute(
            "UPDATE ir_model_data SET name = %s WHERE module = 'click_collect' AND name = %s",
            [f"field_delivery_carrier__{new}", f"field_delivery_carrier__{old}"],
        )
        _rename_xmlids(cr, f"selection__delivery_carrier__{old}__", f"selection__delivery_carrier__{new}__")
    for old, new in DELIVERY_TYPES.items():
        cr.execute("UPDATE delivery_carrier SET delivery_type = %s WHERE delivery_type = %s", [new, old])
        cr.execute(
            """UPDATE ir_model_fields_selection s SET value = %s
                 FROM ir_model_fields f
                WHERE f.id = s.field_id AND f.model = 'delivery.carrier'
                  AND f.name = 'delivery_type' AND s.value = %s""",
            [new, old],
        )
        cr.execute(
            "UPDATE ir_model_data SET name = %s WHERE module = 'click_collect' AND name = %s",
            [f"selection__delivery_carrier__delivery_type__{new}",
             f"selection__delivery_carrier__delivery_type__{old}"],
        )
