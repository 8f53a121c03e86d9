{{ config(unique_key='task_id', **daily_increments('started_on')) }}

with

source as (
    select * from {{ source('raw', 'operations_tasks') }}
    {{ incremental_source_filter(source('raw', 'operations_tasks'), 'started_at') }}
),

latest as (
    {{ deduplicate(
        'source',
        'task_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        task_id,
        process as process_name,
        task_type,
        department,
        team,
        employee_id as employee_key,
        started_at,
        ended_at,
        cast({{ dbt.date_trunc('month', 'started_at') }} as date) as task_month,
        status as task_status,
        status = 'completed' as is_completed,
        error_flag as has_error,
        rework_flag as is_reworked,
        ai_assisted as is_ai_assisted,
        cast({{ dbt.datediff('started_at', 'ended_at', 'second') }} as {{ type_double() }}) / 60 as duration_minutes,
        _source_file as source_file,
        {{ day_partition_column('started_at', 'started_on') }}
        _loaded_at as loaded_at
    from latest
)

select * from renamed
{{ one_file_per_day('started_on') }}
