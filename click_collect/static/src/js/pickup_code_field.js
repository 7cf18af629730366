import { useEffect } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { CharField, charField } from "@web/views/fields/char/char_field";

/** The customer's pickup code: digits, typed on a phone or tablet with its number pad. */
export class PickupCodeField extends CharField {
    setup() {
        super.setup();
        useEffect(
            (input) => {
                if (input) {
                    input.setAttribute("inputmode", "numeric");
                    input.setAttribute("pattern", "[0-9]*");
                    input.setAttribute("autocomplete", "off");
                }
            },
            () => [this.input.el]
        );
    }
}

registry.category("fields").add("cc_pickup_code", {
    ...charField,
    component: PickupCodeField,
    displayName: _t("Pickup Code"),
});
