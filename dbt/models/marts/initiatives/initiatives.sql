with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
),

report as (
    select * from {{ ref('int_report_month') }}
),

rollout as (
    select
        units.initiative_id,
        -- Counted, not summed: DuckDB sums integers into a 128-bit hugeint, and the
        -- contract serves counts as bigint.
        count(*) as population_units,
        count(case when units.is_treated then 1 end) as treated_units,
        count(case when not units.is_treated then 1 end) as control_units,
        -- Live from the first month of data on: no baseline, so no effect can use them.
        count(
            case
                when
                    units.is_treated
                    and {{ dbt.date_trunc('month', 'units.go_live_date') }} <= report.first_month
                    then 1
            end
        ) as treated_units_without_baseline,
        min(units.go_live_date) as first_go_live_date,
        max(units.go_live_date) as last_go_live_date
    from units
    cross join report
    group by units.initiative_id
),

final as (
    select
        initiatives.initiative_id,
        initiatives.initiative_name,
        initiatives.initiative_owner,
        initiatives.initiative_description,
        initiatives.unit_type,
        rollout.population_units,
        rollout.treated_units,
        rollout.control_units,
        rollout.treated_units_without_baseline,
        rollout.first_go_live_date,
        rollout.last_go_live_date,
        initiatives.baseline_months,
        initiatives.ramp_up_months,
        initiatives.development_cost,
        initiatives.implementation_cost,
        initiatives.running_cost_monthly,
        initiatives.loaded_hourly_cost,
        initiatives.realisation_factor,
        initiatives.gross_margin,
        initiatives.cost_per_defect,
        initiatives.cost_per_rework,
        initiatives.cost_per_defect_includes_rework,
        initiatives.discount_rate,
        initiatives.horizon_years,
        initiatives.benefit_risk_haircut
    from initiatives
    left join rollout on initiatives.initiative_id = rollout.initiative_id
)

select * from final
