{#- Efficiency panel: one row per team and reported month of completed tasks (all
    processes), from int_operations__team_days, so task rows and daily counts alike. A team
    is known only from its own tasks, so the source was delivered wherever the panel has a
    row: a month without tasks counts zero. A total that some counted day of the month left
    out is unknown (null) for the month, never short. The median duration and the active
    employees need the task rows themselves: a month with any counted day, or without
    tasks, has neither, and the median duration metric is left out for it.

    Worked hours, the throughput's denominator, are the team's average headcount on the HR
    roster ((start + end) / 2, a team of the same name) times the declared
    worked_hours_per_fte_month; null where the roster does not hold the team.

    Incremental by month: everything but the task rows' median and active employees is
    small (days, roster, months) and computed whole; the task rows are read again only
    for the months they changed in (rows loaded since the last build, a month whose
    count of tasks moved: the month a restated task left), the other months keep theirs
    (a counted day delivered since nulls the month's median and active employees anyway). Only rows that changed are merged. Teams or months that vanish
    (retracted rows) need a full refresh, which the pipeline runs then. -#}
{{ config(
    unique_key=['team', 'month_start'],
    **monthly_increments(),
) }}

with

months as (
    select * from {{ ref('int_months') }}
),

team_days as (
    select * from {{ ref('int_operations__team_days') }}
),

roster_months as (
    select * from {{ ref('int_hr__team_months') }}
),

teams as (
    select distinct team from team_days
),

day_totals as (
    select
        team,
        task_month,
        sum(completed_tasks) as completed_tasks,
        -- Known only if every day has it (count() skips nulls).
        case
            when count(total_duration_minutes) = count(*) then sum(total_duration_minutes)
        end as total_duration_minutes,
        case when count(tasks_with_error) = count(*) then sum(tasks_with_error) end
            as tasks_with_error,
        case when count(reworked_tasks) = count(*) then sum(reworked_tasks) end
            as reworked_tasks,
        case when count(ai_assisted_tasks) = count(*) then sum(ai_assisted_tasks) end
            as ai_assisted_tasks,
        max(case when delivered_as = 'rows' then 0 else 1 end) = 1 as has_counted_days
    from team_days
    group by team, task_month
),

{% if is_incremental() %}
    built as (
        select * from {{ this }}
    ),

    reread_months as (
        select task_month as month_start from {{ ref('stg_operations__tasks') }}
        where loaded_at > (select max(built.loaded_at) from built)
        union
        select month_start from months
        where month_start not in (select built.month_start from built)
        union
        select day_totals.task_month as month_start
        from day_totals
        left join built
            on day_totals.team = built.team and day_totals.task_month = built.month_start
        where built.team is null or built.completed_tasks != day_totals.completed_tasks
    ),
{% else %}
    reread_months as (
        select month_start from months
    ),
{% endif %}

tasks as (
    select * from {{ ref('stg_operations__tasks') }}
    where
        is_completed
        and team is not null
        and task_month in (select reread_months.month_start from reread_months)
),

row_months as (
    select
        team,
        task_month,
        {{ median('duration_minutes') }} as median_duration_minutes,
        count(distinct employee_key) as active_employees
    from tasks
    group by team, task_month
    {% if is_incremental() -%}
        union all
        select
            team,
            month_start as task_month,
            median_duration_minutes,
            active_employees
        from built
        where month_start not in (select reread_months.month_start from reread_months)
    {%- endif %}
),

panel as (
    select
        teams.team,
        months.month_start,
        coalesce(day_totals.completed_tasks, 0) as completed_tasks,
        -- Zero in a month without tasks; unknown (null) stays unknown otherwise.
        case when day_totals.team is null then 0 else day_totals.total_duration_minutes end
            as total_duration_minutes,
        case
            when not day_totals.has_counted_days then row_months.median_duration_minutes
        end as median_duration_minutes,
        case when day_totals.team is null then 0 else day_totals.tasks_with_error end
            as tasks_with_error,
        case when day_totals.team is null then 0 else day_totals.reworked_tasks end
            as reworked_tasks,
        case when day_totals.team is null then 0 else day_totals.ai_assisted_tasks end
            as ai_assisted_tasks,
        case when not day_totals.has_counted_days then row_months.active_employees end
            as active_employees,
        (roster_months.headcount_at_start + roster_months.headcount_at_end)
        / 2.0
        * {{ var('worked_hours_per_fte_month') }} as worked_hours
    from teams
    cross join months
    left join day_totals
        on teams.team = day_totals.team and months.month_start = day_totals.task_month
    left join row_months
        on teams.team = row_months.team and months.month_start = row_months.task_month
    left join roster_months
        on teams.team = roster_months.team and months.month_start = roster_months.month_start
),

changed as (
    {{ changed_rows('panel') }}
),

final as (
    select
        changed.*,
        cast(current_timestamp as {{ dbt.type_timestamp() }}) as loaded_at
    from changed
)

select * from final
