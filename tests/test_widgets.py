import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib.widgets import FrameSlider, frame_slider


def draw_sine(freq, phase=0.0):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(np.sin(freq * np.linspace(0, 6, 50) + phase))
    return fig


def test_one_parameter_links_slider_to_stack():
    w = frame_slider(draw_sine, freq=[1, 2, 3])
    assert isinstance(w, FrameSlider)
    slider, stack = w.children
    assert len(w.frames) == 3 and len(stack.children) == 3
    assert [label for label, _ in slider.options] == ["1", "2", "3"]
    assert all(f.startswith(b"\x89PNG") for f in w.frames)
    assert len(set(w.frames)) == 3, "different values must give different frames"
    assert repr(w) == "FrameSlider(freq[3], 3 frames)"


def test_two_parameters_nest_stacks():
    w = frame_slider(draw_sine, freq=[1, 2], phase=[0.0, 0.5, 1.0])
    s1, s2, outer = w.children
    assert len(outer.children) == 2 and all(len(row.children) == 3 for row in outer.children)
    assert len(w.frames) == 6 and w.nbytes == sum(map(len, w.frames))
    # row-major order: the frame for (freq=2, phase=0.5) is row 1, column 1
    assert outer.children[1].children[1].value == w.frames[1 * 3 + 1]


def test_figures_are_closed():
    before = len(plt.get_fignums())
    frame_slider(draw_sine, freq=[1, 2])
    assert len(plt.get_fignums()) == before


@pytest.mark.parametrize("params, message", [
    ({}, "one or two parameters"),
    ({"a": [1], "b": [1], "c": [1]}, "one or two parameters"),
    ({"freq": []}, "non-empty sequence"),
    ({"freq": "abc"}, "non-empty sequence"),
])
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        frame_slider(draw_sine, **params)


def test_size_budget_is_enforced():
    with pytest.raises(ValueError, match="exceed max_bytes"):
        frame_slider(draw_sine, max_bytes=1000, freq=[1, 2, 3])


def test_static_formats_get_a_strip_of_key_frames():
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from nnlib.widgets import frame_slider

    def draw(a, b=0.0):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [b, a])
        return fig
    one = frame_slider(draw, a=[1, 2, 3, 4, 5, 6])
    assert one.key_frames() == [one.frames[i] for i in (0, 2, 3, 5)]
    bundle = one._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert {"image/png", "application/vnd.jupyter.widget-view+json", "text/plain"} <= set(data)
    strip = Image.open(io.BytesIO(data["image/png"]))
    frame = Image.open(io.BytesIO(one.frames[0]))
    # 2 x 1.5 in frames: two fit one PDF page at the text width, one above the other
    assert strip.width == frame.width and strip.height == 2 * frame.height + 8
    assert Image.open(io.BytesIO(one.strip_png(n=3))).height == 3 * frame.height + 2 * 8
    two = frame_slider(draw, a=[1, 2, 3], b=[0.0, 1.0])  # the diagonal of the grid
    assert two.key_frames() == [two.frames[0], two.frames[3], two.frames[5]]


def test_labels_name_the_quantity_and_unit():
    w = frame_slider(draw_sine, labels={"freq": "frequency (rad per unit time)"}, freq=[1, 2])
    assert w.children[0].description == "frequency (rad per unit time)"
    assert frame_slider(draw_sine, freq=[1, 2]).children[0].description == "freq"
    with pytest.raises(ValueError, match=r"labels must map parameter names \(freq\) to strings"):
        frame_slider(draw_sine, labels={"phase": "phase"}, freq=[1, 2])
