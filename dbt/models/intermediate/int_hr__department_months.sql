{#- Employee panel per department: survey answers (in survey months) and roster movements
    (every month), the sums of its teams' rows (int_hr__team_months), so a department's
    total is exactly what its team cells add up to. Counts only: small cells are
    suppressed in the marts. -#}
with

team_months as (
    select * from {{ ref('int_hr__team_months') }}
),

final as (
    select
        department,
        month_start,
        sum(respondents) as respondents,
        sum(job_satisfaction_total) as job_satisfaction_total,
        sum(job_satisfaction_top2) as job_satisfaction_top2,
        sum(self_rated_productivity_total) as self_rated_productivity_total,
        sum(self_rated_productivity_respondents) as self_rated_productivity_respondents,
        sum(enps_promoters) as enps_promoters,
        sum(enps_detractors) as enps_detractors,
        sum(enps_respondents) as enps_respondents,
        sum(ai_tool_users) as ai_tool_users,
        sum(ai_tool_usage_respondents) as ai_tool_usage_respondents,
        sum(headcount_at_start) as headcount_at_start,
        sum(headcount_at_end) as headcount_at_end,
        sum(separations) as separations
    from team_months
    group by department, month_start
)

select * from final
