{#- Opportunity finder: how much work each process is and how repetitive and error-prone,
    per process and department, over the twelve months ending with the report month.
    Durations, errors and rework count completed tasks; task types count the tasks that
    record one (rows without are data-availability findings, not a task type). -#}
with

report_window as (
    select * from {{ ref('int_opportunity_window') }}
),

tasks as (
    select * from {{ ref('int_opportunity_window_tasks') }}
),

volumes as (
    select
        process_name,
        department,
        count(*) as task_count,
        count(distinct task_month) as months_observed,
        count(distinct team) as teams,
        sum(case when is_completed then 1 else 0 end) as completed_tasks,
        sum(case when is_completed then duration_minutes end) / 60.0 as task_hours,
        avg(case when is_completed then duration_minutes end) as mean_duration_minutes,
        stddev_samp(case when is_completed then duration_minutes end)
        / nullif(avg(case when is_completed then duration_minutes end), 0) as duration_cv,
        sum(case when is_completed and has_error then 1 else 0 end) as tasks_with_error,
        sum(case when is_completed and is_reworked then 1 else 0 end) as reworked_tasks
    from tasks
    group by process_name, department
),

task_types as (
    select
        process_name,
        department,
        task_type,
        count(*) as tasks_of_type
    from tasks
    where task_type is not null
    group by process_name, department, task_type
),

ranked_task_types as (
    select
        *,
        row_number() over (
            partition by process_name, department order by tasks_of_type desc, task_type asc
        ) as type_rank
    from task_types
),

type_concentration as (
    select
        process_name,
        department,
        count(*) as task_types,
        sum(tasks_of_type) as typed_tasks,
        -- "The few most common types": the top two. A process of one or two types is
        -- entirely repetitive on this measure.
        sum(case when type_rank <= 2 then tasks_of_type else 0 end) as top_two_type_tasks
    from ranked_task_types
    group by process_name, department
),

final as (
    select
        volumes.process_name,
        volumes.department,
        report_window.window_start,
        report_window.window_end,
        volumes.months_observed,
        volumes.task_count,
        cast(volumes.completed_tasks as {{ dbt.type_bigint() }}) as completed_tasks,
        volumes.teams,
        cast(volumes.completed_tasks as {{ type_double() }}) / volumes.months_observed as completed_tasks_per_month,
        volumes.mean_duration_minutes,
        volumes.task_hours,
        volumes.task_hours * 12.0 / volumes.months_observed as annual_hours,
        volumes.duration_cv,
        type_concentration.task_types,
        cast(type_concentration.top_two_type_tasks as {{ type_double() }}) / nullif(type_concentration.typed_tasks, 0)
            as top_two_type_share,
        cast(volumes.tasks_with_error as {{ type_double() }}) / nullif(volumes.completed_tasks, 0) as error_rate,
        cast(volumes.reworked_tasks as {{ type_double() }}) / nullif(volumes.completed_tasks, 0) as rework_rate
    from volumes
    cross join report_window
    left join type_concentration
        on
            volumes.process_name = type_concentration.process_name
            and volumes.department = type_concentration.department
)

select * from final
