{#- The attribution input: for every initiative, each metric measured on its unit type,
    per population unit and month, with the unit's window. A metric may be measured on
    several unit types (the catalogue lists them as `department|team`): an initiative gets
    it on its own unit type. -#}
with

unit_months as (
    select * from {{ ref('int_initiative_unit_months') }}
),

metric_values as (
    select * from {{ ref('int_metric_values') }}
),

metrics as (
    select * from {{ ref('metric_definitions') }}
),

final as (
    select
        unit_months.initiative_id,
        metrics.metric_name,
        metrics.family,
        metrics.effect_model,
        unit_months.unit_id,
        unit_months.month_start,
        unit_months.period,
        unit_months.is_treated,
        unit_months.go_live_month,
        unit_months.baseline_months,
        unit_months.ramp_up_months,
        metric_values.numerator,
        metric_values.denominator,
        metric_values.metric_value
    from unit_months
    inner join metrics
        on
            {{ dbt.concat(["'|'", 'metrics.unit_type', "'|'"]) }}
            like {{ dbt.concat(["'%|'", 'unit_months.unit_type', "'|%'"]) }}
    inner join metric_values
        on
            unit_months.unit_type = metric_values.unit_type
            and unit_months.unit_id = metric_values.unit_id
            and unit_months.month_start = metric_values.month_start
            and metrics.metric_name = metric_values.metric_name
)

select * from final
