{#- The AI-adoption group of an answer to the AI-tool usage question: 'users' (light or
    heavy use: ai_adoption's numerator), 'non-users' (none) or 'not answered' (outside
    its denominator). A unit's AI adoption (users ÷ those answering) with its respondents
    gives away each group's size, so suppression treats the groups as published. -#}
{% macro ai_adoption_group(usage) -%}
    case
        when {{ usage }} in ('light', 'heavy') then 'users'
        when {{ usage }} is not null then 'non-users'
        else 'not answered'
    end
{%- endmacro %}
