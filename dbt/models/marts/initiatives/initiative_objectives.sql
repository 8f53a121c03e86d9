{#- Each objective of each initiative against the attributed (DiD) effect of its metric,
    in the objective's own direction: progress = effect in the target's direction /
    size of the target (a decrease of 24% towards a -30% target is 0.8).

    An objective whose deadline has passed is judged on the data up to its deadline
    (int_objective_effects), so later months cannot turn a miss into a success; one
    still running, on all data to date. Status: met (progress >= 1); missed (deadline
    passed, not met); on track (progress at least the share of time elapsed from first
    go-live to the deadline); at risk (behind that pace); no estimate (no attributed
    effect). -#}
with

objectives as (
    select * from {{ ref('stg_registry__initiative_objectives') }}
),

effects as (
    select * from {{ ref('int_attribution__effects') }}
),

effects_at_deadline as (
    select * from {{ ref('int_objective_effects') }}
),

report as (
    select
        report_month,
        {{ dbt.last_day('report_month', 'month') }} as report_date
    from {{ ref('int_report_month') }}
),

rollout as (
    select
        initiative_id,
        min(go_live_date) as first_go_live_date
    from {{ ref('stg_registry__initiative_units') }}
    group by initiative_id
),

judged as (
    select
        objectives.initiative_id,
        objectives.objective_number,
        objectives.metric_name,
        objectives.target_direction,
        objectives.target_pct / 100.0 as target_effect_pct,
        objectives.deadline_date,
        report.report_date,
        report.report_date >= objectives.deadline_date as is_past_deadline,
        rollout.first_go_live_date,
        case when objectives.target_direction = 'increase' then 1 else -1 end as direction_sign,
        case
            when report.report_date >= objectives.deadline_date
                then cast(effects_at_deadline.judged_through_month as date)
            else report.report_month
        end as judged_through_month,
        case
            when report.report_date >= objectives.deadline_date then effects_at_deadline.did_effect_pct
            else effects.did_effect_pct
        end as attributed_effect_pct,
        case
            when report.report_date >= objectives.deadline_date then effects_at_deadline.did_ci_low_pct
            else effects.did_ci_low_pct
        end as attributed_effect_ci_low_pct,
        case
            when report.report_date >= objectives.deadline_date then effects_at_deadline.did_ci_high_pct
            else effects.did_ci_high_pct
        end as attributed_effect_ci_high_pct,
        case
            when report.report_date >= objectives.deadline_date then effects_at_deadline.evidence
            else effects.evidence
        end as attribution_evidence
    from objectives
    cross join report
    inner join rollout on objectives.initiative_id = rollout.initiative_id
    left join effects
        on
            objectives.initiative_id = effects.initiative_id
            and objectives.metric_name = effects.metric_name
    left join effects_at_deadline
        on
            objectives.initiative_id = effects_at_deadline.initiative_id
            and objectives.objective_number = effects_at_deadline.objective_number
),

measured as (
    select
        initiative_id,
        objective_number,
        metric_name,
        target_direction,
        target_effect_pct,
        deadline_date,
        report_date,
        judged_through_month,
        attributed_effect_pct,
        attributed_effect_ci_low_pct,
        attributed_effect_ci_high_pct,
        attribution_evidence,
        direction_sign * attributed_effect_pct / nullif(abs(target_effect_pct), 0) as progress,
        is_past_deadline,
        least(1.0, greatest(
            0.0,
            cast({{ dbt.datediff('first_go_live_date', 'report_date', 'day') }} as {{ type_double() }})
            / nullif({{ dbt.datediff('first_go_live_date', 'deadline_date', 'day') }}, 0)
        )) as time_elapsed_share
    from judged
),

final as (
    select
        initiative_id,
        objective_number,
        metric_name,
        target_direction,
        target_effect_pct,
        deadline_date,
        report_date,
        judged_through_month,
        attributed_effect_pct,
        attributed_effect_ci_low_pct,
        attributed_effect_ci_high_pct,
        attribution_evidence,
        progress,
        time_elapsed_share,
        case
            when attributed_effect_pct is null then 'no estimate'
            when progress >= 1 then 'met'
            when is_past_deadline then 'missed'
            when progress >= time_elapsed_share then 'on track'
            else 'at risk'
        end as objective_status
    from measured
)

select * from final
