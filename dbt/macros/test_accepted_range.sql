{#- Fails for each row whose column lies outside [min_value, max_value] (either bound
    optional; nulls pass). Our own replacement for dbt_utils.accepted_range. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    {%- set conditions = [] -%}
    {%- if min_value is not none %}{% do conditions.append(column_name ~ ' < ' ~ min_value) %}{% endif -%}
    {%- if max_value is not none %}{% do conditions.append(column_name ~ ' > ' ~ max_value) %}{% endif -%}
{%- set outside = conditions | join(' or ') if conditions else 'false' %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null and ({{ outside }})
{% endtest %}
