with

source as (
    select * from {{ source('raw', 'ai_licences') }}
),

latest as (
    {{ deduplicate(
        'source',
        'tool, employee_id, seat_start',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        tool,
        employee_id as employee_key,
        seat_start,
        seat_end,
        monthly_price,
        _source_file as source_file
    from latest
)

select * from renamed
