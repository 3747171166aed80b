"""`python -m generator` runs the segboard command."""

from __future__ import annotations

from generator.cli import run

run()
