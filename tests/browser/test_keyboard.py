"""A keyboard-only visitor reaches every link and control with Tab, and always sees where the focus is."""

from django.urls import reverse
from playwright.sync_api import expect

from .conftest import focus_indicator

# Each link and control gets a number the first time it is focused or counted; a radio group shares one
# number, since Tab enters the group once and the arrow keys move within it.
STOP_OF = """
const stopOf = (el) => {
  const stops = (window.__stops ??= {next: 0, groups: {}});
  if (!el.dataset.stop) {
    el.dataset.stop = el.type === "radio" && el.name
      ? (stops.groups[el.name] ??= String(stops.next++))
      : String(stops.next++);
  }
  return el.dataset.stop;
};
const nameOf = (el) => (
  el.getAttribute("aria-label") || el.labels?.[0]?.innerText || el.innerText || el.value || el.name || ""
).trim().split("\\n")[0].replace(/\\s*\\*$/, "");
"""

FOCUSED = (
    "() => {"
    + STOP_OF
    + """
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  return {
    stop: el === document.body ? null : stopOf(el),
    name: nameOf(el),
    visible: box.width > 0 && box.height > 0,
    closedSummary: el.tagName === "SUMMARY" && !el.parentElement.open,
  };
}"""
)

# Every link and control a sighted visitor can see and could reach with Tab.
REACHABLE = (
    "() => {"
    + STOP_OF
    + """
  const controls = [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && el.type !== "hidden")
    .filter((el) => el.checkVisibility({visibilityProperty: true}) && el.getBoundingClientRect().width > 1);
  return [...new Map(controls.map((el) => [stopOf(el), nameOf(el)])).entries()];
}"""
)


def tab_through(page, *, open_folded: bool = False) -> list[dict]:
    """Press Tab from the top of the page until focus leaves it; every stop with how its focus is shown."""
    stops = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["stop"] is None or (stops and focused["stop"] == stops[0]["stop"]):
            return stops
        focused["indicator"] = focus_indicator(page)
        stops.append(focused)
        if open_folded and focused["closedSummary"]:
            page.keyboard.press("Enter")  # a visitor opens each folded filter to see its options
    raise AssertionError("Tab never left the page")


def assert_every_control_reached_with_visible_focus(page, stops: list[dict]) -> None:
    reached = {stop["stop"] for stop in stops}
    missed = [name for stop, name in page.evaluate(REACHABLE) if stop not in reached]
    assert missed == [], f"never reached with Tab: {missed}"
    unseen = [stop["name"] for stop in stops if not stop["indicator"] or not stop["visible"]]
    assert unseen == [], f"no visible focus on: {unseen}"


def test_skip_link_takes_a_keyboard_user_past_the_header_on_the_catalogue(page, site_content):
    page.goto(reverse("programmes:list"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main-content').contains(document.activeElement)")


def test_keyboard_user_reaches_every_catalogue_filter_link_and_button_with_visible_focus(page, site_content):
    page.goto(reverse("programmes:list"))
    stops = tab_through(page, open_folded=True)
    assert_every_control_reached_with_visible_focus(page, stops)
    names = [stop["name"] for stop in stops]
    assert {"Skip to main content", "Doctors", "Apply filters", "Sort", "Medical Leadership in Practice"} <= set(names)


def test_keyboard_user_reaches_every_field_of_the_enquiry_form_with_visible_focus(page, site_content):
    page.goto(reverse("contacts:contact"))
    stops = tab_through(page)
    assert_every_control_reached_with_visible_focus(page, stops)
    names = [stop["name"] for stop in stops]
    assert {"Your name", "Commission a programme", "Area of work", "Your message", "Send enquiry"} <= set(names)
