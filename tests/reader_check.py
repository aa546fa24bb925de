"""A reader's-eye test of the built book: every page in headless Chromium, network off.

Serves ``_build/html`` on localhost and opens every page in Chromium (Debian's
``/usr/bin/chromium``, driven by Playwright) with every request that would leave the
book blocked. A page fails when it

- logs a console error or throws,
- makes a request that leaves the book, or a local request that fails (404, ...),
- shows math that MathJax did not typeset,
- has an image that did not load, or a link to the book's PDF that does not resolve,
- has a widget output that the widget manager did not render,
- has a code cell or output that needs sideways scrolling, or a display equation wider than
  the text column, at a 1280 px window,
- has a figure without a real description (alt text missing or a file name),
- has a figure or widget frame whose text displays smaller than the body's smallest font.

It also estimates the size of the text inside every figure and widget frame as the reader sees
it: the book's figures use 10 pt text (``nnlib.plot.BOOK_STYLE``), which a PNG saved at ``d`` dpi
draws ``10 d / 72`` pixels tall, scaled by the displayed width over the PNG's width (the dpi is
read from the PNG's pHYs chunk). Figures whose text comes out smaller than the body's smallest
font fail the page.

On every page with a frame slider (``nnlib.widgets.frame_slider``) it also moves the
first slider one step and checks that the frame shown changes, with no kernel.

    python tests/reader_check.py [_build/html] [--screenshots DIR] [--dark]

Run by ``.ci/run`` after the book is built; exits non-zero if any page fails.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SKIP = {"genindex.html", "search.html", "prf-prf.html"}  # Sphinx index pages, no content
LAYOUT: list[dict] = []  # one LAYOUT_JS measurement per page

# In the page: math elements Sphinx emitted that MathJax left untouched.
UNRENDERED_MATH_JS = """() => [...document.querySelectorAll('.math')]
    .filter(el => !el.querySelector('mjx-container') && !el.closest('mjx-container'))
    .map(el => el.textContent.slice(0, 60))"""
BROKEN_IMAGES_JS = """() => [...document.querySelectorAll('img')]
    .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))"""
# Links to the book's PDF (the download menu's "the whole book") that do not resolve.
BROKEN_PDF_LINKS_JS = """async () => {
    const bad = [];
    for (const a of document.querySelectorAll('a[href$=".pdf"]')) {
        try { if (!(await fetch(a.href, {method: 'HEAD'})).ok) bad.push(a.href); } catch (e) { bad.push(a.href); }
    }
    return bad;
}"""
UNRENDERED_WIDGETS_JS = """() => [...document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]')]
    .filter(s => !s.parentElement.querySelector('.jupyter-widgets, .lm-Widget'))
    .map(s => s.textContent.slice(0, 80))"""
# The frame currently shown by the first frame slider: a VBox holding the slider(s) and
# a Stack that renders only its selected image. Returns the image's src (a blob URL per
# frame), or null when the page has no frame slider.
VISIBLE_FRAME_JS = """() => {
    const box = [...document.querySelectorAll('.widget-vbox')]
        .find(b => b.querySelector('.widget-slider') && b.querySelector('img'));
    if (!box) return null;
    const img = [...box.querySelectorAll('img')].find(i => i.getBoundingClientRect().width > 0);
    return img ? img.src : '';
}"""


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    """Serve ``root`` on a free localhost port in a background thread."""
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def content_pages(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.html")
                  if not {"_static", "_sources", "_images"} & set(p.relative_to(root).parts)
                  and p.name not in SKIP)


def move_first_slider(page) -> str | None:
    """Move the first frame slider one step; return a problem, or None if the frame changed."""
    before = page.evaluate(VISIBLE_FRAME_JS)
    if before is None:
        return None
    handle = page.locator(".widget-vbox .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    after = page.evaluate(VISIBLE_FRAME_JS)
    if not before or after == before:
        return "moving the frame slider did not change the frame shown"
    return None


# Layout measurements at the reader's window width: code cells and outputs that need sideways
# scrolling, display equations wider than the text column, and figures without a real
# description (alt text missing or a file name). Each is a failure.
LAYOUT_JS = """() => {
    const wide = el => el.scrollWidth > el.clientWidth + 1;
    const code = [...document.querySelectorAll('div.highlight pre, div.cell_output pre')]
        .filter(el => el.getBoundingClientRect().width > 0 && wide(el)).length;
    const equations = [...document.querySelectorAll('div.math')]
        .filter(el => { const m = el.querySelector('mjx-container');
                        return m && m.scrollWidth > el.clientWidth + 1; }).length;
    const figures = [...document.querySelectorAll('main img')]
        .filter(img => img.naturalWidth > 0 && !img.closest('.widget-image, .jupyter-widgets'));
    const noAlt = figures.filter(img => !img.alt || /[0-9a-f]{16,}\\.(png|jpe?g|svg)$/.test(img.alt)).length;
    return {code, equations, figures: figures.length, noAlt};
}"""

# Text size inside figures and visible widget frames, as displayed: 10 pt at the PNG's dpi (its
# pHYs chunk; 72 if absent), times displayed width / PNG width. Compared with the smallest font
# of the body text (paragraphs, list items, captions, code).
FIGURE_TEXT_JS = """async () => {
    const dpiOf = async src => {
        const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
        for (let i = 8; i + 8 < bytes.length; ) {
            const len = (bytes[i] << 24 | bytes[i + 1] << 16 | bytes[i + 2] << 8 | bytes[i + 3]) >>> 0;
            const type = String.fromCharCode(...bytes.slice(i + 4, i + 8));
            if (type === 'pHYs') {
                const ppm = (bytes[i + 8] << 24 | bytes[i + 9] << 16 | bytes[i + 10] << 8 | bytes[i + 11]) >>> 0;
                return ppm * 0.0254;
            }
            if (type === 'IDAT') break;
            i += 12 + len;
        }
        return 72;
    };
    const body = [...document.querySelectorAll('main p, main li, main figcaption, main pre')]
        .filter(el => el.getBoundingClientRect().width > 0)
        .map(el => parseFloat(getComputedStyle(el).fontSize));
    const smallest = body.length ? Math.min(...body) : 12;
    const images = [...document.querySelectorAll('main img')]
        .filter(img => img.naturalWidth >= 100 && img.getBoundingClientRect().width > 0  // figures, not icons
                       && /\\.png$|^blob:|^data:image\\/png/.test(img.src));
    const small = [];
    for (const img of images) {
        let dpi = 72;
        try { dpi = await dpiOf(img.src); } catch (e) {}
        const px = 10 * dpi / 72 * img.getBoundingClientRect().width / img.naturalWidth;
        if (px < smallest - 0.5) small.push(Math.round(px * 10) / 10);
    }
    return {smallest, images: images.length, small};
}"""


def check_page(context, url: str, screenshot: Path | None) -> tuple[list[str], bool]:
    """Open one page and return (its problems, whether it had a frame slider that moved)."""
    problems: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text[:200]}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {str(e)[:200]}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    page.wait_for_timeout(500)  # let the widget manager finish rendering
    problems += [f"unrendered math: {m!r}" for m in page.evaluate(UNRENDERED_MATH_JS)]
    problems += [f"image did not load: {src}" for src in page.evaluate(BROKEN_IMAGES_JS)]
    problems += [f"widget not rendered: {w}" for w in page.evaluate(UNRENDERED_WIDGETS_JS)]
    problems += [f"PDF link does not resolve: {u}" for u in page.evaluate(BROKEN_PDF_LINKS_JS)]
    layout = page.evaluate(LAYOUT_JS)
    layout["text"] = page.evaluate(FIGURE_TEXT_JS)
    LAYOUT.append(layout)
    if layout["code"]:
        problems.append(f"{layout['code']} code cell(s) or output(s) need sideways scrolling")
    if layout["equations"]:
        problems.append(f"{layout['equations']} display equation(s) wider than the text column")
    if layout["noAlt"]:
        problems.append(f"{layout['noAlt']} figure(s) without alt text (or with a file name as alt text)")
    if layout["text"]["small"]:
        sizes = ", ".join(f"{px:g}" for px in layout["text"]["small"])
        problems.append(f"{len(layout['text']['small'])} figure(s) draw 10 pt text at {sizes} px, below the body's "
                        f"smallest font ({layout['text']['smallest']:g} px): narrower figure, panels in rows")
    had_slider = page.evaluate(VISIBLE_FRAME_JS) is not None
    slider_problem = move_first_slider(page)
    if slider_problem:
        problems.append(slider_problem)
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=False)
    page.close()
    return problems, had_slider and not slider_problem


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Open every page of the built book offline and check it.")
    parser.add_argument("root", nargs="?", type=Path, default=Path("_build/html"))
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of every page here")
    parser.add_argument("--dark", action="store_true", help="emulate a reader in dark mode")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "intro.html").exists():
        parser.error(f"{root} holds no built book (run `jupyter-book build .` first)")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)

    server, port = serve(root)
    left_the_book: list[str] = []

    def offline(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            left_the_book.append(route.request.url)
            route.abort("internetdisconnected")

    failures = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1600},
                                      color_scheme="dark" if args.dark else "light")
        context.route("**/*", offline)
        for path in content_pages(root):
            rel = path.relative_to(root).as_posix()
            shot = args.screenshots / (rel.replace("/", "__") + ".png") if args.screenshots else None
            left_the_book.clear()
            problems, slider_ok = check_page(context, f"http://127.0.0.1:{port}/{rel}", shot)
            problems += [f"request left the book: {u}" for u in left_the_book]
            status = "ok" if not problems else "FAIL"
            print(f"{status:4}  {rel}{'  (frame slider moved)' if slider_ok else ''}")
            for problem in problems:
                print(f"      - {problem}")
            failures += bool(problems)
        browser.close()
    server.shutdown()
    total = {k: sum(m[k] for m in LAYOUT) for k in ("code", "equations", "figures", "noAlt")}
    print(f"layout at 1280 px: {total['code']} code/output blocks scroll sideways, {total['equations']} "
          f"display equations wider than the column, {total['noAlt']} of {total['figures']} figures "
          "without a real description (alt text)")
    images = sum(m["text"]["images"] for m in LAYOUT)
    small = [px for m in LAYOUT for px in m["text"]["small"]]
    smallest = min((m["text"]["smallest"] for m in LAYOUT), default=0)
    print(f"figure text: {len(small)} of {images} figures and visible widget frames draw their 10 pt text "
          f"smaller than the body's smallest font ({smallest:g} px)"
          + (f"; smallest {min(small):g} px, median {sorted(small)[len(small) // 2]:g} px" if small else ""))
    print(f"{failures} page(s) with problems")
    return int(failures > 0)


if __name__ == "__main__":
    sys.exit(main())
