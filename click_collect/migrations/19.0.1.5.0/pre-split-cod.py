"""Cash on delivery (awaiting COD, the courier's receivable, remittances) moved to its own addon,
click_collect_cod: a database where click_collect is installed installs it in this same update
(its orders awaiting their cash, its remittances and their payments stay as they are), and what
moved changes owner instead of being removed with its data."""

from odoo.addons.click_collect.tools.addon_split import move_to_addon

# records of click_collect that now belong to click_collect_cod (ir.model.data names): the
# fields, states and inheritance of its models go with them (prefixes below)
MOVED_PREFIXES = ("field_click_collect_cod_", "selection__click_collect_cod_", "model_click_collect_cod_",
                  "model_inherit__click_collect_cod_", "access_cod_", "action_cod_", "menu_cod",
                  "rule_cod_", "view_cod_")
MOVED = [
    "constraint_click_collect_cod_statement_name_carrier_uniq",
    "field_account_bank_statement_line__cc_cod_order_id",
    "field_account_move__cc_cod_order_id",
    "field_account_payment__cc_cod_statement_id",
    "field_delivery_carrier__cc_cod_csv_amount",
    "field_delivery_carrier__cc_cod_csv_delimiter",
    "field_delivery_carrier__cc_cod_csv_fee",
    "field_delivery_carrier__cc_cod_csv_order",
    "field_delivery_carrier__cc_cod_csv_tracking",
    "field_delivery_carrier__cc_cod_fee_account_id",
    "field_delivery_carrier__cc_cod_journal_id",
    "field_delivery_carrier__cc_fetches_remittances",
    "field_delivery_carrier__cc_partner_id",
    "field_sale_order__cc_cod_move_id",
    "ir_cron_fetch_cod_remittances",
    "ir_cron_fetch_cod_remittances_ir_actions_server",
    "selection__click_collect_event__from_state__awaiting_cod",
    "selection__click_collect_event__to_state__awaiting_cod",
    "selection__sale_order__cc_state__awaiting_cod",
]


def migrate(cr, version):
    # Installing click_collect_cod writes its scheduled job afresh: keep what an administrator
    # chose for it (switched off, another interval) until end-split-cod puts it back.
    cr.execute(
        """CREATE TABLE IF NOT EXISTS click_collect_split_cod_cron AS
           SELECT c.id, c.active, c.interval_number, c.interval_type, c.nextcall
             FROM ir_cron c
             JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
            WHERE d.module = 'click_collect' AND d.name = 'ir_cron_fetch_cod_remittances'"""
    )
    move_to_addon(cr, "click_collect_cod", MOVED, MOVED_PREFIXES)
