with

source as (
    select * from {{ source('raw', 'organisation_units') }}
),

latest as (
    {{ deduplicate(
        'source',
        'unit_type, unit_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        unit_type,
        unit_id,
        label as unit_label,
        parent_type,
        parent_id,
        _source_file as source_file
    from latest
)

select * from renamed
