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
