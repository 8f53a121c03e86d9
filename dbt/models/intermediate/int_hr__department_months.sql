{#- Employee panel: survey answers (in survey months) and roster movements (every month)
    per department. Counts only: small cells are suppressed in the marts. -#}
with

months as (
    select * from {{ ref('int_months') }}
),

roster as (
    select * from {{ ref('stg_hr__roster') }}
),

departments as (
    select distinct department from roster
),

answers as (
    select
        department,
        response_month as month_start,
        count(*) as respondents,
        sum(job_satisfaction) as job_satisfaction_total,
        sum(case when job_satisfaction >= 4 then 1 else 0 end) as job_satisfaction_top2,
        sum(self_rated_productivity) as self_rated_productivity_total,
        sum(case when enps_score >= 9 then 1 else 0 end) as enps_promoters,
        sum(case when enps_score <= 6 then 1 else 0 end) as enps_detractors,
        sum(case when ai_tool_usage in ('light', 'heavy') then 1 else 0 end) as ai_tool_users
    from {{ ref('stg_hr__survey_responses') }}
    group by department, response_month
),

movements as (
    select
        roster.department,
        months.month_start,
        sum(case
            when
                roster.hire_date < months.month_start
                and (roster.exit_date is null or roster.exit_date >= months.month_start)
                then 1
            else 0
        end) as headcount_at_start,
        sum(case
            when
                roster.hire_date <= {{ dbt.last_day('months.month_start', 'month') }}
                and (roster.exit_date is null or roster.exit_date > {{ dbt.last_day('months.month_start', 'month') }})
                then 1
            else 0
        end) as headcount_at_end,
        sum(case
            when
                roster.exit_date >= months.month_start
                and roster.exit_date <= {{ dbt.last_day('months.month_start', 'month') }}
                then 1
            else 0
        end) as separations
    from roster
    cross join months
    group by roster.department, months.month_start
),

final as (
    select
        departments.department,
        months.month_start,
        coalesce(answers.respondents, 0) as respondents,
        answers.job_satisfaction_total,
        answers.job_satisfaction_top2,
        answers.self_rated_productivity_total,
        answers.enps_promoters,
        answers.enps_detractors,
        answers.ai_tool_users,
        movements.headcount_at_start,
        movements.headcount_at_end,
        movements.separations
    from departments
    cross join months
    left join answers
        on departments.department = answers.department and months.month_start = answers.month_start
    left join movements
        on departments.department = movements.department and months.month_start = movements.month_start
)

select * from final
