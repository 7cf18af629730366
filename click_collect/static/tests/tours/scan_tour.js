import { registry } from "@web/core/registry";

/** Keystrokes of a barcode scanner: fast keys on the page, then Enter. */
function scannerTypes(code) {
    document.activeElement?.blur();
    for (const key of [...code, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    }
}

/** The scan field is empty again: the next scan does not glue to the last one. */
function emptyField() {
    return {
        content: "The field waits for the next scan",
        trigger: ".o_field_widget[name=code] input",
        run: () => {
            const value = document.querySelector(".o_field_widget[name=code] input").value;
            if (value) {
                throw new Error(`the scan field still holds "${value}"`);
            }
        },
    };
}

registry.category("web_tour.tours").add("click_collect_scan_delivery", {
    steps: () => [
        {
            content: "A wrong number",
            trigger: ".o_field_widget[name=code] input",
            run: "edit NOPE-404 && press Enter",
        },
        {
            content: "is not found",
            trigger: ".alert-danger:contains(Order could not be found)",
        },
        {
            content: "Type an order number and press Enter",
            trigger: ".o_field_widget[name=code] input",
            run: "edit cctour1 && press Enter",
        },
        {
            content: "The order's content is shown",
            trigger: ".o_field_widget[name=order_line_ids] td:contains(CC Test Shoe)",
        },
        {
            trigger: ".o_field_widget[name=user_id]:contains(cc_test_store_a)",
        },
        {
            content: "Hand it over",
            trigger: "button[name=action_do]:contains(Hand Over)",
            run: "click",
        },
        {
            trigger: ".alert-success:contains(CCTOUR1)",
        },
        {
            content: "The same order scanned again",
            trigger: ".o_field_widget[name=code] input",
            run: "edit cctour1 && press Enter",
        },
        {
            content: "The screen says when, by whom and where it was collected",
            trigger: ".o_cc_scan_status:contains(CCTOUR1: Collected on):contains(at Test Store A)",
        },
        {
            content: "and offers no hand-over",
            trigger: ".o_form_view:not(:has(button[name=action_do]))",
        },
        emptyField(),
        {
            content: "A barcode scanner sends keystrokes and Enter",
            trigger: ".o_field_widget[name=code] input",
            run: () => scannerTypes("CCTOUR2"),
        },
        {
            trigger: ".o_field_widget[name=order_id]:contains(CCTOUR2)",
        },
        emptyField(),
        {
            trigger: "button[name=action_do]:contains(Hand Over)",
            run: "click",
        },
        {
            trigger: ".alert-success:contains(CCTOUR2)",
        },
    ],
});

/** What is true, and only what may be done now: an order still being prepared, an unpaid one,
 * and the customer's QR code, which gives the order and its pickup code in one scan. */
registry.category("web_tour.tours").add("click_collect_scan_truth", {
    steps: () => [
        {
            content: "An order still being prepared",
            trigger: ".o_field_widget[name=code] input",
            run: "edit CCPREP && press Enter",
        },
        {
            trigger: ".o_cc_scan_status:contains(CCPREP is not ready for pickup yet: it is Preparing)",
        },
        {
            content: "Nothing to hand over",
            trigger: ".o_form_view:not(:has(button[name=action_do])):not(:has(button[name=action_register_payment]))",
        },
        {
            content: "An order not paid yet",
            trigger: ".o_field_widget[name=code] input",
            run: "edit CCUNPAID && press Enter",
        },
        {
            trigger: ".o_cc_scan_status:contains(CCUNPAID is not paid)",
        },
        {
            content: "The amount to collect stands out",
            trigger: ".o_field_widget[name=amount_due]:contains(80.00)",
        },
        {
            content: "The payment first, no hand-over",
            trigger: ".o_form_view:has(button[name=action_register_payment]):not(:has(button[name=action_do]))",
        },
        {
            content: "The customer shows the QR code of their message to the scanner",
            trigger: ".o_field_widget[name=code] input",
            run: () => scannerTypes("CC:CCQR:246810"),
        },
        {
            trigger: ".o_field_widget[name=order_id]:contains(CCQR)",
        },
        emptyField(),
        {
            content: "What the clerk checks: the customer's phone, the shelf, since when and until when it waits",
            trigger: ".o_field_widget[name=partner_phone]:contains(+32470000000)",
        },
        {
            trigger: ".o_field_widget[name=order_shelf]:contains(C7)",
        },
        {
            trigger: ".o_field_widget[name=ready_since]",
        },
        {
            trigger: ".o_field_widget[name=expiry_date]",
        },
        {
            content: "Nothing is left to collect",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=amount_due]))",
        },
        {
            content: "The pickup code is typed on a number pad",
            trigger: ".o_field_widget[name=pickup_code] input[inputmode=numeric]",
        },
        {
            content: "The pickup code came with it",
            trigger: ".o_field_widget[name=pickup_code] input",
            run: () => {
                const value = document.querySelector(".o_field_widget[name=pickup_code] input").value;
                if (value !== "246810") {
                    throw new Error(`the pickup code is "${value}"`);
                }
            },
        },
        {
            content: "Hand it over",
            trigger: "button[name=action_do]:contains(Hand Over)",
            run: "click",
        },
        {
            trigger: ".alert-success:contains(CCQR is now Collected)",
        },
    ],
});

/** The parcels that arrived: each scan receives one, without a click; a wrong or unprepared
 * order is named and nothing else changes; the list grows. */
registry.category("web_tour.tours").add("click_collect_scan_acceptance", {
    steps: () => [
        {
            content: "The shelf where the parcels go",
            trigger: ".o_field_widget[name=shelf] input",
            run: "edit B2",
        },
        {
            content: "Scan the first parcel",
            trigger: ".o_field_widget[name=code] input",
            run: "edit ccacc1 && press Enter",
        },
        {
            content: "It is received at once, on its shelf",
            trigger: ".alert-success:contains(CCACC1 is now Ready for pickup (shelf B2))",
        },
        {
            trigger: ".o_cc_received .o_data_row:contains(CCACC1):contains(B2)",
        },
        emptyField(),
        {
            content: "A scanner reads the next parcel",
            trigger: ".o_field_widget[name=code] input",
            run: () => scannerTypes("CCACC2"),
        },
        {
            trigger: ".alert-success:contains(CCACC2 is now Ready for pickup)",
        },
        {
            content: "Both are in the list",
            trigger: ".o_cc_received:has(.o_data_row:contains(CCACC1)):has(.o_data_row:contains(CCACC2))",
        },
        emptyField(),
        {
            content: "A parcel whose order is not prepared yet",
            trigger: ".o_field_widget[name=code] input",
            run: () => scannerTypes("CCACC3"),
        },
        {
            trigger: ".o_cc_scan_status:contains(CCACC3 is not prepared yet)",
        },
        emptyField(),
        {
            content: "A number that is no order",
            trigger: ".o_field_widget[name=code] input",
            run: () => scannerTypes("NOPE-404"),
        },
        {
            trigger: ".alert-danger:contains(Order could not be found)",
        },
        emptyField(),
        {
            content: "The list still holds the two received",
            trigger: ".o_cc_received:not(:has(.o_data_row:contains(CCACC3))):has(.o_data_row:contains(CCACC2))",
        },
        {
            content: "Leave the screen as it is: nothing is left to save",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
    ],
});
