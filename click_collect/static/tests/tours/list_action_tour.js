import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("click_collect_list_accept", {
    steps: () => [
        {
            content: "The store's new web orders, in the list",
            trigger: ".o_list_view .o_data_row td:contains(CCLIST3)",
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Accept the selection",
            trigger: ".o_control_panel_actions button[name=action_cc_transition]:contains(Accept)",
            run: "click",
        },
        {
            content: "Two are accepted, the unpaid transfer is named with why",
            trigger: ".o_notification:contains(2 of 3 web orders are now Accepted):contains(CCLIST2 is New and cannot become Accepted)",
        },
        {
            content: "The list shows the new states",
            trigger: ".o_list_view .o_data_row:contains(CCLIST1) td:contains(Accepted)",
        },
    ],
});
