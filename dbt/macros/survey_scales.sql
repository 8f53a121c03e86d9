{#- The answer scale of each survey question, declared once for the whole pipeline in
    AIROI_SURVEY_SCALES (e.g. job_satisfaction=1-4,self_rated_productivity=1-7,
    enps_score=0-10; questions left out keep the default). Ingestion quarantines answers
    off the scale with the same variable and default (ingestion/settings.py), so every
    answer dbt sees is on its scale. -#}
{% macro survey_scales() %}
    {%- set scales = {'job_satisfaction': [1, 5], 'self_rated_productivity': [1, 5], 'enps_score': [0, 10]} -%}
    {#- Linters render models without dbt's env_var: they see the defaults. -#}
    {%- set declared = env_var('AIROI_SURVEY_SCALES', '') if env_var is defined else '' -%}
    {%- for item in declared.split(',') if item.strip() -%}
        {%- set parts = item.replace('=', '-').split('-') | map('trim') | list -%}
        {%- if parts | length != 3 or parts[0] not in scales -%}
            {{ exceptions.raise_compiler_error(
                "AIROI_SURVEY_SCALES: '" ~ item.strip() ~ "' is not question=min-max for one of "
                ~ scales.keys() | join(', ') ~ " (e.g. job_satisfaction=1-4)"
            ) }}
        {%- endif -%}
        {%- do scales.update({parts[0]: [parts[1] | int, parts[2] | int]}) -%}
    {%- endfor -%}
    {{ return(scales) }}
{% endmacro %}

{#- [minimum, maximum] of a question's declared scale. -#}
{% macro survey_scale(question) %}
    {{ return(survey_scales()[question]) }}
{% endmacro %}

{#- The scale as served beside its means: a text literal such as '1-4'. -#}
{% macro survey_scale_label(question) -%}
    {%- set bounds = survey_scale(question) -%}
    '{{ bounds[0] }}-{{ bounds[1] }}'
{%- endmacro %}

{#- 1 for an answer in the top two boxes of its question's scale (4-5 on 1-5, 3-4 on 1-4,
    6-7 on 1-7), else 0. -#}
{% macro is_top_two_boxes(question, answer) -%}
    case when {{ answer }} >= {{ survey_scale(question)[1] - 1 }} then 1 else 0 end
{%- endmacro %}

{#- A mean answer placed on 0-100 along its scale, (mean - min) / (max - min) x 100, so
    means of surveys on different scales compare. -#}
{% macro mean_0_100(question, mean) -%}
    {%- set bounds = survey_scale(question) -%}
    100.0 * ({{ mean }} - {{ bounds[0] }}) / {{ bounds[1] - bounds[0] }}
{%- endmacro %}

{#- The question behind each employee-satisfaction metric read from one answer. eNPS keeps
    its standard 0-10 scale (promoters 9-10, detractors 0-6); AI adoption and turnover are
    not answers on a scale. -#}
{% macro survey_metric_questions() %}
    {{ return({
        'job_satisfaction_mean': 'job_satisfaction',
        'job_satisfaction_top2': 'job_satisfaction',
        'self_rated_productivity': 'self_rated_productivity',
        'enps': 'enps_score',
    }) }}
{% endmacro %}

{#- The scale of the answers behind a metric ('1-4'); null for other metrics. -#}
{% macro survey_metric_scale(metric_name) -%}
    case {{ metric_name }}
    {%- for metric, question in survey_metric_questions().items() %}
        when '{{ metric }}' then {{ survey_scale_label(question) }}
    {%- endfor %}
    end
{%- endmacro %}

{#- A metric's value on 0-100 along its scale, for the metrics that are mean answers;
    null for the others. -#}
{% macro survey_metric_0_100(metric_name, value) -%}
    case {{ metric_name }}
    {%- for metric in ['job_satisfaction_mean', 'self_rated_productivity'] %}
        when '{{ metric }}' then {{ mean_0_100(survey_metric_questions()[metric], value) }}
    {%- endfor %}
    end
{%- endmacro %}
