"""Login failures slow further tries, by name and by address, up to a cap, and a success clears them.
A clock of the test's own stands in for time (the served throttle is tested in test_attacks.py)."""

from councilqa.app.throttle import FREE, LONGEST, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_waits_double_after_the_free_tries_up_to_the_cap():
    clock = Clock()
    throttle = LoginThrottle(clock)
    waits = []
    for _ in range(FREE + 8):
        waits.append(throttle.wait("rita", "10.0.0.7"))
        throttle.failed("rita", "10.0.0.7")
    assert waits[:FREE] == [0.0] * FREE
    assert waits[FREE : FREE + 3] == [1.0, 2.0, 4.0] and max(waits) == LONGEST
    clock.now += LONGEST
    assert throttle.wait("rita", "10.0.0.7") == 0.0  # never locked out for longer than the cap


def test_a_name_and_an_address_are_counted_apart_and_a_success_clears_both():
    throttle = LoginThrottle(Clock())
    for n in range(FREE + 1):
        throttle.failed(f"guess{n}", "10.0.0.7")  # one address trying many names
    assert throttle.wait("anyone", "10.0.0.7") > 0 and throttle.wait("anyone", "10.0.0.8") == 0.0
    for n in range(FREE + 1):
        throttle.failed("mo", f"10.0.1.{n}")  # many addresses trying one name
    assert throttle.wait("MO ", "10.0.2.1") > 0  # names compare as logins do: case and spaces aside
    throttle.succeeded("mo", "10.0.0.7")
    assert throttle.wait("mo", "10.0.2.1") == 0.0 and throttle.wait("anyone", "10.0.0.7") == 0.0
