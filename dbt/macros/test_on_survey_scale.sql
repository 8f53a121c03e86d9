{#- Fails for each answer outside its question's declared scale (AIROI_SURVEY_SCALES;
    nulls pass). Ingestion quarantines such answers, so a failure means the scale changed
    after answers were loaded on another one. -#}
{% test on_survey_scale(model, column_name, question) %}
    {%- set bounds = survey_scale(question) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ bounds[0] }} or {{ column_name }} > {{ bounds[1] }}
{% endtest %}
