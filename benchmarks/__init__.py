"""Benchmarks: the pipeline against a hand-written DuckDB SQL reference, by scale."""
