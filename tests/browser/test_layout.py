"""Pages hold still while they load: nothing a visitor is reading jumps when a script arrives late."""

import re

from django.urls import reverse

# Resolves once the whole document is parsed and drawn (its deferred scripts may still be on their way).
DRAWN = """() => new Promise((resolve) => {
  const drawn = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
  if (document.readyState !== "loading") drawn();
  else document.addEventListener("readystatechange", drawn, {once: true});
})"""


def test_catalogue_does_not_jump_on_a_phone_when_its_script_arrives_late(phone_page, site_content):
    # A phone on a poor connection: the page is drawn while its script is still on the way.
    held = []
    phone_page.route("**/js/programme-filters*.js", lambda route: held.append(route))
    with phone_page.expect_request("**/js/programme-filters*.js"):
        phone_page.goto(reverse("programmes:list"), wait_until="commit")
    phone_page.evaluate(DRAWN)
    results = phone_page.get_by_role("heading", name=re.compile(r"^\d+ programmes?$"))
    drawn_at = results.bounding_box()

    held.pop().continue_()
    phone_page.wait_for_load_state("load")
    assert results.bounding_box() == drawn_at
