with

source as (
    select * from {{ source('raw', 'initiative_objectives') }}
),

latest as (
    {{ deduplicate(
        'source',
        'initiative_id, objective_number',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        initiative_id,
        objective_number,
        metric as metric_name,
        direction as target_direction,
        -- Rows loaded before level objectives existed are changes.
        coalesce(objective_kind, 'change') as objective_kind,
        target_pct,
        deadline as deadline_date,
        target_level,
        by_month as by_month_after_go_live,
        _source_file as source_file
    from latest
)

select * from renamed
