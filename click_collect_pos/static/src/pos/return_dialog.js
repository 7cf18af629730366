import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";

/**
 * Goods of a web order coming back at this point of sale: the lines and quantities, their
 * condition, the reason, and, when the return policy pays back at the till, how the till pays.
 * The server checks everything and makes the till's refund (pos.config.cc_return_receive).
 */
export class CcReturnDialog extends Component {
    static template = "click_collect_pos.CcReturnDialog";
    static components = { Dialog };
    static props = {
        found: Object,
        close: Function,
    };

    setup() {
        this.pos = usePos();
        const found = this.props.found;
        this.state = useState({
            lines: found.lines.map((line) => ({ ...line, condition: "sellable" })),
            reasonId: found.reasons[0]?.id || false,
            note: "",
            lateReason: "",
            methodId: found.payment_methods[0]?.id || false,
            busy: false,
        });
        this.conditions = [
            ["sellable", _t("Sellable")],
            ["damaged", _t("Damaged")],
        ];
    }

    get isTill() {
        return this.props.found.refund_mode === "till";
    }

    get nothing() {
        return !this.state.lines.some((line) => parseFloat(line.quantity) > 0);
    }

    async confirm() {
        if (this.state.busy || this.nothing) {
            return;
        }
        this.state.busy = true;
        try {
            const found = this.props.found;
            const result = await this.pos.ccCall(
                "cc_return_receive",
                [
                    found.order_id,
                    this.state.lines
                        .filter((line) => parseFloat(line.quantity) > 0)
                        .map((line) => ({
                            sale_line_id: line.id,
                            quantity: parseFloat(line.quantity),
                            condition: line.condition,
                        })),
                ],
                {
                    reason_id: parseInt(this.state.reasonId) || false,
                    note: this.state.note,
                    late_reason: this.state.lateReason,
                    return_id: found.return_id,
                    payment_method_id: this.isTill ? parseInt(this.state.methodId) || false : false,
                }
            );
            if (result) {
                this.pos.notification.add(result.message, { type: "success" });
                if (result.cash) {
                    // the money leaves the till: open the cash drawer, as after a payment
                    this.pos.hardwareProxy?.openCashbox?.();
                }
                this.props.close();
            }
        } finally {
            this.state.busy = false;
        }
    }
}
