"""The book's figure style and the figure helpers shared by chapters.

Importing this module applies the style: an opaque white background (so figures stay
readable when the book is shown in dark mode), light grids, no top/right spines and a
colour-blind-friendly colour cycle. Every helper returns the matplotlib object it drew
on, so a chapter can add labels before calling ``plt.show()``.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ._checks import as_float_array, check_budget, check_callable, check_flag, check_positive, check_positive_int, check_real

__all__ = [
    "BOOK_STYLE",
    "MAX_FIGURE_WIDTH",
    "fit_to_column",
    "use_book_style",
    "fig_to_png",
    "image_grid",
    "decision_regions",
    "learning_curves",
    "histograms",
]

# Okabe & Ito's colour-blind-safe palette.
_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

#: Widest figure, in inches, that the book shows at full size. The HTML book's text column is
#: 672 px wide at a 1280 px window; a figure ``w`` inches wide is scaled to it, so its 10 pt text
#: is drawn ``10 / 72 * 672 / w`` px tall: 13 px (the body's smallest font) at ``w = 7.2``.
MAX_FIGURE_WIDTH = 7.2


def fit_to_column(fig) -> None:
    """Shrink a figure wider than :data:`MAX_FIGURE_WIDTH` to that width, keeping its aspect.

    Installed as a matplotlib figure hook by ``BOOK_STYLE`` (``figure.hooks``), so every
    ``plt.figure``/``plt.subplots`` of a chapter is at most as wide as the text column and its
    text is never shrunk below the body's font in the HTML book (nor in the PDF, which scales
    figures to the line width the same way). Fonts keep their point sizes; the panels get smaller.
    """
    width, height = fig.get_size_inches()
    if width > MAX_FIGURE_WIDTH:
        fig.set_size_inches(MAX_FIGURE_WIDTH, height * MAX_FIGURE_WIDTH / width, forward=False)


BOOK_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=_PALETTE),
    "font.size": 10,  # every text of a figure is at least this size (see MAX_FIGURE_WIDTH)
    "axes.titlesize": "medium",
    "legend.frameon": False,
    "image.cmap": "viridis",
    "figure.hooks": ["nnlib.plot:fit_to_column"],
    # Jupyter saves figures with a tight bounding box plus this margin on each side: a thin one
    # keeps a MAX_FIGURE_WIDTH figure within 7.2 in, so its text still shows at 13 px
    "savefig.pad_inches": 0.02,
}


def use_book_style() -> None:
    """Apply ``BOOK_STYLE`` to matplotlib's global settings (done on import)."""
    mpl.rcParams.update(BOOK_STYLE)


use_book_style()


def fig_to_png(fig, dpi: int = 100) -> bytes:
    """Render a figure to PNG bytes on an opaque white background and close it.

    The figure keeps its own size (no tight bounding box), so frames of a widget
    drawn with the same ``figsize`` all have the same pixel size. The image is stored
    with a palette of at most 256 colours (a plot has few colours besides the shades of
    its anti-aliased edges), which makes it about three times smaller than full colour
    with no visible change; the PNG records its ``dpi``, which the reader check uses to
    measure the size of the figure's text as displayed.
    """
    from PIL import Image

    if not hasattr(fig, "savefig"):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    dpi = check_positive_int("dpi", dpi)
    check_budget("fig_to_png (figure size x dpi)", fig.get_figwidth() * fig.get_figheight() * dpi**2,
                 "MAX_ELEMENTS", "pixels")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    plt.close(fig)
    image = Image.open(buffer).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True, dpi=(dpi, dpi))
    return out.getvalue()


def image_grid(images, labels=None, *, ncols: int = 10, cmap: str = "gray_r", size: float = 0.9,
               vmin=None, vmax=None, title: str | None = None):
    """Show a batch of small images (e.g. 8x8 digits) in a grid; returns the figure.

    Parameters
    ----------
    images : array of shape (n, h, w), or (n, h*w) for square images
    labels : optional sequence of n strings/numbers shown above the images
    ncols : images per row
    size : inches per image
    """
    images = as_float_array("images", images)
    ncols = check_positive_int("ncols", ncols)
    size = check_positive("size", size)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"flat images must be square, got {images.shape[1]} pixels per image")
        images = images.reshape(len(images), side, side)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (n, h, w) with n >= 1, got {images.shape}")
    if labels is not None and (isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__")):
        raise TypeError(f"labels must be a sequence with one label per image, got {type(labels).__name__} {labels!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    vmin = None if vmin is None else check_real("vmin", vmin)
    vmax = None if vmax is None else check_real("vmax", vmax)
    if not isinstance(cmap, (str, mpl.colors.Colormap)):
        raise TypeError(f"cmap must be a matplotlib colormap or its name, got {type(cmap).__name__} {cmap!r}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images")
    ncols = min(ncols, len(images))
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if title else 0)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize="medium")
    if title:
        fig.suptitle(title)
    return fig


def decision_regions(predict, X, y, *, ax=None, resolution: int = 200, padding: float = 0.5):
    """Colour the plane by a classifier's predicted class and scatter the data on top.

    ``predict`` maps an (m, 2) numpy array of points to m integer class labels.
    """
    X = as_float_array("X", X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0 or not np.all(np.isfinite(X)):
        raise ValueError(f"decision_regions needs finite 2-D inputs X of shape (n, 2), n >= 1, got shape {X.shape}")
    if y.shape != (len(X),) or y.dtype.kind not in "iub":
        raise ValueError(f"decision_regions needs integer class labels y of shape ({len(X)},), "
                         f"got {y.dtype} of shape {y.shape}")
    check_callable("predict", predict, "a function predict(points (m, 2)) -> m class labels")
    resolution = check_positive_int("resolution", resolution)
    check_budget("resolution ** 2 (grid points)", resolution ** 2, "MAX_ELEMENTS", "points")
    padding = check_positive("padding", padding)
    if ax is None:
        _, ax = plt.subplots()
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    labels = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()]))
    if labels.shape != (gx.size,):
        raise ValueError(f"predict must return one label per point: {gx.size} points gave shape {labels.shape}")
    labels = labels.reshape(gx.shape)
    classes = np.unique(y)
    colours = mpl.colors.ListedColormap(_PALETTE[: max(len(classes), 2)])
    ax.contourf(gx, gy, labels, levels=np.arange(len(classes) + 1) - 0.5, cmap=colours, alpha=0.25)
    for k, c in enumerate(classes):
        ax.scatter(*X[y == c].T, s=12, color=_PALETTE[k % len(_PALETTE)], label=f"class {c}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best")
    return ax


def learning_curves(histories, *, metric: str = "loss", ax=None, logy: bool = False):
    """Plot training (solid) and validation (dashed) curves of one or more runs.

    ``histories`` is a :class:`nnlib.train.History`, or a dict mapping a run name to a
    History. ``metric`` is ``"loss"`` or the name of a metric given to ``fit``
    (e.g. ``"acc"`` reads ``train_acc``/``val_acc``).
    """
    logy = check_flag("logy", logy)
    if not isinstance(histories, dict):
        histories = {"": histories}
    if not histories:
        raise ValueError("histories must hold at least one History, got an empty dict")
    for name, h in histories.items():
        if not hasattr(h, "curve"):
            raise TypeError(f"histories must be a nnlib.train.History or a dict of them, got {type(h).__name__} "
                            + (f"for {name!r}" if name else ""))
    if ax is None:
        _, ax = plt.subplots()
    for k, (name, h) in enumerate(histories.items()):
        colour = _PALETTE[k % len(_PALETTE)]
        train, val = h.curve(metric)
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, color=colour, label=f"{name} train".strip())
        if val:
            ax.plot(epochs, val, color=colour, ls="--", label=f"{name} validation".strip())
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def histograms(arrays: dict, *, ax=None, bins: int = 40, log_abs: bool = False, xlabel: str = "value"):
    """Overlaid step histograms of several arrays, e.g. the weights or gradients of each layer.

    ``arrays`` maps a label (``"layer 1"``) to an array of any shape; every array is
    flattened. With ``log_abs=True`` the histograms are of :math:`\\log_{10}|v|` (zeros
    dropped), which shows quantities spread over many orders of magnitude, such as the
    vanishing gradients of chapter 06. All histograms share the same bins. ``xlabel``
    names the quantity and may contain matplotlib math, e.g. ``r"$\\partial E/\\partial W$"``.
    """
    log_abs = check_flag("log_abs", log_abs)
    if not isinstance(xlabel, str):
        raise TypeError(f"xlabel must be a string, got {type(xlabel).__name__}")
    if arrays is not None and not isinstance(arrays, dict):
        raise TypeError(f"arrays must be a dict label -> array, got {type(arrays).__name__}")
    if not arrays:
        raise ValueError("arrays must hold at least one array to plot, got none")
    values = {}
    for label, a in arrays.items():
        v = as_float_array("a", a).ravel()
        if log_abs:
            v = np.log10(np.abs(v[v != 0]))
        if v.size == 0:
            raise ValueError(f"histograms: the array for {label!r} has no values to plot")
        values[label] = v
    bins = check_positive_int("bins", bins)
    edges = np.histogram_bin_edges(np.concatenate(list(values.values())), bins=bins)
    if ax is None:
        _, ax = plt.subplots()
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(values)))
    for colour, (label, v) in zip(colours, values.items()):
        ax.hist(v, bins=edges, histtype="step", color=colour, label=label)
    ax.set_xlabel(f"$\\log_{{10}}$ |{xlabel}|" if log_abs else xlabel)
    ax.set_ylabel("count")
    ax.legend()
    return ax
