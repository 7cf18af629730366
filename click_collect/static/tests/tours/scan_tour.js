import { registry } from "@web/core/registry";

/** Keystrokes of a barcode scanner: fast keys on the page, then Enter. */
function scannerTypes(code) {
    document.activeElement?.blur();
    for (const key of [...code, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    }
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
            content: "A barcode scanner sends keystrokes and Enter",
            trigger: ".o_field_widget[name=code] input",
            run: () => scannerTypes("CCTOUR2"),
        },
        {
            trigger: ".o_field_widget[name=order_id]:contains(CCTOUR2)",
        },
        {
            trigger: "button[name=action_do]:contains(Hand Over)",
            run: "click",
        },
        {
            trigger: ".alert-success:contains(CCTOUR2)",
        },
    ],
});
