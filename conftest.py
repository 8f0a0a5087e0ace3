"""The tests' process edge: the no-network defaults are set before pytest imports any module (the doctests
import gradio and the model's libraries as they are collected), and the fast tier's switch, `--fast`
(`make test-fast`): the `embedder` fixture is then the hashing stand-in (index/embed.py), and the tests it
cannot stand in for (marked `model`) and those that take seconds each (`slow`, `browser`, `server`) are
left out. Here, not in tests/conftest.py, so that the option is known whatever paths pytest is given."""

import pytest

from councilqa.process import prepare

prepare()

LEFT_OUT_WHEN_FAST = ("model", "slow", "browser", "server")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fast",
        action="store_true",
        help="the fast tier: the hashing embedder, and no test marked " + ", ".join(LEFT_OUT_WHEN_FAST),
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("fast"):
        return
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (left if any(item.get_closest_marker(name) for name in LEFT_OUT_WHEN_FAST) else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
