{#- Every unit's metrics per month of the reported window, for the family marts.
    Units in an initiative's population come from int_initiative_metric_months, once per
    initiative, with their window and baseline. Units no initiative covers (yet) come
    straight from int_metric_values with the initiative columns empty, so a company sees
    and can baseline its metrics before its first roll-out. Coverage is per unit type and
    unit: a unit an initiative holds is never repeated without it. -#}
with

initiative_metric_months as (
    select * from {{ ref('int_initiative_metric_months') }}
),

initiative_unit_months as (
    select * from {{ ref('int_initiative_unit_months') }}
),

metric_values as (
    select * from {{ ref('int_metric_values') }}
),

metrics as (
    select * from {{ ref('metric_definitions') }}
),

months as (
    select * from {{ ref('int_months') }}
),

-- An initiative names each unit once (stg_registry__initiative_units is unique on it).
initiative_units as (
    select distinct
        initiative_id,
        unit_type,
        unit_id
    from initiative_unit_months
),

covered_units as (
    select distinct
        unit_type,
        unit_id
    from initiative_units
),

covered as (
    select
        initiative_metric_months.initiative_id,
        initiative_metric_months.family,
        initiative_metric_months.metric_name,
        initiative_units.unit_type,
        initiative_metric_months.unit_id,
        initiative_metric_months.month_start,
        initiative_metric_months.is_treated,
        initiative_metric_months.go_live_month,
        initiative_metric_months.period,
        initiative_metric_months.numerator,
        initiative_metric_months.denominator,
        initiative_metric_months.metric_value,
        initiative_metric_months.baseline_value,
        initiative_metric_months.change_vs_baseline,
        initiative_metric_months.change_vs_baseline_pct
    from initiative_metric_months
    inner join initiative_units
        on
            initiative_metric_months.initiative_id = initiative_units.initiative_id
            and initiative_metric_months.unit_id = initiative_units.unit_id
),

uncovered as (
    select
        cast(null as {{ dbt.type_string() }}) as initiative_id,
        metrics.family,
        metric_values.metric_name,
        metric_values.unit_type,
        metric_values.unit_id,
        metric_values.month_start,
        cast(null as {{ dbt.type_boolean() }}) as is_treated,
        cast(null as date) as go_live_month,
        cast(null as {{ dbt.type_string() }}) as period,
        metric_values.numerator,
        metric_values.denominator,
        metric_values.metric_value,
        cast(null as {{ type_double() }}) as baseline_value,
        cast(null as {{ type_double() }}) as change_vs_baseline,
        cast(null as {{ type_double() }}) as change_vs_baseline_pct
    from metric_values
    inner join metrics on metric_values.metric_name = metrics.metric_name
    -- The months the initiatives' rows span too: up to the latest complete month.
    inner join months on metric_values.month_start = months.month_start
    where not exists (
        select 1 from covered_units
        where
            covered_units.unit_type = metric_values.unit_type
            and covered_units.unit_id = metric_values.unit_id
    )
),

final as (
    select * from covered
    union all
    select * from uncovered
)

select * from final
