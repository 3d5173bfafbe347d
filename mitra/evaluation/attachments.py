"""The evaluation report (LHE) takes its file as an attachment, attached and removed by those who record the
report; a recommendation takes the files of its follow-up, attached by its unit and leadership. Both are read by
whoever reads the evaluation (documents.access declares the rules; filled in from ready())."""

from __future__ import annotations

from mitra.documents.access import Attachable, register


def register_attachable() -> None:
    register("evaluation.evaluationreport", Attachable("evaluation.record_report", read_perm="evaluation.view"))
    # A recommendation's follow-up files (the evidence that it was followed up): its unit and leadership.
    register("evaluation.recommendation", Attachable("evaluation.follow_up", read_perm="evaluation.view"))
