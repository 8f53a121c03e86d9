{#- Each initiative's monthly cash flows over its horizon, from its first go-live month
    (month 1) on, per scenario: expected (the point effects, draw_number 0), risk_adjusted
    (expected less the benefit haircut, draw_number 0) and simulated (draw_number 1..N:
    every effect drawn from its sampling distribution, int_attribution__effect_draws).
    Months up to the report month carry measured volumes; later months project the run
    rate of the months when every treated unit was live. A stream's benefit is its volume
    x unit value x the monetised effect, so each draw values the same volumes. An
    initiative is simulated only when every valued effect has an interval to draw from.
    Development and implementation costs fall at month 0, undiscounted. Running costs are
    the registry's monthly running cost plus, where the initiative's tool has seat records
    (int_ai_usage__licence_costs), the seats' cost: measured months their own, later
    months the report month's. -#}
with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

report as (
    select * from {{ ref('int_report_month') }}
),

benefits as (
    select * from {{ ref('int_initiative_benefits') }}
),

point_effects as (
    select * from {{ ref('int_attribution__effects') }}
),

effect_draws as (
    select * from {{ ref('int_attribution__effect_draws') }}
),

licence_costs as (
    select * from {{ ref('int_ai_usage__licence_costs') }}
),

rollout as (
    select
        initiative_id,
        min(go_live_month) as first_go_live_month,
        max(go_live_month) as last_go_live_month
    from {{ ref('int_initiative_unit_months') }}
    where is_treated
    group by initiative_id
),

-- Volume x unit value of each valued effect per month: what the effect multiplies.
monthly_exposures as (
    select
        initiative_id,
        metric_name,
        effect_form,
        month_start,
        sum(volume * unit_value) as exposure
    from benefits
    group by initiative_id, metric_name, effect_form, month_start
),

valued_effects as (
    select distinct
        initiative_id,
        metric_name,
        effect_form
    from monthly_exposures
),

run_rate_months as (
    select distinct
        monthly_exposures.initiative_id,
        monthly_exposures.month_start
    from monthly_exposures
    inner join rollout on monthly_exposures.initiative_id = rollout.initiative_id
    inner join initiatives on monthly_exposures.initiative_id = initiatives.initiative_id
    where
        monthly_exposures.month_start
        >= {{ dbt.dateadd('month', 'initiatives.ramp_up_months', 'rollout.last_go_live_month') }}
),

run_rate_month_counts as (
    select
        initiative_id,
        count(*) as run_rate_months
    from run_rate_months
    group by initiative_id
),

-- Average month of the run-rate window; a month without an effect's volume counts as 0.
run_rate_exposures as (
    select
        monthly_exposures.initiative_id,
        monthly_exposures.metric_name,
        sum(monthly_exposures.exposure) / max(run_rate_month_counts.run_rate_months) as exposure
    from monthly_exposures
    inner join run_rate_months
        on
            monthly_exposures.initiative_id = run_rate_months.initiative_id
            and monthly_exposures.month_start = run_rate_months.month_start
    inner join run_rate_month_counts on monthly_exposures.initiative_id = run_rate_month_counts.initiative_id
    group by monthly_exposures.initiative_id, monthly_exposures.metric_name
),

month_numbers as (
    {{ dbt.generate_series(240) }}
),

horizon_months as (
    select
        initiatives.initiative_id,
        -- dbt's generate_series counts in doubles on Spark (its powers of 2).
        cast(months.generated_number as {{ dbt.type_bigint() }}) as month_number,
        cast({{ dbt.dateadd('month', 'months.generated_number - 1', 'rollout.first_go_live_month') }} as date)
            as month_start,
        cast({{ dbt.dateadd('month', 'months.generated_number - 1', 'rollout.first_go_live_month') }} as date)
        <= report.report_month as is_measured
    from initiatives
    inner join rollout on initiatives.initiative_id = rollout.initiative_id
    cross join month_numbers as months
    cross join report
    where months.generated_number <= initiatives.horizon_years * 12
),

-- Projected months keep the seats held in the report month.
licence_run_rate as (
    select
        licence_costs.initiative_id,
        licence_costs.licence_cost
    from licence_costs
    inner join report on licence_costs.month_start = report.report_month
),

horizon_licence_costs as (
    select
        horizon_months.initiative_id,
        horizon_months.month_number,
        case
            when horizon_months.is_measured then coalesce(licence_costs.licence_cost, 0)
            else coalesce(licence_run_rate.licence_cost, 0)
        end as licence_cost
    from horizon_months
    left join licence_costs
        on
            horizon_months.initiative_id = licence_costs.initiative_id
            and horizon_months.month_start = licence_costs.month_start
    left join licence_run_rate on horizon_months.initiative_id = licence_run_rate.initiative_id
),

horizon_exposures as (
    select
        horizon_months.initiative_id,
        horizon_months.month_number,
        valued_effects.metric_name,
        valued_effects.effect_form,
        case
            when horizon_months.is_measured then coalesce(monthly_exposures.exposure, 0)
            else coalesce(run_rate_exposures.exposure, 0)
        end as exposure
    from horizon_months
    inner join valued_effects on horizon_months.initiative_id = valued_effects.initiative_id
    left join monthly_exposures
        on
            valued_effects.initiative_id = monthly_exposures.initiative_id
            and valued_effects.metric_name = monthly_exposures.metric_name
            and horizon_months.month_start = monthly_exposures.month_start
    left join run_rate_exposures
        on
            valued_effects.initiative_id = run_rate_exposures.initiative_id
            and valued_effects.metric_name = run_rate_exposures.metric_name
),

drawn_effects as (
    select distinct
        initiative_id,
        metric_name
    from effect_draws
),

-- Initiatives whose every valued effect has draws; the others get no simulated band.
simulated_initiatives as (
    select valued_effects.initiative_id
    from valued_effects
    left join drawn_effects
        on
            valued_effects.initiative_id = drawn_effects.initiative_id
            and valued_effects.metric_name = drawn_effects.metric_name
    group by valued_effects.initiative_id
    having count(drawn_effects.metric_name) = count(*)
),

effect_scenarios as (
    select
        valued_effects.initiative_id,
        valued_effects.metric_name,
        'expected' as scenario,
        0 as draw_number,
        point_effects.did_effect_pct as effect_pct
    from valued_effects
    inner join point_effects
        on
            valued_effects.initiative_id = point_effects.initiative_id
            and valued_effects.metric_name = point_effects.metric_name
    union all
    select
        effect_draws.initiative_id,
        effect_draws.metric_name,
        'simulated' as scenario,
        effect_draws.draw_number,
        effect_draws.effect_pct
    from effect_draws
    inner join simulated_initiatives on effect_draws.initiative_id = simulated_initiatives.initiative_id
),

scenario_benefits as (
    select
        horizon_exposures.initiative_id,
        effect_scenarios.scenario,
        effect_scenarios.draw_number,
        horizon_exposures.month_number,
        sum(
            horizon_exposures.exposure
            * {{ monetised_effect('horizon_exposures.effect_form', 'effect_scenarios.effect_pct') }}
        ) as benefit
    from horizon_exposures
    inner join effect_scenarios
        on
            horizon_exposures.initiative_id = effect_scenarios.initiative_id
            and horizon_exposures.metric_name = effect_scenarios.metric_name
    group by
        horizon_exposures.initiative_id,
        effect_scenarios.scenario,
        effect_scenarios.draw_number,
        horizon_exposures.month_number
),

scenarios as (
    select * from scenario_benefits
    union all
    select
        scenario_benefits.initiative_id,
        'risk_adjusted' as scenario,
        scenario_benefits.draw_number,
        scenario_benefits.month_number,
        scenario_benefits.benefit * (1 - initiatives.benefit_risk_haircut) as benefit
    from scenario_benefits
    inner join initiatives on scenario_benefits.initiative_id = initiatives.initiative_id
    where scenario_benefits.scenario = 'expected'
),

flows as (
    select
        scenarios.initiative_id,
        scenarios.scenario,
        scenarios.draw_number,
        scenarios.month_number,
        horizon_months.month_start,
        horizon_months.is_measured,
        scenarios.benefit,
        horizon_licence_costs.licence_cost,
        initiatives.running_cost_monthly + horizon_licence_costs.licence_cost as running_cost,
        initiatives.development_cost + initiatives.implementation_cost as initial_investment,
        power(1 + initiatives.discount_rate, -scenarios.month_number / cast(12 as {{ type_double() }}))
            as discount_factor
    from scenarios
    inner join horizon_months
        on
            scenarios.initiative_id = horizon_months.initiative_id
            and scenarios.month_number = horizon_months.month_number
    inner join horizon_licence_costs
        on
            scenarios.initiative_id = horizon_licence_costs.initiative_id
            and scenarios.month_number = horizon_licence_costs.month_number
    inner join initiatives on scenarios.initiative_id = initiatives.initiative_id
),

final as (
    select
        flows.*,
        sum(flows.benefit - flows.running_cost) over (
            partition by flows.initiative_id, flows.scenario, flows.draw_number
            order by flows.month_number
            rows between unbounded preceding and current row
        ) - flows.initial_investment as cumulative_net_benefit,
        sum((flows.benefit - flows.running_cost) * flows.discount_factor) over (
            partition by flows.initiative_id, flows.scenario, flows.draw_number
            order by flows.month_number
            rows between unbounded preceding and current row
        ) - flows.initial_investment as cumulative_discounted_net_benefit
    from flows
)

select * from final
