with

source as (
    select * from {{ source('raw', 'qc_claims') }}
),

latest as (
    {{ deduplicate(
        'source',
        'claim_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        claim_id,
        claim_date,
        cast({{ dbt.date_trunc('month', 'claim_date') }} as date) as claim_month,
        line as line_id,
        claim_type,
        units_affected,
        cost as claim_cost,
        _source_file as source_file
    from latest
)

select * from renamed
