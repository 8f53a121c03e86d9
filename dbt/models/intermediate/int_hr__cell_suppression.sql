{#- Which employee-satisfaction cells the marts may show (HR privacy: no aggregate of
    fewer than min_hr_cell_size people, shown or recoverable by subtraction from what is
    shown), per unit type, unit, month and metric of int_metric_values. A cell's size is
    its metric's denominator: the people who answered (average headcount for turnover).
    Departments: a cell resting on fewer people is hidden, and so is a department's AI
    adoption where it would give away an adoption group of fewer
    (int_hr__adoption_suppression).
    Teams add up to their department: within each department, month and metric the small
    team cells are hidden, and so are complementary ones, so that the department total
    minus the visible teams never isolates a hidden team (macros/suppress_small_cells.sql);
    where the department's cell is hidden, so is at least one of its teams', else they
    would add up to it. Where everyone answered, the team cells and sizes are those of the
    team breakdown in employee_satisfaction_breakdown, so both hide the same teams. -#}
with

metrics as (
    select metric_name from {{ ref('metric_definitions') }}
    where family = 'employee_satisfaction'
),

metric_values as (
    select metric_values.*
    from {{ ref('int_metric_values') }} as metric_values
    inner join metrics on metric_values.metric_name = metrics.metric_name
),

teams as (
    select
        team,
        month_start,
        department
    from {{ ref('int_hr__team_months') }}
),

adoption as (
    select * from {{ ref('int_hr__adoption_suppression') }}
),

department_cells as (
    select
        metric_values.unit_id as department,
        metric_values.month_start,
        metric_values.metric_name,
        metric_values.denominator < {{ var('min_hr_cell_size') }}
        or (metric_values.metric_name = 'ai_adoption' and adoption.is_suppressed) as is_suppressed
    from metric_values
    left join adoption
        on
            metric_values.unit_id = adoption.department
            and metric_values.month_start = adoption.month_start
    where metric_values.unit_type = 'department'
),

team_cells as (
    select
        teams.department,
        metric_values.month_start,
        metric_values.metric_name,
        metric_values.unit_id,
        metric_values.denominator
    from metric_values
    inner join teams
        on
            metric_values.unit_id = teams.team
            and metric_values.month_start = teams.month_start
    where metric_values.unit_type = 'team'
),

suppressed_team_cells as (
    {{ suppress_small_cells(
        'team_cells',
        ['department', 'month_start', 'metric_name'],
        'unit_id',
        'denominator',
        var('min_hr_cell_size'),
    ) }}
),

-- Where the department's cell is hidden and none of its teams' is, its smallest team is.
teams_within_departments as (
    select
        suppressed_team_cells.unit_id,
        suppressed_team_cells.month_start,
        suppressed_team_cells.metric_name,
        suppressed_team_cells.is_suppressed,
        coalesce(department_cells.is_suppressed, false) as is_department_suppressed,
        max(case when suppressed_team_cells.is_suppressed then 1 else 0 end) over (
            partition by
                suppressed_team_cells.department, suppressed_team_cells.month_start, suppressed_team_cells.metric_name
        ) = 1 as has_suppressed_team,
        row_number() over (
            partition by
                suppressed_team_cells.department, suppressed_team_cells.month_start, suppressed_team_cells.metric_name
            order by suppressed_team_cells.denominator, suppressed_team_cells.unit_id
        ) as size_rank
    from suppressed_team_cells
    left join department_cells
        on
            suppressed_team_cells.department = department_cells.department
            and suppressed_team_cells.month_start = department_cells.month_start
            and suppressed_team_cells.metric_name = department_cells.metric_name
),

final as (
    select
        'department' as unit_type,
        department as unit_id,
        month_start,
        metric_name,
        is_suppressed
    from department_cells
    union all
    select
        'team' as unit_type,
        unit_id,
        month_start,
        metric_name,
        is_suppressed or (is_department_suppressed and not has_suppressed_team and size_rank = 1) as is_suppressed
    from teams_within_departments
)

select * from final
