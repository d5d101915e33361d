"""Stochastic model: correlated shocks to the scenario's assumptions (issue 13).

Only plain numpy here; nothing is imported at package import time.
"""
