{#- Survey answers per department, month and breakdown cell: by team, and by AI-tool
    usage cohort (none / light / heavy). Counts only; suppression happens in the mart. -#}
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
            sum(case when job_satisfaction >= 4 then 1 else 0 end) as job_satisfaction_top2,
            sum(self_rated_productivity) as self_rated_productivity_total,
            sum(case when enps_score >= 9 then 1 else 0 end) - sum(case when enps_score <= 6 then 1 else 0 end)
                as enps_net_promoters
        from answers
        group by department, response_month, {{ column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from cells
