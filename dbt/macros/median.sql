{#- Median as an aggregate. DuckDB and Trino spell it differently; Spark has
    percentile_approx. One of the few DuckDB-specific spellings, kept here. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile_approx({{ expression }}, 0.5)
{%- endmacro %}

{% macro trino__median(expression) -%}
    approx_percentile({{ expression }}, 0.5)
{%- endmacro %}
