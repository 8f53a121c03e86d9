{#- A double-precision float. dbt's type_float() renders FLOAT, which is single precision
    on DuckDB and Spark (revenue would lose its cents); DOUBLE means 8 bytes on DuckDB,
    Spark, Trino and Snowflake alike. A ratio of counts casts one count to it: with a
    decimal literal instead (x * 1.0 / y) Spark divides decimals and keeps as few as 6
    decimal places, where DuckDB returns a double. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}
