"""The stages a report generation goes through and how it tells a caller about them.

Its own module so that the builders (lakip.py, monitoring.py) and the entry point that calls them (generate.py)
both import it, and neither imports the other at module level.
"""

from __future__ import annotations

from collections.abc import Callable

# The stages a generation reports, in order, with the percentage reached when each starts. A job's stage field
# takes these values (models.ReportJob.Stage, which labels them in the user's language).
READING, BUILDING, CHARTS, RENDERING, DONE = "reading", "building", "charts", "rendering", "done"
STAGE_PERCENT = {READING: 5, BUILDING: 20, CHARTS: 35, RENDERING: 55, DONE: 100}

Progress = Callable[[str, int], None]


def step(progress: Progress | None, stage: str, percent: int | None = None) -> None:
    """Tell `progress` (if any) that `stage` begins; `percent` defaults to the stage's start."""
    if progress is not None:
        progress(stage, STAGE_PERCENT[stage] if percent is None else percent)
