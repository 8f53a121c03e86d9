{#- One row per tool, person and month in which the person held a seat of the tool (at any
    time of the month; one seat per person, at its full monthly price), with the month's
    activity and the unit the person belongs to: their roster team, or their department
    where the tool's initiative is registered on departments; no unit for a person the
    roster does not know (their seat still costs). Person-level: never served. -#}
with

months as (
    select * from {{ ref('int_months') }}
),

licences as (
    select * from {{ ref('stg_ai_usage__licences') }}
),

activity as (
    select * from {{ ref('stg_ai_usage__activity') }}
),

tools as (
    select * from {{ ref('stg_ai_usage__tools') }}
),

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

roster as (
    select * from {{ ref('stg_hr__roster') }}
),

seat_months as (
    select
        licences.tool,
        licences.employee_key,
        months.month_start,
        max(licences.monthly_price) as monthly_price
    from licences
    inner join months
        on
            licences.seat_start < {{ dbt.dateadd('month', 1, 'months.month_start') }}
            and (licences.seat_end is null or licences.seat_end >= months.month_start)
    group by licences.tool, licences.employee_key, months.month_start
),

active_months as (
    select
        tool,
        employee_key,
        activity_month as month_start,
        count(distinct activity_date) as active_days,
        sum(interactions) as interactions
    from activity
    where is_active
    group by tool, employee_key, activity_month
),

final as (
    select
        tools.initiative_id,
        seat_months.tool,
        initiatives.unit_type,
        case when initiatives.unit_type = 'department' then roster.department else roster.team end
            as unit_id,
        seat_months.employee_key,
        seat_months.month_start,
        seat_months.monthly_price,
        coalesce(active_months.active_days, 0) as active_days,
        active_months.interactions,
        tools.heavy_active_days
    from seat_months
    inner join tools on seat_months.tool = tools.tool
    inner join initiatives on tools.initiative_id = initiatives.initiative_id
    left join roster on seat_months.employee_key = roster.employee_key
    left join active_months
        on
            seat_months.tool = active_months.tool
            and seat_months.employee_key = active_months.employee_key
            and seat_months.month_start = active_months.month_start
)

select * from final
