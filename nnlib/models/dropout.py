"""Torch models: networks with dropout for MC-dropout inference (chapter 12)."""

__all__: list[str] = []
