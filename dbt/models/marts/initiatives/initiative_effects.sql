{#- What changed since go-live and how much of it is the AI's, per initiative and metric:
    naive before/after, difference-in-differences with its 95% interval (and the method
    that made it), the year-over-year change, and the evidence behind each estimate.

    Beside the relative effect, the absolute one where it reads better: a share's in
    percentage points, a count's (value_unit '<things> per month') in its things per
    unit and month. Both are did_effect_abs, the treated units' post level less their
    counterfactual (for ppml: post_mean x (1 - exp(-beta)), the interval at beta's ends);
    for a share x 100. -#}
with

effects as (
    select * from {{ ref('int_attribution__effects') }}
),

metrics as (
    select
        *,
        case
            when value_unit like 'share%' then 'share'
            when value_unit like '% per month' then 'count'
        end as absolute_kind
    from {{ ref('metric_definitions') }}
),

final as (
    select
        effects.initiative_id,
        effects.metric_name,
        metrics.family,
        metrics.definition as metric_definition,
        metrics.value_unit,
        metrics.good_direction,
        effects.effect_model,
        effects.baseline_mean,
        effects.post_mean,
        effects.naive_change_abs,
        effects.naive_change_pct,
        effects.did_effect_abs,
        effects.did_ci_low_abs,
        effects.did_ci_high_abs,
        effects.did_effect_pct,
        effects.did_ci_low_pct,
        effects.did_ci_high_pct,
        effects.did_p_value,
        case when metrics.absolute_kind = 'share' then 100 * effects.did_effect_abs end
            as did_effect_pp,
        case when metrics.absolute_kind = 'share' then 100 * effects.did_ci_low_abs end
            as did_ci_low_pp,
        case when metrics.absolute_kind = 'share' then 100 * effects.did_ci_high_abs end
            as did_ci_high_pp,
        case when metrics.absolute_kind = 'count' then effects.did_effect_abs end
            as did_effect_per_month,
        case when metrics.absolute_kind = 'count' then effects.did_ci_low_abs end
            as did_ci_low_per_month,
        case when metrics.absolute_kind = 'count' then effects.did_ci_high_abs end
            as did_ci_high_per_month,
        effects.pre_trend_p_value,
        effects.yoy_change_pct,
        effects.pre_periods,
        effects.post_periods,
        effects.treated_units,
        effects.control_units,
        effects.cohorts,
        effects.ci_excludes_zero,
        effects.evidence,
        effects.estimator,
        effects.inference_method,
        -- The sign in the metric's own unit: a percentage is undefined where the
        -- counterfactual is not positive (e.g. a negative eNPS), the effect is not.
        case
            when effects.did_effect_abs is null or not effects.ci_excludes_zero then 'no clear effect'
            when (effects.did_effect_abs < 0) = (metrics.good_direction = 'decrease') then 'improved'
            else 'worsened'
        end as verdict
    from effects
    inner join metrics on effects.metric_name = metrics.metric_name
)

select * from final
