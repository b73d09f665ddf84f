// Loaded between require.js and embed-amd.js (nb_ipywidgets_js in _config.yml).
// embed-amd.js bundles AMD modules named @jupyter-widgets/...; each fetches its icon fonts from
// the folder that require.js maps its module name to. Unmapped, that folder is relative to the
// page (chapters/@jupyter-widgets/...: 404). Map them all to this file's folder, which holds
// embed-amd.js and the fonts.
(function () {
  const here = new URL(".", document.currentScript.src).href.replace(/\/$/, "");
  require.config({
    paths: {"@jupyter-widgets": here, "@jupyter-widgets/html-manager/dist": here},
  });
})();
