"""The errors councilqa means to raise. Each stage's own errors derive from `CouncilQAError`.

The CLI and the app turn a `CouncilQAError` into a one-line message (and exit status 2, or a message in
the app); any other exception is a bug and shows its traceback.
"""

from __future__ import annotations


class CouncilQAError(Exception):
    """An error we mean: bad input, a missing index or model, a site that is not ModernGov. The message
    names what failed and says what to do."""


class InvalidInput(CouncilQAError):
    """A question, date, field, file or setting that is not what was asked for; the message says what is."""


class NotFound(CouncilQAError):
    """A file, folder, model or listed item that is not there."""
