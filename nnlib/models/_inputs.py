"""Input conversion shared by the torch models: one place, one set of error messages."""

from __future__ import annotations

import torch
from torch import nn

from .._checks import as_float_array


def check_real_tensors(op: str, **tensors: torch.Tensor) -> None:
    """Refuse anything but real floating tensors for the named arguments of ``op`` (``TypeError``).

    For functions on tensors that are not a model's input (losses, KL terms), where a numpy
    array, an integer tensor or a complex tensor would otherwise fail deep inside torch or
    silently drop an imaginary part.
    """
    for name, t in tensors.items():
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{op}: {name} must be a torch tensor, got {type(t).__name__}")
        if not t.is_floating_point():
            raise TypeError(f"{op}: {name} must be a real floating tensor, got dtype {t.dtype}")


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
