{#- Innovation panel: launches per R&D team and launch month, with time to market. -#}
with

launches as (
    select * from {{ ref('stg_products__launches') }}
),

final as (
    select
        rnd_team,
        launch_month as month_start,
        count(*) as launches,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_launches,
        sum(time_to_market_days) as time_to_market_days_total,
        {{ median('time_to_market_days') }} as time_to_market_median_days
    from launches
    group by rnd_team, launch_month
)

select * from final
