"""Datasets: letter bitmaps for Hopfield networks (chapter 09)."""

__all__: list[str] = []
