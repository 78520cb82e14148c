"""Qt runs offscreen in these tests (STYLE X4); set before any Qt import."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
