"""Datasets: regression data for uncertainty: the x sin x toy and the Mauna Loa CO2 record (chapter 12)."""

__all__: list[str] = []
