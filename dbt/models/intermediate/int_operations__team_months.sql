{#- Efficiency panel: one row per team and month of completed tasks (all processes). -#}
with

tasks as (
    select * from {{ ref('stg_operations__tasks') }}
    where is_completed and team is not null
),

final as (
    select
        team,
        task_month as month_start,
        count(*) as completed_tasks,
        sum(duration_minutes) as total_duration_minutes,
        {{ median('duration_minutes') }} as median_duration_minutes,
        sum(case when has_error then 1 else 0 end) as tasks_with_error,
        sum(case when is_reworked then 1 else 0 end) as reworked_tasks,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_tasks,
        count(distinct employee_key) as active_employees
    from tasks
    group by team, task_month
)

select * from final
