"""Torch models: convolutional networks (chapter 08)."""

__all__: list[str] = []
