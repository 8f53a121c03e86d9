{#- A view, like the inspection counts: one row per team, process and day is small enough
    to read whole, and a corrected file that drops a day needs no full refresh. -#}
with

source as (
    select * from {{ source('raw', 'operations_task_counts') }}
),

latest as (
    {{ deduplicate(
        'source',
        'task_date, department, team, process',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        task_date,
        cast({{ dbt.date_trunc('month', 'task_date') }} as date) as task_month,
        process as process_name,
        department,
        team,
        completed_tasks,
        total_duration_minutes,
        tasks_with_error,
        reworked_tasks,
        ai_assisted_tasks,
        _source_file as source_file,
        _loaded_at as loaded_at
    from latest
)

select * from renamed
