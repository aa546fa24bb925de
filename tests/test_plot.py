import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import plot
try:
    from nnlib.train import History  # torch-backed
except ImportError:
    History = None
needs_torch = pytest.mark.skipif(History is None, reason="nnlib.train needs torch")


def test_style_is_opaque_white():
    assert mpl.colors.to_hex(mpl.rcParams["figure.facecolor"]) == "#ffffff"
    assert mpl.rcParams["savefig.transparent"] is False


def test_fig_to_png_closes_and_renders():
    fig, ax = plt.subplots(figsize=(2, 2))
    png = plot.fig_to_png(fig, dpi=50)
    assert png.startswith(b"\x89PNG") and not plt.fignum_exists(fig.number)


def test_fig_to_png_is_a_palette_image_that_records_its_dpi():
    from io import BytesIO

    from PIL import Image

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    image = Image.open(BytesIO(plot.fig_to_png(fig, dpi=80)))
    assert image.mode == "P" and image.size == (240, 160)
    assert image.info["dpi"] == pytest.approx((80, 80), abs=0.01)


def test_figures_wider_than_the_column_are_shrunk_keeping_their_aspect():
    """The book style's figure hook: 10 pt text shows at >= 13 px in the 672 px column."""
    wide, _ = plt.subplots(1, 3, figsize=(12, 4))
    narrow = plt.figure(figsize=(5, 3))
    assert wide.get_size_inches() == pytest.approx((plot.MAX_FIGURE_WIDTH, 4 * plot.MAX_FIGURE_WIDTH / 12))
    assert narrow.get_size_inches() == pytest.approx((5, 3))
    assert 10 / 72 * 672 / plot.MAX_FIGURE_WIDTH >= 12.9
    plt.close("all")


def test_image_grid_accepts_flat_square_images():
    fig = plot.image_grid(np.zeros((12, 64)), labels=list(range(12)), ncols=5)
    assert len(fig.axes) == 15
    plt.close(fig)
    with pytest.raises(ValueError, match="square"):
        plot.image_grid(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="labels"):
        plot.image_grid(np.zeros((3, 4, 4)), labels=[1])


def test_decision_regions_and_learning_curves():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    ax = plot.decision_regions(lambda P: (P[:, 0] > P[:, 1]).astype(int), X, y, resolution=20)
    assert ax.get_xlabel() == "$x_1$"
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plot.decision_regions(lambda P: P, np.zeros((3, 3)), y)
    if History is None:
        return  # nnlib.train (torch) is not installed: the rest of this test needs it
    h = History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.7], metrics={"train_acc": [0.5, 0.9], "val_acc": [0.4, 0.8]})
    ax = plot.learning_curves({"run": h}, metric="acc")
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="unknown metric"):
        plot.learning_curves(h, metric="f1")
    plt.close("all")


def test_histograms_share_bins_and_check_input():
    rng = np.random.default_rng(0)
    ax = plot.histograms({"layer 1": rng.normal(size=100), "layer 2": 1e-6 * rng.normal(size=(10, 10))},
                         log_abs=True, xlabel="gradient")
    assert len(ax.patches) == 2 and "log" in ax.get_xlabel()
    with pytest.raises(ValueError, match="at least one"):
        plot.histograms({})
    with pytest.raises(ValueError, match="no values"):
        plot.histograms({"zeros": np.zeros(3)}, log_abs=True)
    plt.close("all")
