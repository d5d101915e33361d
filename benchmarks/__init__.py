"""Benchmark suite (pytest-benchmark) for the numba kernels; see docs/performance.md."""
