import { Component } from "@odoo/owl";

/** A web order's pick list or address label, for the receipt printer. */
export class CcPickTicket extends Component {
    static template = "click_collect_pos.CcPickTicket";
    static props = { order: Object, kind: String };
}
