with

source as (
    select * from {{ source('raw', 'initiative_units') }}
),

latest as (
    {{ deduplicate(
        'source',
        'initiative_id, unit_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        initiative_id,
        unit_type,
        unit_id,
        go_live_date,
        go_live_date is not null as is_treated,
        _source_file as source_file
    from latest
)

select * from renamed
