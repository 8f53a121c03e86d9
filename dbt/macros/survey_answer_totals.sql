{#- The sums behind every survey metric, over a group of answers: counts and totals only,
    so that team cells add up to their department and suppression can work on them.
    Top-two-box counts follow the question's declared scale (macros/survey_scales.sql).
    Questions a survey may leave out (productivity, eNPS, AI-tool usage) count the people
    who answered them (<question>_respondents, their metrics' denominator), and their
    totals are null, never zero, where nobody did. -#}
{% macro survey_answer_totals() %}
        count(*) as respondents,
        sum(job_satisfaction) as job_satisfaction_total,
        sum({{ is_top_two_boxes('job_satisfaction', 'job_satisfaction') }}) as job_satisfaction_top2,
        sum(self_rated_productivity) as self_rated_productivity_total,
        count(self_rated_productivity) as self_rated_productivity_respondents,
        sum(case when enps_score >= 9 then 1 when enps_score is not null then 0 end) as enps_promoters,
        sum(case when enps_score <= 6 then 1 when enps_score is not null then 0 end) as enps_detractors,
        count(enps_score) as enps_respondents,
        sum(case when {{ ai_adoption_group('ai_tool_usage') }} = 'users' then 1 when ai_tool_usage is not null then 0 end)
            as ai_tool_users,
        count(ai_tool_usage) as ai_tool_usage_respondents
{%- endmacro %}
