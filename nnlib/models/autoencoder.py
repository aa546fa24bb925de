"""Torch models: autoencoders, optionally with tied weights (chapter 07)."""

__all__: list[str] = []
