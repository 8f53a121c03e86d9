{{ config(unique_key='order_id', **daily_increments('order_date')) }}

with

source as (
    select * from {{ source('raw', 'sales_orders') }}
    {{ incremental_source_filter(source('raw', 'sales_orders'), 'order_date') }}
),

latest as (
    {{ deduplicate(
        'source',
        'order_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        order_id,
        customer_id,
        product_id,
        region,
        channel,
        order_date,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month,
        amount as order_amount,
        margin as order_margin,
        _source_file as source_file,
        _loaded_at as loaded_at
    from latest
)

select * from renamed
{{ one_file_per_day('order_date') }}
