{#- Innovation panel: one row per R&D team and reported month, with its launches and their
    time to market. A team is known only from its own launches, so the source was delivered
    wherever the panel has a row: a month without launches counts zero launches, and its
    time to market (no launch to measure) stays null. -#}
with

months as (
    select * from {{ ref('int_months') }}
),

launches as (
    select * from {{ ref('stg_products__launches') }}
),

teams as (
    select distinct rnd_team from launches
),

monthly_launches as (
    select
        rnd_team,
        launch_month as month_start,
        count(*) as launches,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_launches,
        sum(time_to_market_days) as time_to_market_days_total,
        {{ median('time_to_market_days') }} as time_to_market_median_days
    from launches
    group by rnd_team, launch_month
),

final as (
    select
        teams.rnd_team,
        months.month_start,
        coalesce(monthly_launches.launches, 0) as launches,
        coalesce(monthly_launches.ai_assisted_launches, 0) as ai_assisted_launches,
        coalesce(monthly_launches.time_to_market_days_total, 0) as time_to_market_days_total,
        monthly_launches.time_to_market_median_days
    from teams
    cross join months
    left join monthly_launches
        on teams.rnd_team = monthly_launches.rnd_team and months.month_start = monthly_launches.month_start
)

select * from final
