{#- Each objective of each initiative against the attributed (DiD) effect of its metric.
    progress = effect / target. Status: met (progress >= 1); missed (deadline passed, not
    met); on track (progress at least the share of time elapsed from first go-live to the
    deadline); at risk (behind that pace); no estimate (no attributed effect yet). -#}
with

objectives as (
    select * from {{ ref('stg_registry__initiative_objectives') }}
),

effects as (
    select * from {{ ref('int_attribution__effects') }}
),

report as (
    select {{ dbt.last_day('report_month', 'month') }} as report_date from {{ ref('int_report_month') }}
),

rollout as (
    select
        initiative_id,
        min(go_live_date) as first_go_live_date
    from {{ ref('stg_registry__initiative_units') }}
    group by initiative_id
),

measured as (
    select
        objectives.initiative_id,
        objectives.objective_number,
        objectives.metric_name,
        objectives.target_direction,
        objectives.target_pct / 100.0 as target_effect_pct,
        objectives.deadline_date,
        report.report_date,
        effects.did_effect_pct as attributed_effect_pct,
        effects.did_ci_low_pct as attributed_effect_ci_low_pct,
        effects.did_ci_high_pct as attributed_effect_ci_high_pct,
        effects.evidence as attribution_evidence,
        effects.did_effect_pct / nullif(objectives.target_pct / 100.0, 0) as progress,
        least(1.0, greatest(
            0.0,
            1.0 * {{ dbt.datediff('rollout.first_go_live_date', 'report.report_date', 'day') }}
            / nullif({{ dbt.datediff('rollout.first_go_live_date', 'objectives.deadline_date', 'day') }}, 0)
        )) as time_elapsed_share
    from objectives
    cross join report
    inner join rollout on objectives.initiative_id = rollout.initiative_id
    left join effects
        on
            objectives.initiative_id = effects.initiative_id
            and objectives.metric_name = effects.metric_name
),

final as (
    select
        measured.*,
        case
            when measured.attributed_effect_pct is null then 'no estimate'
            when measured.progress >= 1 then 'met'
            when measured.report_date >= measured.deadline_date then 'missed'
            when measured.progress >= measured.time_elapsed_share then 'on track'
            else 'at risk'
        end as objective_status
    from measured
)

select * from final
