"""Torch models: multi-layer perceptrons (chapters 05-06)."""

__all__: list[str] = []
