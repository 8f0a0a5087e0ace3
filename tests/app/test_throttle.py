"""Login tries slow further tries, per name at an address, per address and per name, up to a cap; a success
clears its name's count. A clock of the test's own stands in for time (the served throttle is tested in
test_attacks.py)."""

from councilqa.app.throttle import FREE, FREE_ADDRESS, FREE_NAME, LONGEST, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_waits_double_after_the_free_tries_up_to_the_cap():
    clock = Clock()
    throttle = LoginThrottle(clock)
    allowed, waits = 0, list[float]()
    while len(waits) < 9:
        wait = throttle.attempt("rita", "10.0.0.7")
        if wait:
            waits.append(wait)
            clock.now += wait  # a patient guesser: each try as soon as it is let through
        elif not waits:
            allowed += 1
    assert allowed == FREE
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0] and waits[-1] == LONGEST
    assert throttle.attempt("rita", "10.0.0.8") == 0.0  # another address: its own count


def test_tries_sent_at_once_are_counted_before_any_answer():
    throttle = LoginThrottle(Clock())
    waits = [throttle.attempt("rita", "10.0.0.7") for _ in range(FREE + 5)]  # no answer between them
    assert waits.count(0.0) == FREE


def test_a_success_clears_its_name_but_not_the_addresss_other_failures():
    clock = Clock()
    throttle = LoginThrottle(clock)
    for n in range(FREE_ADDRESS):  # spraying: one try at each of many names from one address
        assert throttle.attempt(f"guess{n}", "10.0.0.7") == 0.0
        if n % 4 == 3:  # a right `public` login every few guesses takes back only its own try
            assert throttle.attempt("public", "10.0.0.7") == 0.0
            throttle.succeeded("public", "10.0.0.7")
    assert throttle.attempt("another", "10.0.0.7") > 0 and throttle.attempt("another", "10.0.0.8") == 0.0


def test_one_name_tried_from_many_addresses_slows_only_after_many_tries_and_a_success_clears_it():
    throttle = LoginThrottle(Clock())
    for n in range(FREE_NAME):
        assert throttle.attempt("mo", f"10.0.1.{n}") == 0.0
    assert throttle.attempt("MO ", "10.0.2.1") > 0  # names compare as logins do: case and spaces aside
    throttle.succeeded("mo", "10.0.1.0")
    assert throttle.attempt("mo", "10.0.2.1") == 0.0


def test_a_key_is_forgotten_an_hour_after_its_last_try():
    clock = Clock()
    throttle = LoginThrottle(clock)
    for _ in range(FREE):
        throttle.attempt("rita", "10.0.0.7")
    assert throttle.attempt("rita", "10.0.0.7") > 0
    clock.now += 3601
    assert throttle.attempt("rita", "10.0.0.7") == 0.0
