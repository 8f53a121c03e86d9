{#- Seats, active users, intensity and licence cost per initiative, tool, unit and month,
    counted from the seat-months of people the HR roster places in a unit: the adoption
    mart's cells before small-cell suppression, and what level objectives pool
    (int_ai_usage__level_metrics). Never served as it stands. -#}
with

seat_months as (
    select * from {{ ref('int_ai_usage__seat_months') }}
),

final as (
    select
        initiative_id,
        tool,
        unit_type,
        unit_id,
        month_start,
        count(*) as licensed_seats,
        count(case when active_days > 0 then 1 end) as active_users,
        count(case when active_days > 0 and active_days < heavy_active_days then 1 end)
            as light_users,
        count(case when active_days >= heavy_active_days then 1 end) as heavy_users,
        sum(monthly_price) as licence_cost,
        sum(case when active_days = 0 then monthly_price else 0 end) as idle_seat_cost,
        sum(active_days) as active_days,
        sum(interactions) as interactions
    from seat_months
    where unit_id is not null
    group by initiative_id, tool, unit_type, unit_id, month_start
)

select * from final
