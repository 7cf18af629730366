import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("click_collect_return_receive", {
    steps: () => [
        {
            content: "Type the order number of another store's order",
            trigger: ".o_field_widget[name=code] input",
            run: "edit ccret1",
        },
        {
            content: "Find it",
            trigger: ".o_form_statusbar button[name=action_find]:contains(Find)",
            run: "click",
        },
        {
            content: "What the customer has is listed",
            trigger: ".o_field_widget[name=line_ids] td:contains(CC Test Shoe)",
        },
        {
            trigger: ".o_field_widget[name=customer]:contains(CC Test Customer)",
        },
        {
            content: "One shoe comes back",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first td[name=quantity]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first td[name=quantity] input",
            run: "edit 1",
        },
        {
            content: "The customer's words",
            trigger: ".o_field_widget[name=reason_note] textarea",
            run: "edit Too small",
        },
        {
            content: "Receive",
            trigger: ".o_form_statusbar button[name=action_receive]",
            run: "click",
        },
        {
            content: "The return is received, its refund owed",
            trigger: ".o_field_widget[name=state] .o_arrow_button_current:contains(Received)",
        },
        {
            trigger: ".o_field_widget[name=line_ids] td:contains(CC Test Shoe)",
        },
    ],
});
