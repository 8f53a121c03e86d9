{#- How a unit-month panel writes its increments. DuckDB merges the rows that changed on
    the model's unique_key. Spark tables of plain Parquet cannot merge (dbt-spark's merge
    needs Delta, Iceberg or Hudi), and the panel is computed whole anyway: on Spark it is
    a table, rebuilt whole each build as a full refresh rebuilds it on DuckDB. Use as
    config(unique_key=..., **monthly_increments()). -#}
{% macro monthly_increments() -%}
    {{ return(adapter.dispatch('monthly_increments')()) }}
{%- endmacro %}

{% macro default__monthly_increments() -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'merge'}) }}
{%- endmacro %}

{% macro spark__monthly_increments() -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}
