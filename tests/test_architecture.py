"""The architecture of nnlib (CONTRIBUTING.md): three layers, imports pointing down only.

Parses every module's source (no import needed) and checks each import against the layer
rules, then imports the whole from-scratch layer in a subprocess where torch cannot be
imported, which is what `pip install nnlib` without the torch extra gives.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nnlib"
FOUNDATION = {"nnlib", "nnlib._checks", "nnlib._random"}
TORCH_LAYER = {"nnlib.models", "nnlib.train", "nnlib.uncertainty"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(name: str) -> str:
    if name in FOUNDATION:
        return "foundation"
    if any(name == t or name.startswith(t + ".") for t in TORCH_LAYER):
        return "torch"
    return "scratch"


def imports(path: Path):
    """(imported module, at module level?) for every import statement of a file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names = [target + "." + a.name for a in node.names] if not node.module and node.level else [target]
            found += [(t, id(node) in top) for t in names]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path):
    me = module_name(path)
    for target, top_level in imports(path):
        if target == "torch" or target.startswith("torch."):
            if layer(me) != "torch":
                assert not top_level, f"{me} imports torch at module level; only {sorted(TORCH_LAYER)} may"
            continue
        if not target.startswith("nnlib"):
            continue
        if layer(me) == "foundation":
            assert layer(target) == "foundation" or target == "nnlib._random", f"{me} (foundation) imports {target}"
        if layer(me) == "scratch":
            assert layer(target) != "torch", f"{me} (numpy layer) imports the torch layer ({target})"
        if me.startswith("nnlib.models"):
            assert not target.startswith(("nnlib.train", "nnlib.uncertainty")), (
                f"{me} imports {target}: models must not depend on training or inference code")


def test_numpy_layer_imports_without_torch():
    scratch = [module_name(p) for p in MODULES if layer(module_name(p)) != "torch"]
    code = ("import sys; sys.modules['torch'] = None\n"  # any `import torch` now fails
            f"import importlib\nfor m in {scratch!r}:\n    importlib.import_module(m)\nprint('ok')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
