"""What the gate remembers: which login each key (a login token, a session, an event, an upload) belongs to.

Each login keeps at most `per_login` keys of a kind; past that its own oldest is forgotten, so a flood of
logins, sessions or events from one login (`public`, say) never pushes out anyone else's. In memory: a
restart ends every login, as Gradio's own tokens do.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from councilqa.app.throttle import LoginThrottle

PER_LOGIN = 10_000  # keys of one kind that one login keeps


class Owners:
    """Keys and the login each belongs to, with a value (a login token's epoch). Example::

    sessions = Owners()
    sessions.claim("3f9a", "rita")  # True: it is rita's now
    sessions.claim("3f9a", "mo")  # False: it is rita's
    """

    def __init__(self, per_login: int = PER_LOGIN, on_forget: Callable[[str], None] | None = None) -> None:
        self.per_login = per_login
        self.on_forget = on_forget
        self._owner: dict[str, tuple[str, str]] = {}  # key -> (login, value)
        self._keys: defaultdict[str, OrderedDict[str, None]] = defaultdict(OrderedDict)
        self._lock = threading.Lock()

    def claim(self, key: str, login: str, value: str = "") -> bool:
        """Whether `key` is `login`'s: made so if it is nobody's yet."""
        forgotten = []
        with self._lock:
            found = self._owner.get(key)
            if found is not None:
                return found[0] == login
            self._owner[key] = (login, value)
            keys = self._keys[login]
            keys[key] = None
            while len(keys) > self.per_login:
                oldest, _ = keys.popitem(last=False)
                del self._owner[oldest]
                forgotten.append(oldest)
        for key_gone in forgotten:
            if self.on_forget is not None:
                self.on_forget(key_gone)
        return True

    def owner(self, key: str) -> tuple[str, str] | None:
        """(login, value) of `key`, or None."""
        return self._owner.get(key)

    def drop(self, key: str) -> None:
        with self._lock:
            found = self._owner.pop(key, None)
            if found is not None:
                self._keys[found[0]].pop(key, None)


@dataclass
class GateState:
    """Logins by token (with the account's epoch when they logged in), the login each session, event and
    upload belongs to, and the login throttle."""

    logins: Owners = field(default_factory=Owners)
    sessions: Owners = field(default_factory=Owners)
    events: Owners = field(default_factory=Owners)
    uploads: Owners = field(default_factory=Owners)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
