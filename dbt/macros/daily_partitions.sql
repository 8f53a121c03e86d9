{#- How a daily incremental model writes its increments. DuckDB merges the new rows on the
    model's unique_key (dbt_project.yml). Spark tables of plain Parquet cannot merge: they
    are partitioned by day and each run overwrites the days it touches, whole
    (incremental_source_filter reads every row of those days). Use as
    config(unique_key=..., **daily_increments('day column')). -#}
{% macro daily_increments(day_column) -%}
    {{ return(adapter.dispatch('daily_increments')(day_column)) }}
{%- endmacro %}

{% macro default__daily_increments(day_column) -%}
    {{ return({}) }}
{%- endmacro %}

{% macro spark__daily_increments(day_column) -%}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': [day_column]}) }}
{%- endmacro %}

{#- The day a row of an event timestamp belongs to, as a column of its own where the
    engine partitions by it (Spark), followed by a comma; nothing elsewhere, so DuckDB's
    models keep their columns. -#}
{% macro day_partition_column(timestamp_column, name) -%}
    {{ return(adapter.dispatch('day_partition_column')(timestamp_column, name)) }}
{%- endmacro %}

{% macro default__day_partition_column(timestamp_column, name) -%}
{%- endmacro %}

{% macro spark__day_partition_column(timestamp_column, name) -%}
    cast({{ timestamp_column }} as date) as {{ name }},
{%- endmacro %}

{#- Ends a daily model's select on Spark: rows of one day go to one task, so each day's
    partition is written as one file rather than one per task. -#}
{% macro one_file_per_day(day_column) -%}
    {{ return(adapter.dispatch('one_file_per_day')(day_column)) }}
{%- endmacro %}

{% macro default__one_file_per_day(day_column) -%}
{%- endmacro %}

{% macro spark__one_file_per_day(day_column) -%}
    distribute by {{ day_column }}
{%- endmacro %}
