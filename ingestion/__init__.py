"""Landing files → raw DuckDB tables: readers, schema contracts, loaders, demo data."""
