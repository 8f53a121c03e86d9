{#- The texts of a group joined by `delimiter` in the order of `order_by` (one
    expression, ascending). dbt.listagg ignores the order on Spark: there the texts are
    collected with their sort key, sorted, then joined. Nulls are left out, as string_agg
    does. -#}
{% macro ordered_string_agg(text, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(text, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(text, delimiter, order_by) -%}
    string_agg({{ text }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(text, delimiter, order_by) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('sort_key', {{ order_by }}, 'text', {{ text }}))),
            entry -> entry.text
        ),
        {{ delimiter }}
    )
{%- endmacro %}
