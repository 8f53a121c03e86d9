with

source as (
    select * from {{ source('raw', 'ai_tools') }}
),

latest as (
    {{ deduplicate(
        'source',
        'tool',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        tool,
        initiative_id,
        heavy_active_days,
        _source_file as source_file
    from latest
)

select * from renamed
