{#- The share of a benefit stream's volume x unit value that a relative effect is worth,
    by how the stream turns the effect into money; the counterfactual is actual / (1 + e).
    One definition for the measured benefits (int_initiative_benefits) and the simulated
    ones (int_initiative_cash_flows). -#}
{% macro monetised_effect(effect_form, effect) -%}
    case {{ effect_form }}
        when 'avoided' then -{{ effect }} / (1 + {{ effect }})
        when 'gained' then {{ effect }} / (1 + {{ effect }})
        when 'speed' then {{ effect }}
    end
{%- endmacro %}
