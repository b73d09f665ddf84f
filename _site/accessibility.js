// Accessible names for what the theme and the widget renderer draw without one (axe-core finds
// these on every page; tests/browser checks them). Loaded on every page; widgets are drawn after
// the page loads and their handles move, so every change to the page is looked at again.
//  - Slider handles (ipywidgets 8 draws noUiSlider <div role="slider">) get the widget's label as
//    their name, and the readout's text ("1,000 requests/s") as their spoken value instead of
//    the position index noUiSlider writes ("2").
//  - Labels ipywidgets draws with title="null" lose that tooltip.
//  - The search button's visible text ("Search Ctrl+K") becomes its accessible name: the theme's
//    aria-label="Search" does not contain it.
//  - A folded code cell's toggle (myst-nb's hide-input: <summary aria-label="Toggle hidden
//    content">) is named by its visible text, "Show code cell source", which says more.
//  - The colour-mode button keeps its name "Color mode"; its icons are decoration, and their
//    titles ("Light", "Dark") made the name and the content disagree.
(function () {
  let labels = 0;

  function nameSliders(root) {
    for (const slider of root.querySelectorAll(".widget-slider")) {
      const label = slider.querySelector(".widget-label");
      const handle = slider.querySelector('[role="slider"]');
      const readout = slider.querySelector(".widget-readout");
      if (!label || !handle || !label.textContent.trim()) continue;
      if (!label.id) label.id = `mlsys-slider-label-${++labels}`;
      if (handle.getAttribute("aria-labelledby") !== label.id) {
        handle.setAttribute("aria-labelledby", label.id);
      }
      const value = readout && readout.textContent.trim();
      if (value && handle.getAttribute("aria-valuetext") !== value) {
        handle.setAttribute("aria-valuetext", value);
      }
    }
    for (const label of root.querySelectorAll('.widget-label[title="null"]')) {
      label.removeAttribute("title");
    }
  }

  function fixThemeButtons(root) {
    for (const button of root.querySelectorAll(".search-button-field[aria-label]")) {
      if (button.textContent.trim()) button.removeAttribute("aria-label");
    }
    for (const icon of root.querySelectorAll(".theme-switch-button .theme-switch")) {
      if (icon.getAttribute("aria-hidden") === "true" && !icon.hasAttribute("title")) continue;
      icon.removeAttribute("title");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      for (const title of icon.querySelectorAll("title")) title.remove();
    }
  }

  function nameToggles(root) {
    for (const summary of root.querySelectorAll("details.hide > summary[aria-label]")) {
      if (summary.textContent.trim()) summary.removeAttribute("aria-label");
    }
  }

  function fix() {
    nameSliders(document);
    fixThemeButtons(document);
    nameToggles(document);
  }

  // Our own attribute changes trigger the observer once more; they are then already right, so
  // that second pass changes nothing and the observer falls quiet.
  new MutationObserver(fix).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["aria-valuetext", "aria-label", "title"],
  });
  document.addEventListener("DOMContentLoaded", fix);
})();
