"""Login failures, counted per user name and per address, slow the next try down.

After `FREE` failures in a row, a key (a name, or an address) must wait before its next try: 1 s, then
twice as long after each further failure, at most `LONGEST` s. A success clears both keys. So guessing
a password costs an address about a minute a try, and someone who tries a councillor's name with wrong
passwords can keep them out for at most `LONGEST` s at a time: a capped delay, never a lockout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE = 5  # failures in a row before any wait
LONGEST = 60.0  # seconds: the longest wait, whatever the failures
FORGET = 3600.0  # seconds after its last failure when a key is forgotten


@dataclass
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Example::

    throttle = LoginThrottle()
    wait = throttle.wait("rita", "10.0.0.7")  # seconds until a try is let through, 0.0 now
    ...
    throttle.failed("rita", "10.0.0.7")  # or succeeded(...)
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def wait(self, name: str, address: str) -> float:
        """Seconds before a try for `name` from `address` may be made (0.0: now)."""
        now = self.clock()
        with self._lock:
            waits = [self._until(key, now) for key in _keys(name, address)]
        return max(waits)

    def failed(self, name: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            self._forget(now)
            for key in _keys(name, address):
                failures = self._failures.setdefault(key, _Failures(0, now))
                failures.count, failures.last = failures.count + 1, now

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            for key in _keys(name, address):
                self._failures.pop(key, None)

    def _until(self, key: str, now: float) -> float:
        failures = self._failures.get(key)
        if failures is None or failures.count < FREE:
            return 0.0
        delay = min(2.0 ** (failures.count - FREE), LONGEST)
        return max(0.0, failures.last + delay - now)

    def _forget(self, now: float) -> None:
        for key in [key for key, failures in self._failures.items() if now - failures.last > FORGET]:
            del self._failures[key]


def _keys(name: str, address: str) -> tuple[str, str]:
    return f"name:{name.strip().casefold()}", f"address:{address}"
