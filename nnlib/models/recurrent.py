"""Torch models: Elman RNN and LSTM written from the equations (chapter 11)."""

__all__: list[str] = []
