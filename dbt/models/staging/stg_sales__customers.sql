with

source as (
    select * from {{ source('raw', 'sales_customers') }}
),

latest as (
    {{ deduplicate(
        'source',
        'customer_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        customer_id,
        region,
        segment as customer_segment,
        first_order_date,
        _source_file as source_file
    from latest
)

select * from renamed
