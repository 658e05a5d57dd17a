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


def pytest_terminal_summary(terminalreporter):
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
