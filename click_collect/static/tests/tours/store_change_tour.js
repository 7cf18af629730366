import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("click_collect_store_change_backoffice", {
    steps: () => [
        {
            content: "The store cannot serve the order: move it",
            trigger: ".o_form_statusbar button[name=action_cc_change_store]",
            run: "click",
        },
        {
            content: "Only the stores that can serve it are offered",
            trigger: ".modal .o_field_widget[name=store_id] input",
            run: "edit Test Store",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item:contains(Test Store B)",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-menu:not(:has(:contains(Test Store C)))",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item a:contains(Test Store B)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Our last pair is damaged",
        },
        {
            content: "Move",
            trigger: ".modal button[name=action_move]",
            run: "click",
        },
        {
            content: "Back to the store's web orders: this one is no longer among them",
            trigger: ".o_breadcrumb:contains(Web Orders)",
        },
        {
            trigger: ".o_action_manager:not(:has(.modal)):not(:has(:contains(CCMOVEBO)))",
        },
    ],
});
