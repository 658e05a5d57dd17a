"""Shared test helpers: the PyTorch oracle and the reference figures' location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"

settings.register_profile(
    "default",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=False)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The conv_arithmetic reference figures, or a skip saying where they were looked for."""
    if not (REFERENCE / "conv_arithmetic").is_dir():
        pytest.skip(f"reference figures not found at {REFERENCE} (../shared/reference)")
    return REFERENCE


def _oracle_summary(terminalreporter):
    """Print what the PyTorch oracle ran, per test, op and feature, and how long it took."""
    import sys

    module = sys.modules.get("test_layers_oracle")
    if module is None or not module.COUNTS:
        return
    terminalreporter.section("PyTorch oracle: cases run per test, op and feature")
    for label, number in sorted(module.COUNTS.items()):
        terminalreporter.write_line(f"{number:6d}  {label}")
    for test, seconds in sorted(module.SECONDS.items()):
        terminalreporter.write_line(f"{seconds:6.1f} s  {test} (inside the test bodies)")


def _hardening_summary(terminalreporter):
    """Print the fuzz cases of the hardening tests: tried and handled, per category."""
    import sys

    module = sys.modules.get("test_hardening")
    if module is None or not module.COUNTS:
        return
    terminalreporter.section("hostile input: fuzz cases tried and handled, per category")
    categories = sorted({label.rsplit(": ", 1)[0] for label in module.COUNTS})
    for category in categories:
        tried = module.COUNTS[f"{category}: tried"]
        handled = module.COUNTS[f"{category}: handled"]
        terminalreporter.write_line(f"{tried:6d} tried {handled:6d} handled  {category}")


def pytest_terminal_summary(terminalreporter):
    _oracle_summary(terminalreporter)
    _hardening_summary(terminalreporter)
