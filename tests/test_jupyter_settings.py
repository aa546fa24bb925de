"""The book's Jupyter settings (jupyter/, installed by requirements.txt) reach JupyterLab.

JupyterLab and Notebook 7 merge ``<app dir>/settings/overrides.d/*.json`` into the defaults of
their plugins' settings. The book needs one: the widget manager saves the sliders' state with the
notebook, so a chapter saved after a run (JupyterLab autosaves) still shows its sliders when it is
opened again.
"""

import json
from pathlib import Path

import pytest

settings_utils = pytest.importorskip("jupyterlab_server.settings_utils", reason="JupyterLab is not installed")
commands = pytest.importorskip("jupyterlab.commands", reason="JupyterLab is not installed")

ROOT = Path(__file__).resolve().parent.parent
WIDGETS = "@jupyter-widgets/jupyterlab-manager:plugin"


def test_the_source_file_sets_save_state():
    assert json.loads((ROOT / "jupyter" / "nnlib.json").read_text()) == {WIDGETS: {"saveState": True}}


def test_jupyterlab_sees_widget_state_saving():
    app_settings_dir = Path(commands.get_app_dir()) / "settings"
    overrides, error = settings_utils._get_overrides(str(app_settings_dir))
    assert not error, error
    assert overrides.get(WIDGETS, {}).get("saveState") is True, (
        f"JupyterLab's overrides in {app_settings_dir} do not save widget state; "
        "install the book's settings with `pip install -r requirements.txt` (the ./jupyter line)")
