{#- Survey answers per department, month and breakdown cell: by team, and by AI-tool
    usage cohort (none / light / heavy, and 'not answered' for people who skipped the
    question, so the cells still add up to the department). A department and month in
    which nobody answered the usage question (a survey without it) has no usage cells.
    Usage cells carry their AI-adoption group (users, non-users, not answered), whose
    sizes the department's AI adoption gives away.
    Counts only; suppression happens in the mart. Top-two-box counts follow the declared
    scale (macros/survey_scales.sql). Questions a survey may leave out count the people
    who answered them, and their totals are null where nobody did. -#}
with

answers as (
    select * from {{ ref('stg_hr__survey_responses') }}
),

usage_asked as (
    select distinct
        department,
        response_month
    from answers
    where ai_tool_usage is not null
),

breakdowns as (
    select
        answers.*,
        'team' as breakdown,
        answers.team as cell,
        cast(null as {{ dbt.type_string() }}) as adoption_group
    from answers
    union all
    select
        answers.*,
        'ai_tool_usage' as breakdown,
        coalesce(answers.ai_tool_usage, 'not answered') as cell,
        {{ ai_adoption_group('answers.ai_tool_usage') }} as adoption_group
    from answers
    inner join usage_asked
        on
            answers.department = usage_asked.department
            and answers.response_month = usage_asked.response_month
),

cells as (
    select
        department,
        response_month as month_start,
        breakdown,
        cell,
        adoption_group,
        count(*) as respondents,
        sum(job_satisfaction) as job_satisfaction_total,
        sum({{ is_top_two_boxes('job_satisfaction', 'job_satisfaction') }}) as job_satisfaction_top2,
        sum(self_rated_productivity) as self_rated_productivity_total,
        count(self_rated_productivity) as self_rated_productivity_respondents,
        sum(case when enps_score >= 9 then 1 when enps_score <= 6 then -1 when enps_score is not null then 0 end)
            as enps_net_promoters,
        count(enps_score) as enps_respondents
    from breakdowns
    group by department, response_month, breakdown, cell, adoption_group
)

select * from cells
