"""The open lake layer: accepted rows as Parquet files that DuckDB and Spark both read."""
