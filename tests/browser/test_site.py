"""Every page of the built book in Chromium, with the network cut.

Per page (one test each, see conftest.py): it loads; no request leaves 127.0.0.1 (every other one
is aborted and listed); no console error, page error or HTTP status >= 400 (every declared font
is loaded, so a bad font URL shows); every widget is drawn; no visible image is broken; every
visible image has alt text that is not a file name; the theme's icons are drawn by its web font;
axe-core finds no serious or critical accessibility violation; every slider of every
`.mlsys-explorer` swaps the visible image, with no kernel; every prediction folds what answers it
until the reader commits by keyboard, then shows their guess beside the result, still after a
reload, and folds again on "reset"; every self-check answers a wrong and a right answer, typed or
chosen by keyboard, with that answer's feedback. A full-page screenshot of each page (light scheme) goes to tests/artifacts/screenshots/, axe's full result to
tests/artifacts/axe/.
"""

import json
import re
from urllib.parse import urlparse

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import ROOT

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_DIR = ROOT / "tests" / "artifacts" / "axe"
FAILING_IMPACTS = ("serious", "critical")  # minor and moderate ones are in the artifact only
AXE_HEIGHT_PX = 2400
SCREENSHOT_QUALITY = 80  # JPEG: a third of the time of a PNG of a page 15,000 px tall
TRANSITIONS_DONE_JS = """() => !document.getAnimations()
  .some(a => a instanceof CSSTransition && a.playState === 'running')"""

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
IMAGE_ALTS_JS = """() => [...document.images]
  .filter(img => img.getClientRects().length && getComputedStyle(img).visibility !== 'hidden')
  .map(img => ({src: (img.currentSrc || img.src).slice(0, 80), alt: img.getAttribute('alt')}))"""
# What a screen reader would read out instead of a description: a file name or path.
FILE_NAME = re.compile(r"\S*[/\\]\S*|\S+\.(png|jpe?g|gif|svg|webp)", re.IGNORECASE)
# The theme's icons (search, menu, colour mode...) as drawn by its Font Awesome web font, the
# way the book serves them (_site/templates/: no 1.5 MB fontawesome.js turning them into SVG).
ICONS_JS = """() => [...document.querySelectorAll('i.fa-solid, i.fa-regular, i.fa-brands')]
  .filter(icon => icon.getClientRects().length)
  .map(icon => ({name: icon.className, width: icon.getBoundingClientRect().width,
                 glyph: getComputedStyle(icon, '::before').content,
                 font: getComputedStyle(icon).fontFamily}))"""



# Under `--dist loadscope` (make test) a class is one unit of work: the pages are dealt to two
# classes (conftest.py, by their `deal`), so that each of the two workers checks about half.
class TestPagesDealtFirst:
    deal = 0

    def test_page(self, page, site_url, browser, screenshot_dir):
        check_page(page, site_url, browser, screenshot_dir)


class TestPagesDealtSecond:
    deal = 1

    def test_page(self, page, site_url, browser, screenshot_dir):
        check_page(page, site_url, browser, screenshot_dir)


def check_page(page, site_url, browser, screenshot_dir):
    problems = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")

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
        problems += [f"broken image: {src}" for src in tab.evaluate(BROKEN_IMAGES_JS)]
        problems += check_alt_texts(tab)
        problems += check_icons(tab)
        predictions = tab.locator(".mlsys-prediction").count()
        problems += answer_questions(tab)
        if predictions:  # committed predictions survive a reload
            tab.reload(wait_until="load")
            tab.wait_for_function(DRAWN_JS, arg=widgets, timeout=60_000)
            problems += check_committed(tab)
        use_colour_scheme(tab, "light")  # the theme's colours fade in after the page loads
        tab.screenshot(path=screenshot_dir / f"{page.replace('/', '__')}.jpeg", full_page=True,
                       quality=SCREENSHOT_QUALITY)
        problems += run_axe(tab, page)
        problems += move_explorer_sliders(tab, widgets["explorers"])
        if predictions:
            problems += reset_predictions(tab)
        # Every request the page made has been answered (and checked above) before it closes.
        tab.wait_for_load_state("networkidle")
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
            spoken = handle.get_attribute("aria-valuetext")
            shown = explorers.nth(e).locator(".widget-readout").nth(h).inner_text().strip()
            if spoken != shown:
                problems.append(f"explorer {e + 1}, slider {h + 1}: a screen reader hears "
                                f"{spoken!r}, the readout shows {shown!r}")
    return problems


def wait_for_change(explorer, before, timeout_s=15.0):
    """The explorer's visible image once one other than `before` shows, or what shows at the end.

    The browser swaps and decodes the image asynchronously; on a busy machine that takes a
    moment, during which no image (or a half-loaded one) is visible. The browser itself watches
    for the change (no polling from here).
    """
    try:
        explorer.page.wait_for_function(
            """([box, before]) => { const now = [...box.querySelectorAll('img')]
                 .filter(img => img.getClientRects().length && img.naturalWidth > 0)
                 .map(img => img.src);
               return now.length === 1 && now[0] !== before[0]; }""",
            arg=[explorer.element_handle(), before], timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        pass
    return explorer.evaluate(VISIBLE_IMAGES_JS)


def check_alt_texts(tab):
    """Every visible image has alt text that describes it: not empty, not a file name or path."""
    problems = []
    for image in tab.evaluate(IMAGE_ALTS_JS):
        alt = (image["alt"] or "").strip()
        if not alt:
            problems.append(f"image without alt text: {image['src']}")
        elif FILE_NAME.fullmatch(alt):
            problems.append(f"image whose alt text is a file name: {alt!r} ({image['src']})")
    return problems


def check_icons(tab):
    """The theme's visible icons are drawn as glyphs of the Font Awesome web font, and it loaded."""
    icons = tab.evaluate(ICONS_JS)
    if not icons:
        return ["no theme icon drawn by the Font Awesome web font (the search button has one)"]
    problems = [f"icon not drawn: {icon}" for icon in icons
                if icon["glyph"] in ("none", "normal", "") or icon["width"] == 0
                or "Font Awesome" not in icon["font"]]
    if not tab.evaluate("() => document.fonts.check('900 16px \"Font Awesome 6 Free\"')"):
        problems.append("the Font Awesome web font did not load")
    return problems


def run_axe(tab, page):
    """Run axe-core on the drawn page; write its full result; list serious and critical findings.

    The page is seen in a window tall enough to show the whole sidebar (in a short one, axe
    cannot tell the contrast of text scrolled partly out of view), in the light and the dark
    colour scheme; the dark one is checked for colour contrast only, the rest looks the same.
    """
    if not AXE_JS.is_file():
        return [f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci`"]
    viewport = tab.viewport_size
    tab.set_viewport_size({"width": viewport["width"], "height": AXE_HEIGHT_PX})
    tab.add_script_tag(path=AXE_JS)
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    problems = []
    try:
        for scheme, options in (("light", {}), ("dark", {"runOnly": ["color-contrast"]})):
            use_colour_scheme(tab, scheme)
            # Every node of every violation; one example node of each pass or "incomplete"
            # (to review by hand): a third faster than listing every node that passed.
            result = tab.evaluate("options => axe.run(document, options)",
                                  {**options, "resultTypes": ["violations"]})
            name = page.replace("/", "__") + ("" if scheme == "light" else ".dark")
            (AXE_DIR / f"{name}.json").write_text(json.dumps(result, indent=1))
            problems += [f"axe {violation['impact']} {violation['id']} ({violation['help']}, "
                         f"{scheme} scheme): "
                         + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
                         for violation in result["violations"]
                         if violation["impact"] in FAILING_IMPACTS]
    finally:
        tab.set_viewport_size(viewport)
    return problems


def use_colour_scheme(tab, scheme):
    """Switch the reader's colour scheme; return once the theme has finished fading to it."""
    tab.emulate_media(color_scheme=scheme)
    tab.wait_for_function("s => document.documentElement.dataset.theme === s", arg=scheme)
    tab.wait_for_function(TRANSITIONS_DONE_JS)  # colours fade for 0.15 s on a switch


# For each prediction: whether its first and last folded elements (the siblings after its cell,
# up to its end line <div class="prediction-end">) are shown, and whether an end line exists.
FOLD_JS = """() => [...document.querySelectorAll('.mlsys-prediction')].map(q => {
  const cell = q.closest('.cell');
  let first = cell.nextElementSibling, last = null;
  for (let el = first; el; el = el.nextElementSibling) {
    if (el.matches('.prediction-end')) break;
    if (el.querySelector('.mlsys-prediction')) { last = null; break; }
    last = el;
  }
  const shown = el => !!el && el.getClientRects().length > 0;
  return {id: JSON.parse(q.dataset.spec).id, ended: !!last, first: shown(first),
          last: shown(last), lastText: last ? last.innerText.slice(0, 60) : ''};
})"""


def answer_questions(tab):
    """Commit every prediction and answer every self-check by keyboard; check what each shows."""
    problems = []
    before = tab.evaluate(FOLD_JS)
    for fold in before:
        if not fold["ended"]:
            problems.append(f"prediction {fold['id']}: nothing folded, or no end line after it")
        elif fold["first"] or fold["last"]:
            problems.append(f"prediction {fold['id']}: its answer shows before the reader commits "
                            f"({fold['lastText']!r})")
    questions = tab.locator(".mlsys-prediction")
    for i in range(questions.count()):
        question = questions.nth(i)
        spec = json.loads(question.get_attribute("data-spec"))
        guess = commit_by_keyboard(question, spec)
        said = question.locator(".mlsys-feedback").inner_text()
        if not said.startswith("You said") or guess not in said:
            problems.append(f"prediction {spec['id']}: after committing {guess!r} it says {said!r}")
    for fold in tab.evaluate(FOLD_JS):
        if fold["ended"] and not (fold["first"] and fold["last"]):
            problems.append(f"prediction {fold['id']}: still folded after the reader committed")
    checks = tab.locator(".mlsys-self-check")
    for i in range(checks.count()):
        problems += answer_self_check(checks.nth(i))
    return problems


def commit_by_keyboard(question, spec):
    """Commit a prediction with the keyboard alone; return the text of the guess."""
    if spec["form"] == "choice":
        question.locator("input[type=radio]").first.focus()
        for key in ("Space", "Tab", "Enter"):  # choose the first, go to "Commit", press it
            question.page.keyboard.press(key)
        return question.locator(".mlsys-choice span").first.inner_text()
    field = question.locator("input[type=text]")
    field.focus()
    question.page.keyboard.type("42")
    question.page.keyboard.press("Enter")
    return "42"


def answer_self_check(check):
    """A wrong answer gets its own feedback, the right one "Right.", "Show the answer" the answer."""
    spec = json.loads(check.get_attribute("data-spec"))
    feedback = check.locator(".mlsys-feedback")
    problems = []
    if spec["form"] == "choice":
        wrong = next(i for i in range(len(spec["responses"])) if i != spec["answer"])
        attempts = [(wrong, "Not quite."), (spec["answer"], "Right.")]
        for index, verdict in attempts:
            radio = check.locator("input[type=radio]").nth(index)
            radio.focus()
            check.page.keyboard.press("Space")
            check.page.keyboard.press("Tab")
            check.page.keyboard.press("Enter")
            expected = plain_text(check, spec["responses"][index])
            if not feedback.inner_text().startswith(verdict) or feedback.inner_text() != expected:
                problems.append(f"self-check {spec['id']}: choice {index + 1} says "
                                f"{feedback.inner_text()!r}, expected {expected!r}")
    else:
        far = spec["answer"] + 10 * spec["tolerance"] + abs(spec["answer"]) + 1
        for typed, verdict in ((f"{far:g}", "Not quite"), (f"{spec['answer']:g}", "Right.")):
            field = check.locator("input[type=text]")
            field.fill("")
            field.focus()
            check.page.keyboard.type(typed)
            check.page.keyboard.press("Enter")
            if not feedback.inner_text().startswith(verdict):
                problems.append(f"self-check {spec['id']}: {typed} says {feedback.inner_text()!r}")
    check.locator(".mlsys-show").focus()
    check.page.keyboard.press("Enter")
    if not feedback.inner_text().startswith(f"The answer: {spec['answer_text']}."):
        problems.append(f"self-check {spec['id']}: 'Show the answer' says {feedback.inner_text()!r}")
    return problems


def plain_text(element, html_text):
    """The text a reader sees for a piece of the page's HTML."""
    return element.evaluate("(_, h) => { const d = document.createElement('p'); d.innerHTML = h;"
                            " document.body.appendChild(d); const t = d.innerText;"
                            " d.remove(); return t; }", html_text)


def check_committed(tab):
    """After a reload every prediction is still committed: the guess shown, the fold open."""
    problems = []
    questions = tab.locator(".mlsys-prediction")
    for i in range(questions.count()):
        said = questions.nth(i).locator(".mlsys-feedback").inner_text()
        if not said.startswith("You said"):
            problems.append(f"prediction {i + 1}: forgotten after a reload ({said!r})")
    problems += [f"prediction {fold['id']}: folded again after a reload"
                 for fold in tab.evaluate(FOLD_JS) if fold["ended"] and not fold["last"]]
    return problems


def reset_predictions(tab):
    """The reset button, pressed by keyboard, forgets the page's predictions and folds them."""
    reset = tab.locator(".mlsys-reset").first
    if not reset.count():
        return ["no 'Reset my predictions' button on a page with committed predictions"]
    reset.focus()
    tab.keyboard.press("Enter")
    problems = [f"prediction {fold['id']}: not folded again after a reset"
                for fold in tab.evaluate(FOLD_JS) if fold["ended"] and fold["last"]]
    if tab.locator(".mlsys-prediction .mlsys-feedback:not(:empty)").count():
        problems.append("a prediction still shows its guess after a reset")
    stored = json.loads(tab.evaluate("() => localStorage.getItem('mlsys-book:predictions')")
                        or "{}")
    path = urlparse(tab.url).path
    if any(path.endswith("/" + key) for key in stored):
        problems.append(f"the page's predictions are still stored after a reset: {stored}")
    return problems
