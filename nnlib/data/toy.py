"""Datasets: small generated datasets: XOR, the noisy discrete mapping, spirals, a 1-D regression set (chapters 02-06)."""

__all__: list[str] = []
