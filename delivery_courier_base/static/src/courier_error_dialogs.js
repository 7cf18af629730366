import { _t } from "@web/core/l10n/translation";
import { WarningDialog } from "@web/core/errors/error_dialogs";
import { registry } from "@web/core/registry";

/** A courier that could not be reached: the title says so, not "Invalid Operation". */
export class CourierUnreachableDialog extends WarningDialog {
    inferTitle() {
        return _t("Courier unreachable");
    }
}

/** A courier that answered and refused the request. */
export class CourierRefusedDialog extends WarningDialog {
    inferTitle() {
        return _t("Courier refused the request");
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.delivery_courier_base.tools.courier.CourierUnreachable", CourierUnreachableDialog)
    .add("odoo.addons.delivery_courier_base.tools.courier.CourierRefused", CourierRefusedDialog);
