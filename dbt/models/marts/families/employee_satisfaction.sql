{#- Employee satisfaction: job satisfaction, eNPS, self-rated productivity, AI adoption and
    turnover per initiative, unit (department or team) and month, against each unit's
    baseline, with the attributed effect. A cell the HR privacy rule hides
    (int_hr__cell_suppression: fewer than 5 people, or a team that would reveal one) shows
    neither its value nor its parts. Means are on the survey's declared scale, named in
    `scale`, and on 0-100 beside it. Units no initiative covers appear too, once per
    metric and month, with the initiative columns empty. -#}
with

metric_months as (
    select * from {{ ref('int_unit_metric_months') }}
    where family = 'employee_satisfaction'
),

suppression as (
    select * from {{ ref('int_hr__cell_suppression') }}
),

effects as (
    select * from {{ ref('int_attribution__effects') }}
),

cells as (
    select
        metric_months.*,
        -- A cell the suppression model does not know is hidden, never shown by default.
        coalesce(suppression.is_suppressed, true) as is_suppressed
    from metric_months
    left join suppression
        on
            metric_months.unit_type = suppression.unit_type
            and metric_months.unit_id = suppression.unit_id
            and metric_months.month_start = suppression.month_start
            and metric_months.metric_name = suppression.metric_name
),

-- A unit's baseline pools its months before its go-live (controls: before the first
-- go-live), so it is shown only if none of those cells is hidden: else it would reveal
-- what they hide. The change against it goes with it.
compared as (
    select
        cells.*,
        coalesce(cells.go_live_month, min(cells.go_live_month) over (partition by cells.initiative_id))
            as comparison_month
    from cells
),

baselines as (
    select
        initiative_id,
        unit_type,
        unit_id,
        metric_name,
        max(case when is_suppressed and month_start < comparison_month then 1 else 0 end) = 1
            as is_baseline_suppressed
    from compared
    group by initiative_id, unit_type, unit_id, metric_name
),

final as (
    select
        cells.initiative_id,
        cells.unit_type,
        cells.unit_id,
        cells.month_start,
        cells.metric_name,
        cells.is_treated,
        cells.go_live_month,
        cells.period,
        cells.is_suppressed,
        case when not cells.is_suppressed then cells.metric_value end as metric_value,
        case when not cells.is_suppressed then cells.numerator end as numerator,
        case when not cells.is_suppressed then cells.denominator end as denominator,
        case when not baselines.is_baseline_suppressed then cells.baseline_value end as baseline_value,
        case
            when not cells.is_suppressed and not baselines.is_baseline_suppressed then cells.change_vs_baseline
        end as change_vs_baseline,
        case
            when not cells.is_suppressed and not baselines.is_baseline_suppressed then cells.change_vs_baseline_pct
        end as change_vs_baseline_pct,
        effects.did_effect_pct as attributed_effect_pct,
        effects.did_ci_low_pct as attributed_effect_ci_low_pct,
        effects.did_ci_high_pct as attributed_effect_ci_high_pct,
        effects.evidence as attribution_evidence,
        {{ survey_metric_scale('cells.metric_name') }} as scale,
        case
            when not cells.is_suppressed then {{ survey_metric_0_100('cells.metric_name', 'cells.metric_value') }}
        end as metric_value_0_100
    from cells
    left join baselines
        on
            cells.initiative_id = baselines.initiative_id
            and cells.unit_type = baselines.unit_type
            and cells.unit_id = baselines.unit_id
            and cells.metric_name = baselines.metric_name
    left join effects
        on
            cells.initiative_id = effects.initiative_id
            and cells.metric_name = effects.metric_name
)

select * from final
