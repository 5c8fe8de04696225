"""Benchmarks that print figures (speed and memory targets live here, not in unit tests).

Run one with `.venv/bin/python -m bench.bench_import` (add `--quick` for a small size),
or all of them with `.venv/bin/python -m bench.run`. See bench/README.md.
"""
