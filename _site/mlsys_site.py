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
8. The printed edition (mlsys_print = True, set by `python -m mlsys.pdf` for its singlehtml
   build only): each explorer's output becomes a numbered figure made of the printable image
   and caption it carries (mlsys.explorer.with_print_fallback), and the page gets the print
   stylesheet and script (_site/print.css, _site/print.js), every id is prefixed with its
   document's name so that the one page holds each id once, and chapters/NN_topic is numbered
   NN, as the book's files and prose number it. The website never sees any of it.
"""

import re
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
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
PRINT_ONLY = [("_site/print.css", "mlsys"), ("_site/print.js", "mlsys")]  # mlsys_print builds


def copy_vendor_files(app):
    if app.builder.format != "html":
        return
    for source, folder in VENDOR + (PRINT_ONLY if app.config.mlsys_print else []):
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


WIDGET = "application/vnd.jupyter.widget-view+json"


class ExplorerFigures(SphinxTransform):
    """In the printed edition, an explorer's output is its first figure, numbered, captioned.

    myst-nb keeps every format of an output in a mime bundle until a post-transform picks one
    per builder. This runs while the page is read, so that Sphinx numbers the figures it makes,
    and only for bundles that hold the widget, its PNG and its caption (text/markdown: the
    figure's alt text, then what the sliders vary).
    """

    default_priority = 880

    def apply(self, **kwargs):
        if not self.config.mlsys_print:
            return
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            parts = {child.get("mime_type"): child for child in bundle.children}
            if not {WIDGET, "image/png", "text/markdown"} <= parts.keys():
                continue
            images = list(parts["image/png"].findall(nodes.image))
            paragraphs = list(parts["text/markdown"].findall(nodes.paragraph))
            if len(images) != 1 or not paragraphs:
                continue
            image = images[0]
            image["alt"] = paragraphs[0].astext()
            image.parent.remove(image)
            figure = nodes.figure("", image, classes=["mlsys-explorer-figure"])
            caption = nodes.caption("", "", *paragraphs[0].children)
            caption.source, caption.line = bundle.source, bundle.line
            figure += caption
            if len(paragraphs) > 1:
                figure += nodes.legend("", *paragraphs[1:])
            figure["ids"].append(self.document.set_id(figure, suggested_prefix="explorer"))
            figure.source, figure.line = bundle.source, bundle.line
            bundle.replace_self(figure)


def html_handlers_for_singlehtml(app):
    """Give the singlehtml builder every html visitor it lacks.

    Sphinx looks a node's visitor up by builder name, and by format only when no extension
    registered a visitor for that name. sphinx-exercise registers some for singlehtml, so the
    html visitors of the other extensions (sphinx-jupyterbook-latex's hidden cells) are missing.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    for name, visitors in handlers.get("html", {}).items():
        handlers.setdefault("singlehtml", {}).setdefault(name, visitors)


def unique_ids_per_document(app, docname, source):
    """In the printed edition, prefix every id a document makes with the document's name.

    The singlehtml builder puts every document into one page, and docutils numbers ids per
    document (id1, id2...; "key-takeaways" in every chapter), so a link to one went to the first
    document that has it. Set as the page starts to be read, docutils' id_prefix makes each id,
    and every reference Sphinx resolves to it, unique.
    """
    if not app.config.mlsys_print:
        return
    prefix = re.sub(r"[^a-z0-9]+", "-", docname.lower()).strip("-") + "-"
    for publisher in app.registry.publishers.values():
        publisher.settings.id_prefix = prefix


def number_chapters_from_zero(app, env):
    """In the printed edition, chapters/NN_topic is chapter NN: its sections NN.1, NN.2...

    Sphinx numbers a toc from 1, the book's files and its prose ("chapter 04") from 00. This
    runs after Sphinx assigned the section and figure numbers and takes one off the chapter's
    number wherever Sphinx keeps it (headings, contents lists, figures).
    """
    if not app.config.mlsys_print:
        return []
    for docname, numbers in env.toc_secnumbers.items():
        if docname.startswith("chapters/"):
            for anchor, number in numbers.items():
                numbers[anchor] = (number[0] - 1, *number[1:]) if number else number
    for docname, toc in env.tocs.items():  # the contents lists read these copies
        if docname.startswith("chapters/"):
            for reference in toc.findall(nodes.reference):
                number = reference.get("secnumber")
                if number:
                    reference["secnumber"] = (number[0] - 1, *number[1:])
    for docname, kinds in env.toc_fignumbers.items():
        if docname.startswith("chapters/"):
            for figures in kinds.values():
                for figure_id, number in figures.items():
                    figures[figure_id] = (number[0] - 1, *number[1:]) if number else number
    return []


def add_print_files(app, config):
    if config.mlsys_print:
        app.add_js_file("mlsys/print.js")
        app.add_css_file("mlsys/print.css")


def setup(app):
    app.add_config_value("mlsys_print", False, "env", types=[bool])
    app.add_transform(ExplorerFigures)
    app.connect("config-inited", add_print_files)
    app.connect("source-read", unique_ids_per_document)
    app.connect("env-get-updated", number_chapters_from_zero, priority=900)
    app.connect("config-inited", use_book_templates)
    app.connect("builder-inited", copy_vendor_files)
    app.connect("builder-inited", html_handlers_for_singlehtml)
    # Before MathJax (priority 500) and the widget renderer: see _site/mathjax-hub.js.
    app.add_js_file("html-manager/mathjax-hub.js", priority=200)
    app.add_js_file("mlsys/accessibility.js")
    app.add_js_file("mlsys/questions.js")
    app.add_css_file("mlsys/questions.css")
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", mark_citations_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
