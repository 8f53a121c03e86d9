{#- Each initiative's population unit by month, labelled with the unit's own window:
    baseline (the N full months before its own go-live), ramp_up (left out), post, or
    before_baseline; never-treated units are controls throughout. -#}
with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
),

months as (
    select * from {{ ref('int_months') }}
),

unit_windows as (
    select
        units.initiative_id,
        units.unit_type,
        units.unit_id,
        units.is_treated,
        units.go_live_date,
        initiatives.baseline_months,
        initiatives.ramp_up_months,
        cast({{ dbt.date_trunc('month', 'units.go_live_date') }} as date) as go_live_month
    from units
    inner join initiatives on units.initiative_id = initiatives.initiative_id
),

final as (
    select
        unit_windows.initiative_id,
        unit_windows.unit_type,
        unit_windows.unit_id,
        unit_windows.is_treated,
        unit_windows.go_live_date,
        unit_windows.go_live_month,
        unit_windows.baseline_months,
        unit_windows.ramp_up_months,
        months.month_start,
        {{ dbt.datediff('unit_windows.go_live_month', 'months.month_start', 'month') }} as months_since_go_live,
        case
            when not unit_windows.is_treated then 'control'
            when
                months.month_start
                < {{ dbt.dateadd('month', '-unit_windows.baseline_months', 'unit_windows.go_live_month') }}
                then 'before_baseline'
            when months.month_start < unit_windows.go_live_month then 'baseline'
            when
                months.month_start
                < {{ dbt.dateadd('month', 'unit_windows.ramp_up_months', 'unit_windows.go_live_month') }}
                then 'ramp_up'
            else 'post'
        end as period
    from unit_windows
    cross join months
)

select * from final
