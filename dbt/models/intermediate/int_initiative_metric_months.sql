{#- Each initiative's metrics per unit and month beside the unit's own baseline (ratio of
    sums over its baseline months). Control units are compared with the baseline window of
    the initiative's first go-live. The family marts read from here. -#}
with

panel as (
    select * from {{ ref('int_initiative_metric_panel') }}
),

first_go_live as (
    select
        initiative_id,
        min(go_live_month) as first_go_live_month,
        max(baseline_months) as baseline_months
    from panel
    group by initiative_id
),

baseline_rows as (
    select panel.*
    from panel
    inner join first_go_live on panel.initiative_id = first_go_live.initiative_id
    where
        panel.period = 'baseline'
        or (
            panel.period = 'control'
            and panel.month_start < first_go_live.first_go_live_month
            and panel.month_start
            >= {{ dbt.dateadd('month', '-first_go_live.baseline_months', 'first_go_live.first_go_live_month') }}
        )
),

baselines as (
    select
        initiative_id,
        metric_name,
        unit_id,
        sum(numerator) / sum(denominator) as baseline_value,
        count(*) as baseline_periods
    from baseline_rows
    group by initiative_id, metric_name, unit_id
),

final as (
    select
        panel.initiative_id,
        panel.family,
        panel.metric_name,
        panel.unit_id,
        panel.is_treated,
        panel.go_live_month,
        panel.month_start,
        panel.period,
        panel.numerator,
        panel.denominator,
        panel.metric_value,
        baselines.baseline_value,
        baselines.baseline_periods,
        panel.metric_value - baselines.baseline_value as change_vs_baseline,
        case
            when baselines.baseline_value <> 0
                then panel.metric_value / baselines.baseline_value - 1
        end as change_vs_baseline_pct
    from panel
    left join baselines
        on
            panel.initiative_id = baselines.initiative_id
            and panel.metric_name = baselines.metric_name
            and panel.unit_id = baselines.unit_id
)

select * from final
