"""The book's own Sphinx extension (loaded by _config.yml: sphinx.local_extensions).

1. Serves the JavaScript the pages need from the site itself, never from a CDN: copies the npm
   packages that `npm ci` installed (package.json) into _build/html/_static/. Named in
   _config.yml: nb_ipywidgets_js (widget renderer) and mathjax_path. They are copied here, not
   listed in html_static_path, so each lands in its own folder and no source folder named
   _static is needed (JB1 would inject every .js in it into every page: widgets drawn twice).
2. Gives MathJax 3 the MathJax 2 entry point the widget renderer calls (_site/mathjax-hub.js).
3. Gives every page _site/accessibility.js: accessible names for the widgets' slider handles and
   the theme's header buttons, which axe-core finds missing or mismatched (tests/browser).
4. Drops duplicate <script> tags: Sphinx 7.4 emits an inline script that an extension adds after
   the builder started twice, so sphinx-thebe's `const THEBE_JS_URL = ...` ran twice on every
   page: "Identifier 'THEBE_JS_URL' has already been declared".
5. Leaves out the theme's fontawesome.js (1.5 MB on every page): _site/templates/ holds the
   theme's webpack-macros.html without it; the theme's stylesheet draws the same icons with the
   Font Awesome web font it ships.
6. Gives every page the predictions and self-checks (_site/questions.js and questions.css; the
   forms are written by mlsys.questions and chosen over their Jupyter widget by
   nb_mime_priority_overrides in _config.yml).
7. Marks each bibliography entry as an item of its list: docutils writes the entries of a
   <div role="list"> with role="doc-biblioentry", a role ARIA 1.2 deprecated, so a list holds
   no list items for assistive technology (axe-core: aria-required-children).
"""

from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset

VENDOR = [  # (file or folder of the book, folder under _build/html/_static/)
    ("_site/accessibility.js", "mlsys"),
    ("_site/questions.js", "mlsys"),
    ("_site/questions.css", "mlsys"),
    ("node_modules/requirejs/require.js", "."),
    ("node_modules/@jupyter-widgets/html-manager/dist", "html-manager"),
    ("_site/widgets-paths.js", "html-manager"),
    ("_site/mathjax-hub.js", "html-manager"),
    ("node_modules/mathjax/es5", "mathjax"),
]


def copy_vendor_files(app):
    if app.builder.format != "html":
        return
    for source, folder in VENDOR:
        path = Path(app.srcdir, source)
        if not path.exists():
            raise ExtensionError(f"{source} is missing: run `.venv/bin/npm ci` (or `make book`) in {app.srcdir} first")
        copy_asset(path, Path(app.outdir, "_static", folder), excluded=lambda p: p.endswith(".map"))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique


def mark_citations_as_list_items(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def use_book_templates(app, config):
    config.templates_path.insert(0, str(Path(app.confdir, "_site", "templates")))


def setup(app):
    app.connect("config-inited", use_book_templates)
    app.connect("builder-inited", copy_vendor_files)
    # Before MathJax (priority 500) and the widget renderer: see _site/mathjax-hub.js.
    app.add_js_file("html-manager/mathjax-hub.js", priority=200)
    app.add_js_file("mlsys/accessibility.js")
    app.add_js_file("mlsys/questions.js")
    app.add_css_file("mlsys/questions.css")
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", mark_citations_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
