with

source as (
    select * from {{ source('raw', 'product_launches') }}
),

latest as (
    {{ deduplicate(
        'source',
        'product_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        product_id,
        product_name,
        rnd_team,
        idea_date,
        launch_date,
        cast({{ dbt.date_trunc('month', 'launch_date') }} as date) as launch_month,
        {{ dbt.datediff('idea_date', 'launch_date', 'day') }} as time_to_market_days,
        ai_assisted as is_ai_assisted,
        ai_enabled as is_ai_enabled,
        _source_file as source_file
    from latest
)

select * from renamed
