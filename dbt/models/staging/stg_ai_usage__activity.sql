with

source as (
    select * from {{ source('raw', 'ai_activity') }}
),

latest as (
    {{ deduplicate(
        'source',
        'tool, employee_id, activity_date',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        tool,
        employee_id as employee_key,
        activity_date,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as activity_month,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as activity_week,
        -- Exports that list active people only have no flag: their rows are activity.
        coalesce(active, true) as is_active,
        interactions,
        accepted,
        _source_file as source_file
    from latest
    where activity_date is not null
)

select * from renamed
