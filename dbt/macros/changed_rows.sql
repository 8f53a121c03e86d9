{#- For an incremental model merged on its key: the rows of `new_rows` (a CTE holding
    every column but loaded_at) that {{ this }} does not hold as they are, new keys or a
    value changed. Nulls compare equal; floating-point values equal to 1e-9 of their
    size, as sums over the same rows in another order can differ in their last bits.
    Merging only these leaves a row's loaded_at as it was while nothing changes it. On a
    full build (or an engine that rebuilds the table), every row of `new_rows`. -#}
{% macro changed_rows(new_rows) -%}
    {%- if not is_incremental() -%}
    select * from {{ new_rows }}
    {%- else -%}
        {%- set compared = [] -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- if column.name != 'loaded_at' -%}
                {%- do compared.append(column) -%}
            {%- endif -%}
        {%- endfor %}
    select {{ new_rows }}.*
    from {{ new_rows }}
    where not exists (
        select 1 from {{ this }} as built
        where
        {%- for column in compared %}
            {% if not loop.first %}and {% endif -%}
            {{ same_value('built.' ~ column.name, new_rows ~ '.' ~ column.name, column.is_float()) }}
        {%- endfor %}
    )
    {%- endif %}
{%- endmacro %}

{% macro same_value(left, right, is_float) -%}
    {%- if is_float -%}
        (
            ({{ left }} is null and {{ right }} is null)
            or abs({{ left }} - {{ right }}) <= 1e-9 * greatest(abs({{ left }}), abs({{ right }}), 1)
        )
    {%- else -%}
        {{ left }} is not distinct from {{ right }}
    {%- endif -%}
{%- endmacro %}
