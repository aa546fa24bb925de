"""Datasets: sequence tasks for recurrent networks (chapter 11)."""

__all__: list[str] = []
