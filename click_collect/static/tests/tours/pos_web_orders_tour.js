/* global posmodel */
import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as TextInputPopup from "@point_of_sale/../tests/generic_helpers/text_input_popup_util";
import * as Order from "@point_of_sale/../tests/generic_helpers/order_widget_util";

function openRegister() {
    return [Chrome.startPoS(), Dialog.confirm("Open Register")].flat();
}

function openWebOrders() {
    return [
        { content: "Open the web orders", trigger: ".o_cc_web_orders_button", run: "click" },
        { trigger: ".o_cc_web_orders_screen" },
    ];
}

function openOrder(name) {
    return [
        { content: `Open ${name}`, trigger: `.o_cc_web_order_row[data-order='${name}']`, run: "click" },
        { trigger: `.o_cc_order_name:contains(${name})` },
    ];
}

function act(action, state) {
    return [
        { content: `Action ${action}`, trigger: `.o_cc_action[data-action='${action}']`, run: "click" },
        { content: `The order is ${state}`, trigger: `.o_cc_order_state:contains(${state})` },
    ];
}

function handOver(code) {
    return [
        { content: "Hand over", trigger: ".o_cc_action[data-action='hand_over']", run: "click" },
        TextInputPopup.inputText(code),
        Dialog.confirm("Apply"),
    ];
}

registry.category("web_tour.tours").add("click_collect_pos_badge", {
    steps: () =>
        [
            openRegister(),
            {
                content: "The badge counts the store's waiting web orders",
                trigger: ".o_cc_web_orders_button:not(.o_cc_blink) .o_cc_web_orders_badge:contains(2)",
            },
            {
                content: "A web order of the store arrives (as the web shop would send it)",
                trigger: ".o_cc_web_orders_badge",
                run: async () => {
                    const orm = posmodel.env.services.orm;
                    const ids = await orm.search("sale.order", [["client_order_ref", "=", "CC-LIVE"]]);
                    await orm.write("sale.order", ids, { cc_fulfilment: "pickup" });
                },
            },
            {
                content: "The badge shows it and blinks, without reloading",
                trigger: ".o_cc_web_orders_button.o_cc_blink .o_cc_web_orders_badge:contains(3)",
            },
            openWebOrders(),
            {
                content: "Opened: the badge stops blinking",
                trigger: ".o_cc_web_orders_button:not(.o_cc_blink)",
            },
            { trigger: ".o_cc_web_order_row[data-order='CCPOS-LIVE']" },
            {
                content: "The New tab lists it",
                trigger: ".o_cc_tabs button[data-tab='new']",
                run: "click",
            },
            { trigger: ".o_cc_web_order_row[data-order='CCPOS-LIVE']" },
            {
                content: "Not the other store's order",
                trigger: ".o_cc_web_orders_screen:not(:has(.o_cc_web_order_row[data-order='CCPOS-OTHER']))",
            },
        ].flat(),
});

registry.category("web_tour.tours").add("click_collect_pos_flow", {
    steps: () =>
        [
            openRegister(),
            openWebOrders(),
            {
                content: "An unknown scan",
                trigger: ".o_cc_scan",
                run: "edit NOPE-404 && press Enter",
            },
            { trigger: ".o_cc_scan_error:contains(Order could not be found)" },
            {
                content: "Scan the order's number",
                trigger: ".o_cc_scan",
                run: "edit ccpos-flow && press Enter",
            },
            { trigger: ".o_cc_order_name:contains(CCPOS-FLOW)" },
            { trigger: ".o_cc_lines:contains(CC Test Shoe)" },
            act("accept", "Accepted"),
            act("prepare", "Preparing"),
            act("ready", "Ready for pickup"),
            handOver("000000"),
            {
                content: "A wrong code is refused with the server's message",
                trigger: ".modal:not(.o_inactive_modal) .modal-body:contains(is wrong)",
            },
            Dialog.confirm(),
            { trigger: ".o_cc_timeline li.text-danger" },
            handOver("246810"),
            { content: "Handed over", trigger: ".o_cc_order_state:contains(Collected)" },
            {
                content: "Nothing more to do",
                trigger: ".o_cc_web_order_detail:not(:has(.o_cc_action))",
            },
        ].flat(),
});

registry.category("web_tour.tours").add("click_collect_pos_pay", {
    steps: () =>
        [
            openRegister(),
            openWebOrders(),
            openOrder("CCPOS-PAY"),
            { trigger: ".o_cc_payment_state:contains(Not Paid)" },
            {
                content: "A hand-over before payment is refused with the server's message",
                trigger: ".o_cc_action[data-action='hand_over']",
                run: "click",
            },
            TextInputPopup.inputText("135790"),
            Dialog.confirm("Apply"),
            { trigger: ".modal:not(.o_inactive_modal) .modal-body:contains(is not paid)" },
            Dialog.confirm(),
            { content: "Pay at the counter", trigger: ".o_cc_pay", run: "click" },
            ProductScreen.isShown(),
            Order.hasLine({ productName: "CC Test Shoe", quantity: "1" }),
            Order.hasLine({ productName: "CC Test Bag", quantity: "1" }),
            ProductScreen.totalAmountIs("80.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            openWebOrders(),
            openOrder("CCPOS-PAY"),
            { content: "The order is paid", trigger: ".o_cc_payment_state:contains(Paid):not(:contains(Not))" },
            handOver("135790"),
            { content: "Handed over", trigger: ".o_cc_order_state:contains(Collected)" },
        ].flat(),
});
