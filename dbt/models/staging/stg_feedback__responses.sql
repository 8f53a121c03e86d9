with

source as (
    select * from {{ source('raw', 'feedback_responses') }}
),

latest as (
    {{ deduplicate(
        'source',
        'response_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        response_id,
        response_date,
        cast({{ dbt.date_trunc('month', 'response_date') }} as date) as response_month,
        region,
        channel,
        survey as survey_type,
        score,
        _source_file as source_file
    from latest
)

select * from renamed
