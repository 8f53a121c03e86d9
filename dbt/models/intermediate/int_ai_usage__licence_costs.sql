{#- Licence and idle-seat costs per initiative and month, from the seat records. -#}
with

seat_months as (
    select * from {{ ref('int_ai_usage__seat_months') }}
),

final as (
    select
        initiative_id,
        month_start,
        sum(monthly_price) as licence_cost,
        sum(case when active_days = 0 then monthly_price else 0 end) as idle_seat_cost
    from seat_months
    group by initiative_id, month_start
)

select * from final
