{#- The body of a family mart: the family's metrics per initiative, unit and month from
    int_unit_metric_months, with the initiative-level effects beside them. Units no
    initiative covers have one row per metric and month, their initiative columns empty.
    (Employee satisfaction has its own model: its cells follow the HR privacy rule.) -#}
{% macro family_metrics(family) %}
with

metric_months as (
    select * from {{ ref('int_unit_metric_months') }}
    where family = '{{ family }}'
),

effects as (
    select * from {{ ref('int_attribution__effects') }}
),

final as (
    select
        metric_months.initiative_id,
        metric_months.unit_type,
        metric_months.unit_id,
        metric_months.month_start,
        metric_months.metric_name,
        metric_months.is_treated,
        metric_months.go_live_month,
        metric_months.period,
        metric_months.metric_value,
        metric_months.numerator,
        metric_months.denominator,
        metric_months.baseline_value,
        metric_months.change_vs_baseline,
        metric_months.change_vs_baseline_pct,
        effects.did_effect_pct as attributed_effect_pct,
        effects.did_ci_low_pct as attributed_effect_ci_low_pct,
        effects.did_ci_high_pct as attributed_effect_ci_high_pct,
        effects.evidence as attribution_evidence
    from metric_months
    left join effects
        on
            metric_months.initiative_id = effects.initiative_id
            and metric_months.metric_name = effects.metric_name
)

select * from final
{% endmacro %}
