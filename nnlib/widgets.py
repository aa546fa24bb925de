"""Sliders that work in the static HTML book as well as in Jupyter.

A live ``ipywidgets.interact`` needs a running kernel: in the HTML book its slider
moves but nothing happens. :func:`frame_slider` instead renders one PNG frame for
every value on a grid *before* the page is saved, stacks the frames, and links the
slider to the visible frame with ``jslink``, a link that runs in the browser. The
notebook stores the frames in its widget state, so the same control works in the
HTML book with no kernel and no network, and in Jupyter.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable, Sequence

import ipywidgets as widgets

from ._checks import check_positive_int
from .plot import fig_to_png

__all__ = ["FrameSlider", "frame_slider", "MAX_FRAMES", "PDF_TEXT_BLOCK"]

#: most frames one slider may precompute (each is drawn and stored in the page)
MAX_FRAMES = 400

#: width and height (inches) of the PDF book's text block, which the strip of key frames fills
PDF_TEXT_BLOCK = (6.3, 8.5)


def _label(value) -> str:
    """Slider label of a grid value: numbers at 4 significant digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.4g}"
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


class FrameSlider(widgets.VBox):
    """Sliders plus a stack of precomputed frames (see :func:`frame_slider`).

    Attributes
    ----------
    frames : list of bytes
        The PNG frames in row-major order of the parameter grid.
    params : dict
        Parameter name -> list of grid values.
    """

    def __init__(self, sliders, display, frames, params):
        super().__init__(children=[*sliders, display])
        self.frames = frames
        self.params = params

    @property
    def nbytes(self) -> int:
        """Total size of the PNG frames in bytes."""
        return sum(len(f) for f in self.frames)

    def key_frames(self, n: int = 4) -> list:
        """Up to ``n`` frames spread evenly over the slider's range (first and last included).

        With two parameters the frames run along the diagonal of the grid, so both values change.
        """
        sizes = [len(v) for v in self.params.values()]
        longest = max(sizes)
        k = min(check_positive_int("n", n), longest)
        picks = sorted({round(i * (longest - 1) / max(k - 1, 1)) for i in range(k)})
        if len(sizes) == 1:
            return [self.frames[i] for i in picks]
        return [self.frames[min(i, sizes[0] - 1) * sizes[1] + min(i, sizes[1] - 1)] for i in picks]

    def strip_png(self, n: int | None = None) -> bytes:
        """Key frames one above the other as one PNG: the widget's picture where no slider can move.

        The PDF book shows this image instead of the slider, scaled to its text width. With
        ``n=None`` the strip holds as many key frames (2 to 4) as fit one page of the PDF
        (:data:`PDF_TEXT_BLOCK`) at that width, so their text stays close to its size in the HTML.
        """
        from PIL import Image

        if n is None:
            first = Image.open(io.BytesIO(self.frames[0]))
            page_width, page_height = PDF_TEXT_BLOCK
            n = max(2, min(4, int(page_height / (page_width * first.height / first.width))))
        images = [Image.open(io.BytesIO(f)).convert("RGB") for f in self.key_frames(n)]
        width = max(im.width for im in images)
        images = [im if im.width == width else im.resize((width, round(im.height * width / im.width)))
                  for im in images]
        strip = Image.new("RGB", (width, sum(im.height for im in images) + 8 * (len(images) - 1)), "white")
        y = 0
        for im in images:
            strip.paste(im, (0, y))
            y += im.height + 8
        out = io.BytesIO()
        strip.save(out, format="PNG", optimize=True)
        return out.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        # the live widget for Jupyter and the HTML book, plus a picture for static formats (PDF)
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["image/png"] = self.strip_png()
        return bundle

    def __repr__(self) -> str:  # stable text: the notebook tests compare it
        grid = " x ".join(f"{name}[{len(values)}]" for name, values in self.params.items())
        return f"FrameSlider({grid}, {len(self.frames)} frames)"


def frame_slider(draw: Callable, *, dpi: int = 100, max_bytes: int = 2_500_000,
                 labels: dict[str, str] | None = None, **params: Sequence) -> FrameSlider:
    """Precompute ``draw`` on a grid of parameter values and return a slider widget.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` receives one value per parameter and returns a matplotlib
        Figure; the figure is rendered to PNG and closed. Give every frame the same
        ``figsize`` so the picture does not jump when the slider moves.
    dpi : int
        Resolution of the frames. At the default 100 dpi a frame up to
        ``nnlib.plot.MAX_FIGURE_WIDTH`` inches wide shows its 10 pt text at 13 px or more in
        the HTML book (the body's smallest font).
    max_bytes : int
        Upper bound on the total size of all frames (they are stored in the notebook
        and in the HTML page); exceeding it raises ``ValueError``.
    labels : dict, optional
        The slider's label for a parameter, with its meaning and unit, e.g.
        ``{"current": "input current (µA/cm²)"}``; a parameter not listed is labelled
        with its keyword.
    **params : sequence
        One or two parameters, each a non-empty sequence of values, e.g.
        ``current=[0, 5, 10]``.

    Returns
    -------
    FrameSlider
        A VBox of one slider per parameter and the frame being shown. With two
        parameters, the first slider chooses a row of frames and the second a frame
        within every row, so both links run in the browser.

    Examples
    --------
    >>> def draw(freq):
    ...     fig, ax = plt.subplots(figsize=(5, 3))
    ...     ax.plot(np.sin(freq * np.linspace(0, 6, 200)))
    ...     return fig
    >>> frame_slider(draw, freq=[1, 2, 3])  # doctest: +SKIP
    """
    if not 1 <= len(params) <= 2:
        raise ValueError(f"frame_slider takes one or two parameters, got {len(params)}: {list(params)}")
    for name, values in params.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
            raise ValueError(f"parameter {name!r} needs a non-empty sequence of values, got {values!r}")
    dpi = check_positive_int("dpi", dpi)
    max_bytes = check_positive_int("max_bytes", max_bytes)
    labels = {} if labels is None else dict(labels)
    unknown = set(labels) - set(params)
    if unknown or not all(isinstance(v, str) for v in labels.values()):
        raise ValueError(f"labels must map parameter names ({', '.join(params)}) to strings, "
                         f"got {labels!r}")
    if not callable(draw):
        raise TypeError(f"draw must be a function returning a matplotlib Figure, got {type(draw).__name__}")
    params = {name: list(values) for name, values in params.items()}
    names = list(params)
    n_frames = math.prod(len(v) for v in params.values())
    if n_frames > MAX_FRAMES:
        raise ValueError(f"frame_slider would draw {n_frames} frames, more than MAX_FRAMES={MAX_FRAMES}; "
                         "use fewer values per parameter")

    frames = []
    for combination in itertools.product(*params.values()):
        fig = draw(**dict(zip(names, combination)))
        if not hasattr(fig, "savefig"):
            raise TypeError(f"draw must return a matplotlib Figure, got {type(fig).__name__}")
        frames.append(fig_to_png(fig, dpi=dpi))
        total = sum(len(f) for f in frames)
        # refuse early: after the first frame the total is projected, after that it is counted
        projected = total if len(frames) > 1 else total * n_frames / 2
        if total > max_bytes or projected > max_bytes:
            raise ValueError(
                f"frames exceed max_bytes={max_bytes} ({total} bytes after {len(frames)} of {n_frames} "
                f"frames, about {total / len(frames) * n_frames:.3g} in all): use fewer values, a "
                "smaller figure or a lower dpi")

    images = [widgets.Image(value=f, format="png", layout=widgets.Layout(max_width="100%")) for f in frames]
    sliders = [
        widgets.SelectionSlider(options=[(_label(v), i) for i, v in enumerate(values)], value=0,
                                description=labels.get(name, name), continuous_update=True,
                                style={"description_width": "initial"},
                                layout=widgets.Layout(width="min(100%, 32rem)"))
        for name, values in params.items()
    ]
    if len(names) == 1:
        display = widgets.Stack(images, selected_index=0)
        widgets.jslink((sliders[0], "index"), (display, "selected_index"))
    else:
        n_inner = len(params[names[1]])
        rows = [widgets.Stack(images[r * n_inner:(r + 1) * n_inner], selected_index=0)
                for r in range(len(params[names[0]]))]
        display = widgets.Stack(rows, selected_index=0)
        widgets.jslink((sliders[0], "index"), (display, "selected_index"))
        for row in rows:
            widgets.jslink((sliders[1], "index"), (row, "selected_index"))
    return FrameSlider(sliders, display, frames, params)
