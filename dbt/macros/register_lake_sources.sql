{#- On Spark the sources are external Parquet tables over the lake folder that ingestion
    writes (<lake>/<schema>/<table>/, lake/export.py). `dbt run-operation
    register_lake_sources --target spark` (re)creates them; run it before each build, so
    a table loaded for the first time, or with a new column, is seen. DuckDB reads the
    tables ingestion loads into the warehouse itself. -#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('AIROI_LAKE_DIR', env_var('AIROI_DATA_DIR', '..' ~ '/data') ~ '/lake') -%}
        {%- set schemas = graph.sources.values() | map(attribute='schema') | unique | list -%}
        {%- for schema in schemas -%}
            {%- do run_query('create schema if not exists ' ~ schema) -%}
        {%- endfor -%}
        {%- for source in graph.sources.values() -%}
            {%- set table = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query(
                "create table " ~ table ~ " using parquet location '"
                ~ lake ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
