{#- Completed tasks per team, process and day, whichever form they came in: task rows
    (stg_operations__tasks) tallied per day, or the daily counts of a workflow tool
    (stg_operations__task_counts). A team, process and day delivered both ways is counted
    once, from the count, as for inspections (int_quality__inspection_days); such days are
    marked delivered_as = 'both'. Optional counts a count row leaves out stay null. -#}
with

task_rows as (
    select * from {{ ref('stg_operations__tasks') }}
    where is_completed and team is not null
),

count_rows as (
    select * from {{ ref('stg_operations__task_counts') }}
),

row_days as (
    select
        department,
        team,
        process_name,
        task_month,
        cast(started_at as date) as task_date,
        count(*) as completed_tasks,
        sum(duration_minutes) as total_duration_minutes,
        sum(case when has_error then 1 else 0 end) as tasks_with_error,
        sum(case when is_reworked then 1 else 0 end) as reworked_tasks,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_tasks
    from task_rows
    group by department, team, process_name, task_month, cast(started_at as date)
),

counted_days as (
    select
        count_rows.department,
        count_rows.team,
        count_rows.process_name,
        count_rows.task_month,
        count_rows.task_date,
        case when row_days.team is null then 'counts' else 'both' end as delivered_as,
        count_rows.completed_tasks,
        count_rows.total_duration_minutes,
        count_rows.tasks_with_error,
        count_rows.reworked_tasks,
        count_rows.ai_assisted_tasks
    from count_rows
    left join row_days
        on
            count_rows.department = row_days.department
            and count_rows.team = row_days.team
            and count_rows.process_name = row_days.process_name
            and count_rows.task_date = row_days.task_date
),

row_only_days as (
    select
        department,
        team,
        process_name,
        task_month,
        task_date,
        'rows' as delivered_as,
        completed_tasks,
        total_duration_minutes,
        tasks_with_error,
        reworked_tasks,
        ai_assisted_tasks
    from row_days
    where not exists (
        select 1 from count_rows
        where
            count_rows.department = row_days.department
            and count_rows.team = row_days.team
            and count_rows.process_name = row_days.process_name
            and count_rows.task_date = row_days.task_date
    )
),

final as (
    select * from counted_days
    union all
    select * from row_only_days
)

select * from final
