{#- Competitors' AI use cases as the analysts record them, one row per move. -#}
with

source as (
    select
        *,
        concat_ws('|', competitor, use_case, cast(move_date as {{ dbt.type_string() }})) as move_key
    from {{ source('raw', 'competitor_moves') }}
),

latest as (
    {{ deduplicate('source', 'move_key', '_loaded_at desc, _source_file desc, _source_row desc') }}
),

renamed as (
    select
        move_key,
        competitor,
        function as business_function,
        process as process_name,
        use_case,
        move_date,
        source_url,
        confidence,
        _source_file as source_file
    from latest
)

select * from renamed
