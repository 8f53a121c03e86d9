{#- Survey answers per department, month and breakdown cell: by team, and by AI-tool
    usage cohort (none / light / heavy). Counts only; suppression happens in the mart.
    Top-two-box counts follow the declared scale (macros/survey_scales.sql). Questions a
    survey may leave out count the people who answered them, and their totals are null
    where nobody did. -#}
with

answers as (
    select * from {{ ref('stg_hr__survey_responses') }}
),

cells as (
    {% for breakdown, column in [('team', 'team'), ('ai_tool_usage', 'ai_tool_usage')] %}
        select
            department,
            response_month as month_start,
            '{{ breakdown }}' as breakdown,
            {{ column }} as cell,
            count(*) as respondents,
            sum(job_satisfaction) as job_satisfaction_total,
            sum({{ is_top_two_boxes('job_satisfaction', 'job_satisfaction') }}) as job_satisfaction_top2,
            sum(self_rated_productivity) as self_rated_productivity_total,
            count(self_rated_productivity) as self_rated_productivity_respondents,
            sum(case when enps_score >= 9 then 1 when enps_score <= 6 then -1 when enps_score is not null then 0 end)
                as enps_net_promoters,
            count(enps_score) as enps_respondents
        from answers
        group by department, response_month, {{ column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from cells
