"""Sphinx extension: small fixes to the pages the theme produces.

- sphinx-thebe (pulled in by Jupyter Book 1) registers its inline configuration script
  each time documents are read, so a page can declare ``const THEBE_JS_URL`` twice and
  the browser logs "Identifier 'THEBE_JS_URL' has already been declared" on every page.
  Only the first copy of each identical script is kept.
- ``static/book.css`` lets wide display equations scroll instead of being cut off.
"""

from pathlib import Path


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (getattr(script, "filename", script) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _add_static_path(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(Path(__file__).parent / "static")]


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    app.add_css_file("book.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
