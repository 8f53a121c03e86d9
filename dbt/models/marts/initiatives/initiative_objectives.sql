{#- Each objective of each initiative, in the objective's own direction, with its status.

    A change objective is judged on the attributed (DiD) effect of its metric: progress =
    effect in the target's direction / size of the target (a decrease of 24% towards a
    -30% target is 0.8). Once its deadline has passed it is judged on the data up to the
    deadline (int_objective_effects), so later months cannot turn a miss into a success;
    one still running, on all data to date.

    A level objective (an adoption measure: "70% weekly active by month 3") is judged on
    the measure pooled over the treated units, each in its n-th month after its go-live
    month, or in the report month while it has not got there (int_ai_usage__level_metrics);
    progress = level / target for an increase, target / level for a decrease. Its deadline
    is the end of the last unit's n-th month. A pool of fewer than 5 licensed people gives
    no estimate.

    Status: met (progress >= 1); missed (deadline passed, not met); on track (progress at
    least the share of time elapsed from first go-live to the deadline); at risk (behind
    that pace); no estimate (no attributed effect or level). -#}
with

objectives as (
    select * from {{ ref('stg_registry__initiative_objectives') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
),

level_metrics as (
    select * from {{ ref('int_ai_usage__level_metrics') }}
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
    from units
    group by initiative_id
),

change_judged as (
    select
        objectives.initiative_id,
        objectives.objective_number,
        objectives.metric_name,
        objectives.target_direction,
        objectives.objective_kind,
        objectives.target_pct / 100.0 as target_effect_pct,
        cast(null as {{ type_double() }}) as target_level,
        cast(null as {{ dbt.type_bigint() }}) as by_month_after_go_live,
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
        end as attribution_evidence,
        cast(null as {{ type_double() }}) as achieved_level
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
    where objectives.objective_kind = 'change'
),

level_unit_months as (
    select
        objectives.initiative_id,
        objectives.objective_number,
        objectives.metric_name,
        units.unit_id,
        cast({{ dbt.dateadd(
            'month',
            'objectives.by_month_after_go_live',
            dbt.date_trunc('month', 'units.go_live_date')
        ) }} as date) as judged_month
    from objectives
    inner join units on objectives.initiative_id = units.initiative_id
    where objectives.objective_kind = 'level' and units.is_treated
),

level_values as (
    select
        level_unit_months.initiative_id,
        level_unit_months.objective_number,
        max(level_unit_months.judged_month) as last_judged_month,
        sum(level_metrics.people) as people,
        sum(level_metrics.numerator) as numerator,
        sum(level_metrics.denominator) as denominator
    from level_unit_months
    cross join report
    left join level_metrics
        on
            level_unit_months.initiative_id = level_metrics.initiative_id
            and level_unit_months.metric_name = level_metrics.metric_name
            and level_unit_months.unit_id = level_metrics.unit_id
            and least(level_unit_months.judged_month, report.report_month) = level_metrics.month_start
    group by level_unit_months.initiative_id, level_unit_months.objective_number
),

level_judged as (
    select
        objectives.initiative_id,
        objectives.objective_number,
        objectives.metric_name,
        objectives.target_direction,
        objectives.objective_kind,
        cast(null as {{ type_double() }}) as target_effect_pct,
        objectives.target_level,
        objectives.by_month_after_go_live,
        cast({{ dbt.last_day('level_values.last_judged_month', 'month') }} as date) as deadline_date,
        report.report_date,
        report.report_month >= level_values.last_judged_month as is_past_deadline,
        rollout.first_go_live_date,
        case when objectives.target_direction = 'increase' then 1 else -1 end as direction_sign,
        least(level_values.last_judged_month, report.report_month) as judged_through_month,
        cast(null as {{ type_double() }}) as attributed_effect_pct,
        cast(null as {{ type_double() }}) as attributed_effect_ci_low_pct,
        cast(null as {{ type_double() }}) as attributed_effect_ci_high_pct,
        cast(null as {{ dbt.type_string() }}) as attribution_evidence,
        case
            when level_values.people >= {{ var('min_hr_cell_size') }} and level_values.denominator > 0
                then level_values.numerator / level_values.denominator
        end as achieved_level
    from objectives
    cross join report
    inner join rollout on objectives.initiative_id = rollout.initiative_id
    inner join level_values
        on
            objectives.initiative_id = level_values.initiative_id
            and objectives.objective_number = level_values.objective_number
),

judged as (
    select * from change_judged
    union all
    select * from level_judged
),

measured as (
    select
        initiative_id,
        objective_number,
        metric_name,
        target_direction,
        objective_kind,
        target_effect_pct,
        target_level,
        by_month_after_go_live,
        deadline_date,
        report_date,
        judged_through_month,
        attributed_effect_pct,
        attributed_effect_ci_low_pct,
        attributed_effect_ci_high_pct,
        attribution_evidence,
        achieved_level,
        case
            when objective_kind = 'level' and target_direction = 'increase'
                then achieved_level / nullif(target_level, 0)
            when objective_kind = 'level' then target_level / nullif(achieved_level, 0)
            else direction_sign * attributed_effect_pct / nullif(abs(target_effect_pct), 0)
        end as progress,
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
        objective_kind,
        target_effect_pct,
        target_level,
        by_month_after_go_live,
        deadline_date,
        report_date,
        judged_through_month,
        attributed_effect_pct,
        attributed_effect_ci_low_pct,
        attributed_effect_ci_high_pct,
        attribution_evidence,
        achieved_level,
        progress,
        time_elapsed_share,
        case
            when progress is null then 'no estimate'
            when progress >= 1 then 'met'
            when is_past_deadline then 'missed'
            when progress >= time_elapsed_share then 'on track'
            else 'at risk'
        end as objective_status
    from measured
)

select * from final
