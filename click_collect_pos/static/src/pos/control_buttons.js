import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";

patch(ControlButtons.prototype, {
    /** pos_sale's list of orders to settle shows no other store's web orders. */
    onClickQuotation() {
        const store = this.pos.ccWebOrders?.store;
        if (!store) {
            return super.onClickQuotation(...arguments);
        }
        const dialog = this.dialog;
        this.dialog = {
            ...dialog,
            add: (component, props, options) =>
                dialog.add(
                    component,
                    {
                        ...props,
                        domain: [
                            ...(props.domain || []),
                            "|",
                            ["cc_store_id", "=", false],
                            ["cc_store_id", "=", store.id],
                        ],
                    },
                    options
                ),
        };
        try {
            return super.onClickQuotation(...arguments);
        } finally {
            this.dialog = dialog;
        }
    },
});
