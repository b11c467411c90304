"""Names as people write them: Dapodik and school lists often have them in capitals."""

import re

# Joining words of Indonesian names stay in lower case inside a name ("Ahmad bin Yusuf").
LOWER_INSIDE = {"bin", "binti"}


def in_capitals(text):
    """Whether the text is written in capitals (at least two letters, none in lower case)."""
    return bool(text) and text.isupper() and sum(c.isalpha() for c in text) >= 2


def title_case(text):
    """ "SITI NUR'AINI" -> "Siti Nur'aini", "M. AL-FATIH BIN YUSUF" -> "M. Al-Fatih bin Yusuf"."""
    words = text.split(" ")
    cased = []
    for position, word in enumerate(words):
        lower = word.lower()
        if position and lower in LOWER_INSIDE:
            cased.append(lower)
        else:
            cased.append("-".join(_capitalize(part) for part in lower.split("-")))
    return " ".join(cased)


def _capitalize(part):
    # The first letter only: after an apostrophe the name goes on in lower case (Nur'aini).
    match = re.search(r"[^\W\d_]", part)
    if match is None:
        return part
    at = match.start()
    return part[:at] + part[at].upper() + part[at + 1 :]
