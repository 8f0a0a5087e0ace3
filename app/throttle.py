"""Login tries, counted as they are made, slow further tries down: per name at an address, per address
and per name.

Each try counts at once (so tries sent in parallel count too) under three keys; a success takes its own
try back. Past a key's free tries, the next must wait 1 s, then twice as long after each further try,
at most `LONGEST` s; the wait is the longest of the three.

- A name at one address: `FREE` tries. A success clears it: someone who mistypes their password a few
  times is never slowed once they are in.
- An address: `FREE_ADDRESS` tries, across every name. A success of one name does not clear the others'
  failures (else a `public` login every few guesses would let an address try one password on every name).
- A name, from anywhere: `FREE_NAME` tries. A success of that name clears it.

A key is forgotten `FORGET` s after its last try. So guessing costs about a minute a try, and someone who
tries a councillor's name can slow that councillor's logins by at most `LONGEST` s at a time, and only
after `FREE_NAME` tries; a capped delay, never a lockout. Addresses behind one NAT or proxy share a key:
behind a proxy of your own, `ui.trust_forwarded_for` reads each client's address.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE = 5  # tries of one name from one address before any wait
FREE_ADDRESS = 30  # failed tries from one address, whatever the names
FREE_NAME = 30  # failed tries of one name, from anywhere
LONGEST = 60.0  # seconds: the longest wait, whatever the tries
FORGET = 3600.0  # seconds after its last try when a key is forgotten


@dataclass
class _Tries:
    count: int
    last: float


class LoginThrottle:
    """Example::

    throttle = LoginThrottle()
    wait = throttle.attempt("rita", "10.0.0.7")  # 0.0: go on (the try is counted); else refuse, wait that long
    ...
    throttle.succeeded("rita", "10.0.0.7")  # when the password was right
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._tries: dict[tuple[str, ...], _Tries] = {}
        self._lock = threading.Lock()

    def attempt(self, name: str, address: str) -> float:
        """Seconds to wait before a try for `name` from `address` (nothing is counted); 0.0 when it may be
        made now, and then it is counted."""
        now, keys = self.clock(), _keys(name, address)
        with self._lock:
            self._forget(now)
            wait = max(self._until(key, free, now) for key, free in keys)
            if wait == 0.0:
                for key, _ in keys:
                    tries = self._tries.setdefault(key, _Tries(0, now))
                    tries.count, tries.last = tries.count + 1, now
        return wait

    def succeeded(self, name: str, address: str) -> None:
        """A try was right: the name's keys are cleared, and the address's count takes the try back."""
        (pair, _), (by_address, _), (by_name, _) = _keys(name, address)
        with self._lock:
            self._tries.pop(pair, None)
            self._tries.pop(by_name, None)
            if (tries := self._tries.get(by_address)) is not None:
                tries.count = max(0, tries.count - 1)

    def _until(self, key: tuple[str, ...], free: int, now: float) -> float:
        tries = self._tries.get(key)
        if tries is None or tries.count < free:
            return 0.0
        delay = min(2.0 ** (tries.count - free), LONGEST)
        return max(0.0, tries.last + delay - now)

    def _forget(self, now: float) -> None:
        for key in [key for key, tries in self._tries.items() if now - tries.last > FORGET]:
            del self._tries[key]


def _keys(name: str, address: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    folded = name.strip().casefold()
    return (("pair", folded, address), FREE), (("address", address), FREE_ADDRESS), (("name", folded), FREE_NAME)
