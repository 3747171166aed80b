"""segboard: semantic-segmentation leaderboards kept as checked data."""

from __future__ import annotations

__version__ = "0.1.0"
