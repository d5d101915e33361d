"""The estimation script loaded as a module (it lives in scripts/, outside the package)."""

from __future__ import annotations

import importlib.util
import sys

from tests.conftest import ROOT

_NAME = "estimate_shocks"
if _NAME not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_NAME, ROOT / "scripts" / "estimate_shocks.py")
    _module = importlib.util.module_from_spec(_spec)
    sys.modules[_NAME] = _module  # dataclasses look their module up while the file executes
    _spec.loader.exec_module(_module)
es = sys.modules[_NAME]
