"""Sphinx extension: drop script tags that appear twice on a page.

sphinx-thebe (pulled in by Jupyter Book 1) registers its inline configuration script
each time documents are read, so a page can declare ``const THEBE_JS_URL`` twice and
the browser logs "Identifier 'THEBE_JS_URL' has already been declared" on every page.
Keeping only the first copy of each identical script gives pages with a clean console.
"""


def _drop_duplicates(app, pagename, templatename, context, doctree) -> None:
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


def setup(app):
    app.connect("html-page-context", _drop_duplicates, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
