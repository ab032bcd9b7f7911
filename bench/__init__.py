"""Benchmarks (bench/README.md): `make bench` (bench.run) and the scripts it calls."""
