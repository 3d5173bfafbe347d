"""The answer scales of the worksheet and the value of each answer (the values themselves are in metrics)."""

from __future__ import annotations

from mitra.performance.metrics import LKE_ANSWER_VALUES

SCALE_ANSWERS: dict[str, tuple[str, ...]] = {"YT": ("Y", "T"), "AE": ("A", "B", "C", "D", "E")}


def choices_of(scale: str) -> list[tuple[str, str]]:
    return [(a, f"{a} ({LKE_ANSWER_VALUES[a]:g})") for a in SCALE_ANSWERS.get(scale, ())]
