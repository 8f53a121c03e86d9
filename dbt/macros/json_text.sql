{#- The text at a JSON path ('$.field') of a JSON text column; null where it is missing. -#}
{% macro json_text(json_column, path) -%}
    {{ return(adapter.dispatch('json_text')(json_column, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(json_column, path) -%}
    json_extract_string({{ json_column }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(json_column, path) -%}
    get_json_object({{ json_column }}, '{{ path }}')
{%- endmacro %}
