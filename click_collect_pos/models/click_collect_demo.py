from odoo import api, fields, models


class ClickCollectDemo(models.AbstractModel):
    _inherit = "click_collect.demo"

    @api.model
    def _populate_pos(self):
        """A point of sale in each shop (Brussels, Ghent), with its own cash drawer and the
        company's card method; the shops' staff are its cashiers."""
        ref = self.env.ref
        PosConfig = self.env["pos.config"]
        for key, user_xmlid in (("brussels", "user_store_manager"), ("ghent", "user_store")):
            store = ref(f"click_collect.store_{key}")
            journal, payment_methods = PosConfig._create_journal_and_payment_methods(
                cash_journal_vals={"name": f"Cash {store.name}", "show_on_dashboard": False},
            )
            config = PosConfig.create({
                "name": f"{store.name} POS",
                "picking_type_id": store.pos_type_id.id,
                "journal_id": journal.id,
                "payment_method_ids": [fields.Command.set(payment_methods)],
            })
            self.env["ir.model.data"]._update_xmlids([{
                "xml_id": f"click_collect_pos.pos_config_{key}", "record": config, "noupdate": True,
            }])
            ref(f"click_collect.{user_xmlid}").group_ids = [fields.Command.link(ref("point_of_sale.group_pos_user").id)]
