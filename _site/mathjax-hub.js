// The widget renderer (@jupyter-widgets/html-manager 1.x) typesets widget labels with MathJax 2's
// API, MathJax.Hub.Queue; the site serves MathJax 3, which has no Hub, so every widget on a page
// with math threw "Cannot read properties of undefined (reading 'Queue')". Whatever object
// becomes window.MathJax (the config, then MathJax 3 itself) gets a Hub that does the MathJax 3
// equivalent. Loaded before MathJax and the renderer on every page.
(function () {
  var hub = {
    Queue: function (job) {
      var mathjax = window.MathJax;
      if (mathjax && mathjax.typesetPromise && job && job[2]) mathjax.typesetPromise([job[2]]);
    },
  };
  var current = window.MathJax;
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) value.Hub = hub;
    return value;
  }
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
  withHub(current);
})();
