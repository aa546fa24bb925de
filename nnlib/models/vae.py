"""Torch models: the variational autoencoder (chapter 10)."""

__all__: list[str] = []
