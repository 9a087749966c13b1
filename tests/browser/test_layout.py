"""Pages hold still while they load: nothing a visitor is reading jumps when a script arrives late."""

import time

from django.urls import reverse

# The layout shift a page has had so far, as Core Web Vitals count it (CLS).
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    resolve(list.getEntries().filter((entry) => !entry.hadRecentInput).reduce((sum, entry) => sum + entry.value, 0));
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(0)));
})"""


def test_catalogue_does_not_jump_on_a_phone_when_its_script_arrives_late(phone_page, site_content):
    def slow_network(route):
        time.sleep(0.5)  # a phone on a poor connection: the page is drawn before the script is here
        route.continue_()

    phone_page.route("**/js/programme-filters*.js", slow_network)
    with phone_page.expect_response("**/js/programme-filters*.js"):
        phone_page.goto(reverse("programmes:list"))
    phone_page.wait_for_load_state("load")
    assert phone_page.evaluate(LAYOUT_SHIFT) == 0
