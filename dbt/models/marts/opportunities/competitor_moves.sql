{#- Competitors' AI moves, as the analysts record them, served beside the opportunities
    they weigh on. -#}
with

moves as (
    select * from {{ ref('stg_benchmarks__competitor_moves') }}
),

final as (
    select
        move_key,
        competitor,
        business_function,
        process_name,
        use_case,
        move_date,
        source_url,
        confidence
    from moves
)

select * from final
