"""Stochastic model: correlated shocks to the scenario's assumptions.

Only plain numpy here; nothing is imported at package import time.
"""
