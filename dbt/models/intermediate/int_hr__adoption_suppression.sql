{#- Whether each department's AI adoption may be shown, per survey month. Users ÷ those
    answering, beside the department's respondents, gives away the size of three groups:
    its AI users, its non-users and those who skipped the usage question
    (macros/ai_adoption_group.sql). It is hidden where one of them has fewer than
    min_hr_cell_size people (which is also the case wherever it rests on fewer than that),
    else it would show that group, or let a usage cohort the breakdown hides within it be
    recovered. Survey answers only, so a day of task or sales data rebuilds nothing here. -#}
with

adoption_groups as (
    select
        department,
        month_start,
        adoption_group,
        sum(respondents) as respondents
    from {{ ref('int_hr__survey_cells') }}
    where breakdown = 'ai_tool_usage'
    group by department, month_start, adoption_group
),

final as (
    select
        department,
        month_start,
        min(respondents) < {{ var('min_hr_cell_size') }} as is_suppressed
    from adoption_groups
    group by department, month_start
)

select * from final
