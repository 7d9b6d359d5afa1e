"""The performance benchmark behind `make bench` and `make bench-http` (see bench/run.py)."""
