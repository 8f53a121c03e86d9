{#- Customer lifetime value m·r / (1 + i − r): m = margin per customer per month,
    r = monthly retention, i = the monthly equivalent of an annual discount rate.
    Null where retention is unknown or at least 1 + i (the series would not converge). -#}
{% macro customer_lifetime_value(margin, retention, annual_discount_rate) -%}
    case
        when {{ retention }} < 1 + (power(1 + {{ annual_discount_rate }}, cast(1 as {{ type_double() }}) / 12) - 1)
            then {{ margin }} * {{ retention }}
            / (1 + (power(1 + {{ annual_discount_rate }}, cast(1 as {{ type_double() }}) / 12) - 1) - {{ retention }})
    end
{%- endmacro %}
