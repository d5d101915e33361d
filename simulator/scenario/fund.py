"""The ``initial`` block shared by the residents-pension, unemployment and work-injury schemes."""

from __future__ import annotations

from pydantic import Field

from simulator.scenario.params import Strict


class FundInitial(Strict):
    """State of a fund at the end of the base year."""

    balance: float = Field(description="fund balance at the end of the base year (yuan)")
    source: str | None = None
    note: str | None = None
