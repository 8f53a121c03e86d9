{#- Employee panel per team: survey answers (in survey months) and roster movements (every
    month). A team is named by its `team` value, which is unique across departments (the
    registry names team units by it); `department` is the department it belongs to, within
    which its small cells are suppressed. Departments add these rows up
    (int_hr__department_months). Counts only: small cells are suppressed in the marts. -#}
with

months as (
    select * from {{ ref('int_months') }}
),

roster as (
    select * from {{ ref('stg_hr__roster') }}
),

survey as (
    select * from {{ ref('stg_hr__survey_responses') }}
),

-- Teams seen in either source: every answer counts towards its department's total.
teams as (
    select
        department,
        team
    from roster
    union
    select
        department,
        team
    from survey
),

answers as (
    select
        department,
        team,
        response_month as month_start,
        {{ survey_answer_totals() }}
    from survey
    group by department, team, response_month
),

movements as (
    select
        roster.department,
        roster.team,
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
    group by roster.department, roster.team, months.month_start
),

final as (
    select
        teams.department,
        teams.team,
        months.month_start,
        coalesce(answers.respondents, 0) as respondents,
        answers.job_satisfaction_total,
        answers.job_satisfaction_top2,
        answers.self_rated_productivity_total,
        coalesce(answers.self_rated_productivity_respondents, 0) as self_rated_productivity_respondents,
        answers.enps_promoters,
        answers.enps_detractors,
        coalesce(answers.enps_respondents, 0) as enps_respondents,
        answers.ai_tool_users,
        coalesce(answers.ai_tool_usage_respondents, 0) as ai_tool_usage_respondents,
        movements.headcount_at_start,
        movements.headcount_at_end,
        movements.separations
    from teams
    cross join months
    left join answers
        on
            teams.department = answers.department
            and teams.team = answers.team
            and months.month_start = answers.month_start
    left join movements
        on
            teams.department = movements.department
            and teams.team = movements.team
            and months.month_start = movements.month_start
)

select * from final
