"""Input conversion shared by the torch models: one place, one set of error messages."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .._checks import as_float_array, check_sizes


def check_real_tensors(op: str, **tensors: torch.Tensor) -> None:
    """Refuse anything but real floating tensors for the named arguments of ``op`` (``TypeError``).

    For functions on tensors that are not a model's input (losses, KL terms), where a numpy
    array, an integer tensor or a complex tensor would otherwise fail deep inside torch or
    silently drop an imaginary part.
    """
    for name, t in tensors.items():
        check_tensor(f"{op}: {name}", t)


def as_model_input(model: nn.Module, name: str, x) -> torch.Tensor:
    """``x`` as a floating tensor in the dtype of ``model``'s parameters.

    Numpy arrays and nested lists are converted (strictly: None, strings, complex and
    object input raise ``TypeError`` naming ``name``); floating or integer tensors are
    cast to the model's dtype, so a float32 batch works with a float64 model. Complex
    tensors are refused.
    """
    param = next(model.parameters(), None)
    dtype = param.dtype if param is not None else torch.get_default_dtype()
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise TypeError(f"{name} must be a real tensor, got dtype {x.dtype}")
        return x if x.dtype == dtype else x.to(dtype)
    return torch.as_tensor(as_float_array(name, x), dtype=dtype)


def check_module(name: str, value) -> nn.Module:
    """Return ``value`` if it is a ``torch.nn.Module``, else raise ``TypeError`` naming ``name``."""
    if not isinstance(value, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(value).__name__}")
    return value


def check_modules(name: str, values) -> list:
    """Return ``values``, a non-empty sequence of ``torch.nn.Module``, as a list (``TypeError``/``ValueError`` naming ``name``)."""
    if isinstance(values, (nn.Module, str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a list of torch.nn.Module, got {type(values).__name__}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one model, got an empty {type(values).__name__}")
    return [check_module(f"{name}[{i}]", m) for i, m in enumerate(values)]


def check_tensor(name: str, value, *, ndim: int | None = None) -> torch.Tensor:
    """Return ``value`` if it is a real floating tensor (of ``ndim`` dimensions if given), else raise naming ``name``."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a real floating tensor, got dtype {value.dtype}")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(value.shape)}")
    return value


def check_metrics(name: str, metrics) -> dict:
    """Return ``metrics``, None or a dict name -> callable, as a dict (``TypeError`` naming ``name``)."""
    if metrics is None:
        return {}
    if not isinstance(metrics, dict):
        raise TypeError(f"{name} must be a dict name -> fn(outputs, targets), got {type(metrics).__name__}")
    for key, fn in metrics.items():
        if not callable(fn):
            raise TypeError(f"{name}[{key!r}] must be a function fn(outputs, targets), got {type(fn).__name__}")
    return metrics


def check_hidden_sizes(name: str, value) -> list[int]:
    """Hidden-layer widths as a list: one integer (a single hidden layer) or a sequence of integers >= 1."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    return check_sizes(name, value)


def check_features(owner: str, name: str, x: torch.Tensor, size: int, *, batched: bool = True) -> None:
    """Raise ``ValueError`` unless ``x`` has shape (batch, size), or (..., size) if not ``batched``; the
    message names the model (``owner``, e.g. ``"VAE(in_features=64, latent_size=2)"``) and the argument."""
    if not ((x.dim() == 2 if batched else x.dim() >= 1) and x.shape[-1] == size):
        raise ValueError(f"{name} of {owner} must have shape ({'batch' if batched else '...'}, {size}), "
                         f"got shape {tuple(x.shape)}")
