{#- Keep one row per key: the most recently loaded. Portable (window function in a
    subquery rather than DuckDB's QUALIFY, which Spark and Trino lack). -#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    select * from (
        select
            _deduplicate_input.*,
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as _row_rank
        from {{ relation }} as _deduplicate_input
    ) as _deduplicate_ranked
    where _row_rank = 1
{%- endmacro %}
