"""Sentences the prose exports (Markdown, HTML) share, so they explain scores alike."""

from __future__ import annotations

#: How to read the scores; the prose exports print it (from games/ranking.py).
SCORING_NOTE = (
    "A candidate's score on a criterion is the sum of its places (1 = first) over every "
    "order submitted for that criterion; the score is the sum over criteria; lower is "
    "better. Someone who ranked one criterion, or none, adds nothing where they did not "
    "rank, so no candidate gains or loses by it. Equal scores go to the lower sum on the "
    "first criterion, then the next; then to more first places; then to the column made "
    "first."
)

#: Kendall's W in words (Schmidt 1997: .1 very weak, .3 weak, .5 moderate, .7 strong).
AGREEMENT_WORDS = ((0.9, "unusually strong"), (0.7, "strong"), (0.5, "moderate"), (0.3, "weak"))


def agreement_text(w: float | None) -> str:
    """Kendall's W with a word a workshop can read ("0.82, strong"); why it may be n/a."""
    if w is None:
        return "n/a (fewer than 2 orders or candidates)"
    word = next((word for bound, word in AGREEMENT_WORDS if w >= bound), "very weak")
    return f"{w:.2f}, {word}"
