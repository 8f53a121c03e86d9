{#- The event study behind each attributed effect: per initiative, metric and month
    relative to go-live, the effect against the month before go-live, with its 95%
    interval. Months before go-live should show none (the pre-trend test of
    initiative_effects); months after show how the effect built up. -#}
with

event_study as (
    select * from {{ ref('int_attribution__event_study') }}
),

metrics as (
    select * from {{ ref('metric_definitions') }}
),

final as (
    select
        event_study.initiative_id,
        event_study.metric_name,
        metrics.family,
        event_study.effect_model,
        event_study.event_time,
        event_study.coefficient,
        event_study.ci_low,
        event_study.ci_high,
        event_study.effect_pct,
        event_study.ci_low_pct,
        event_study.ci_high_pct,
        event_study.treated_units
    from event_study
    inner join metrics on event_study.metric_name = metrics.metric_name
)

select * from final
