{#- Which employee-satisfaction cells the marts may show (HR privacy: no aggregate of
    fewer than min_hr_cell_size people), per unit type, unit, month and metric of
    int_metric_values.
    Departments: a cell resting on fewer people is hidden.
    Teams add up to their department, whose total is published: within each department,
    month and metric the small team cells are hidden, and so are complementary ones, so
    that the department total minus the visible teams never isolates a hidden team
    (macros/suppress_small_cells.sql). A cell's size is its metric's denominator: the
    people who answered (average headcount for turnover). Where everyone answered, these
    are the cells and sizes of the team breakdown in employee_satisfaction_breakdown, so
    both hide the same teams. -#}
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

final as (
    select
        unit_type,
        unit_id,
        month_start,
        metric_name,
        denominator < {{ var('min_hr_cell_size') }} as is_suppressed
    from metric_values
    where unit_type = 'department'
    union all
    select
        'team' as unit_type,
        unit_id,
        month_start,
        metric_name,
        is_suppressed
    from suppressed_team_cells
)

select * from final
