{#- Person-months of licence holders in treated units from their unit's go-live month on,
    with their intensity of use that month (idle, light, heavy by the tool's declared
    threshold) and their own outcomes from the operations tasks they completed, as
    numerator and denominator per metric (the formulas of int_metric_values). The input of
    the dose-response estimates (int_ai_usage__dose_response). Person-level: never served. -#}
{%- set metrics = [
    ('task_duration_mean', 'total_duration_minutes'),
    ('error_rate', 'tasks_with_error'),
    ('rework_rate', 'reworked_tasks'),
] -%}
with

seat_months as (
    select * from {{ ref('int_ai_usage__seat_months') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
),

tasks as (
    select * from {{ ref('stg_operations__tasks') }}
),

person_months as (
    select
        employee_key,
        team,
        task_month as month_start,
        count(*) as completed_tasks,
        sum(duration_minutes) as total_duration_minutes,
        count(case when has_error then 1 end) as tasks_with_error,
        count(case when is_reworked then 1 end) as reworked_tasks
    from tasks
    where is_completed and employee_key is not null
    group by employee_key, team, task_month
),

treated_person_months as (
    select
        seat_months.initiative_id,
        seat_months.unit_id,
        seat_months.employee_key,
        seat_months.month_start,
        case
            when seat_months.active_days = 0 then 'idle'
            when seat_months.active_days < seat_months.heavy_active_days then 'light'
            else 'heavy'
        end as intensity,
        person_months.completed_tasks,
        person_months.total_duration_minutes,
        person_months.tasks_with_error,
        person_months.reworked_tasks
    from seat_months
    inner join units
        on
            seat_months.initiative_id = units.initiative_id
            and seat_months.unit_id = units.unit_id
    inner join person_months
        on
            seat_months.employee_key = person_months.employee_key
            and seat_months.unit_id = person_months.team
            and seat_months.month_start = person_months.month_start
    where
        units.is_treated
        and seat_months.month_start >= cast({{ dbt.date_trunc('month', 'units.go_live_date') }} as date)
),

final as (
    {%- for metric, numerator in metrics %}
        select
            initiative_id,
            '{{ metric }}' as metric_name,
            unit_id,
            employee_key,
            month_start,
            intensity,
            cast({{ numerator }} as {{ type_double() }}) as numerator,
            cast(completed_tasks as {{ type_double() }}) as denominator
        from treated_person_months
        where {{ numerator }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from final
