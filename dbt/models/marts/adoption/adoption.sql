{#- The adoption family: seats, active users, utilisation, idle seats and their cost, and
    the intensity of use, per initiative, unit and month (seats of people the HR roster
    does not know belong to no unit: they count in the ROI's costs only). A unit-month resting on fewer
    than 5 licensed people is hidden, and so is the next smallest unit of the same
    initiative and month, so that none can be recovered from the initiative's total
    (macros/suppress_small_cells.sql). Seat counts are shown for any unit of 5 or more
    licensed people, as the vendors' own reports do; means per active user need 5 active
    users, and the light and heavy counts 5 people each (else both are hidden, as either
    gives the other from the active users). -#}
with

weekly as (
    select * from {{ ref('int_ai_usage__weekly_actives') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
),

cells as (
    select * from {{ ref('int_ai_usage__unit_months') }}
),

suppressed as (
    {{ suppress_small_cells(
        'cells',
        ['initiative_id', 'month_start'],
        'unit_id',
        'licensed_seats',
        var('min_hr_cell_size')
    ) }}
),

visible as (
    select
        suppressed.*,
        not suppressed.is_suppressed
        and suppressed.light_users >= {{ var('min_hr_cell_size') }}
        and suppressed.heavy_users >= {{ var('min_hr_cell_size') }} as is_intensity_shown,
        not suppressed.is_suppressed
        and suppressed.active_users >= {{ var('min_hr_cell_size') }} as is_mean_shown
    from suppressed
),

shown as (
    select
        visible.initiative_id,
        visible.tool,
        visible.unit_type,
        visible.unit_id,
        visible.month_start,
        visible.is_suppressed,
        case when not visible.is_suppressed then visible.licensed_seats end as licensed_seats,
        case when not visible.is_suppressed then visible.active_users end as active_users,
        case
            when not visible.is_suppressed
                then cast(visible.active_users as {{ type_double() }}) / visible.licensed_seats
        end as utilisation,
        case
            when not visible.is_suppressed then visible.licensed_seats - visible.active_users
        end as idle_seats,
        case when not visible.is_suppressed then visible.licence_cost end as licence_cost,
        case when not visible.is_suppressed then visible.idle_seat_cost end as idle_seat_cost,
        case
            when not visible.is_suppressed and visible.active_users > 0
                then visible.licence_cost / visible.active_users
        end as cost_per_active_user,
        case
            when visible.is_mean_shown
                then cast(visible.active_days as {{ type_double() }}) / visible.active_users
        end as active_days_per_active_user,
        case
            when visible.is_mean_shown
                then cast(visible.interactions as {{ type_double() }}) / visible.active_users
        end as interactions_per_active_user,
        case when visible.is_intensity_shown then visible.light_users end as light_users,
        case when visible.is_intensity_shown then visible.heavy_users end as heavy_users,
        case
            when visible.is_intensity_shown
                then cast(visible.heavy_users as {{ type_double() }}) / visible.active_users
        end as heavy_share
    from visible
),

final as (
    select
        shown.initiative_id,
        shown.tool,
        shown.unit_type,
        shown.unit_id,
        shown.month_start,
        units.go_live_date,
        {#- From the go-live month: for a mid-month go-live, DuckDB's month difference counts
            month boundaries and Spark's whole months. #}
        {{ dbt.datediff(dbt.date_trunc('month', 'units.go_live_date'), 'shown.month_start', 'month') }}
            as months_since_go_live,
        shown.licensed_seats,
        shown.active_users,
        case when not shown.is_suppressed then weekly.weekly_active_users end
            as weekly_active_users,
        shown.utilisation,
        case
            when not shown.is_suppressed then weekly.weekly_active_users / shown.licensed_seats
        end as weekly_utilisation,
        shown.idle_seats,
        shown.licence_cost,
        shown.idle_seat_cost,
        shown.cost_per_active_user,
        shown.active_days_per_active_user,
        shown.interactions_per_active_user,
        shown.light_users,
        shown.heavy_users,
        shown.heavy_share,
        shown.is_suppressed
    from shown
    left join weekly
        on
            shown.initiative_id = weekly.initiative_id
            and shown.unit_id = weekly.unit_id
            and shown.month_start = weekly.month_start
    left join units
        on
            shown.initiative_id = units.initiative_id
            and shown.unit_id = units.unit_id
)

select * from final
