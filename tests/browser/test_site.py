"""Every page of the built book in Chromium, with the network cut.

Per page (one test each, see conftest.py): it loads; no request leaves 127.0.0.1 (every other one
is aborted and listed); no console error, page error or HTTP status >= 400 (every declared font
is loaded, so a bad font URL shows); every widget is drawn; no visible image is broken; and every
slider of every `.mlsys-explorer` swaps the visible image, with no kernel. A full-page screenshot
of each page goes to tests/artifacts/screenshots/.
"""

import time
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

# How many widget views myst-nb wrote into the page, and how many of them are explorers.
COUNT_WIDGETS_JS = """() => {
  const stateTag = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const state = stateTag ? JSON.parse(stateTag.textContent).state : {};
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .map(tag => JSON.parse(tag.textContent).model_id);
  const explorers = views.filter(id => (state[id]?.state?._dom_classes || []).includes('mlsys-explorer'));
  return {views: views.length, explorers: explorers.length};
}"""
# The widget renderer draws each view into a .widget-subarea next to its <script>.
DRAWN_JS = """n => document.querySelectorAll('.widget-subarea > .jupyter-widgets').length >= n.views
  && document.querySelectorAll('.mlsys-explorer').length >= n.explorers"""
# A browser fetches a font only when some text needs it: load every declared one.
LOAD_FONTS_JS = "() => Promise.allSettled([...document.fonts].map(font => font.load()))"
BROKEN_IMAGES_JS = """() => [...document.images]
  .filter(img => img.getClientRects().length && getComputedStyle(img).visibility !== 'hidden')
  .filter(img => !img.complete || img.naturalWidth === 0)
  .map(img => img.currentSrc || img.src || img.outerHTML.slice(0, 120))"""
VISIBLE_IMAGES_JS = """box => [...box.querySelectorAll('img')]
  .filter(img => img.getClientRects().length && img.naturalWidth > 0).map(img => img.src)"""


def test_page(page, site_url, browser, screenshot_dir):
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def network_cut(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            problems.append(f"request outside 127.0.0.1: {route.request.url}")
            route.abort()

    context.route("**/*", network_cut)
    tab = context.new_page()
    tab.on("console", lambda msg: msg.type == "error" and problems.append(
        f"console error: {msg.text} ({msg.location.get('url', '')})"))
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    try:
        response = tab.goto(f"{site_url}{page}.html", wait_until="load")
        assert response and response.ok, f"{page}.html: HTTP {response and response.status}"
        widgets = tab.evaluate(COUNT_WIDGETS_JS)
        try:
            tab.wait_for_function(DRAWN_JS, arg=widgets, timeout=60_000)
        except PlaywrightTimeout:
            problems.append(f"widgets not drawn within 60 s (the page has {widgets})")
        tab.evaluate(LOAD_FONTS_JS)
        tab.wait_for_load_state("networkidle")
        problems += [f"broken image: {src}" for src in tab.evaluate(BROKEN_IMAGES_JS)]
        tab.screenshot(path=screenshot_dir / f"{page.replace('/', '__')}.png", full_page=True)
        problems += move_explorer_sliders(tab, widgets["explorers"])
    finally:
        context.close()
    assert not problems, f"{page}: {len(problems)} problem(s):\n" + "\n".join(problems)


def move_explorer_sliders(tab, expected):
    """Move each slider of each explorer by keyboard; the one visible image must change."""
    problems = []
    explorers = tab.locator(".mlsys-explorer")
    if explorers.count() != expected:
        problems.append(f"{expected} explorer(s) in the page, {explorers.count()} drawn")
    for e in range(explorers.count()):
        handles = explorers.nth(e).locator(".noUi-handle")
        if handles.count() == 0:
            problems.append(f"explorer {e + 1}: no slider")
        for h in range(handles.count()):
            before = explorers.nth(e).evaluate(VISIBLE_IMAGES_JS)
            if len(before) != 1:
                problems.append(f"explorer {e + 1}: {len(before)} visible images, expected 1")
                continue
            handle = handles.nth(h)
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.press("Home" if at_end else "End")  # whichever end the slider is not at
            after = wait_for_change(explorers.nth(e), before)
            if len(after) != 1 or after == before:
                problems.append(f"explorer {e + 1}, slider {h + 1}: the image did not change")
    return problems


def wait_for_change(explorer, before, timeout_s=15.0):
    """The explorer's visible image once one other than `before` shows, or what shows after a wait.

    The browser swaps and decodes the image asynchronously; on a busy machine that takes a
    moment, during which no image (or a half-loaded one) is visible.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        after = explorer.evaluate(VISIBLE_IMAGES_JS)
        if (len(after) == 1 and after != before) or time.monotonic() > deadline:
            return after
        time.sleep(0.1)
