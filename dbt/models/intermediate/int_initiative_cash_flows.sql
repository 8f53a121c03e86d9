{#- Each initiative's monthly cash flows over its horizon, from its first go-live month
    (month 1) on, in four benefit scenarios: expected (point effects), low and high (the
    effects' 95% bounds) and risk_adjusted (expected less the benefit haircut).
    Months up to the report month carry measured benefits; later months are projected at
    the run rate of the months when every treated unit was live. Development and
    implementation costs fall at month 0, undiscounted. -#}
with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

report as (
    select * from {{ ref('int_report_month') }}
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

monthly_benefits as (
    select
        initiative_id,
        month_start,
        sum(benefit) as benefit,
        sum(benefit_low) as benefit_low,
        sum(benefit_high) as benefit_high
    from {{ ref('int_initiative_benefits') }}
    group by initiative_id, month_start
),

run_rate as (
    select
        monthly_benefits.initiative_id,
        avg(monthly_benefits.benefit) as benefit,
        avg(monthly_benefits.benefit_low) as benefit_low,
        avg(monthly_benefits.benefit_high) as benefit_high
    from monthly_benefits
    inner join rollout on monthly_benefits.initiative_id = rollout.initiative_id
    inner join initiatives on monthly_benefits.initiative_id = initiatives.initiative_id
    where
        monthly_benefits.month_start
        >= {{ dbt.dateadd('month', 'initiatives.ramp_up_months', 'rollout.last_go_live_month') }}
    group by monthly_benefits.initiative_id
),

month_numbers as (
    {{ dbt.generate_series(240) }}
),

horizon_months as (
    select
        initiatives.initiative_id,
        months.generated_number as month_number,
        cast({{ dbt.dateadd('month', 'months.generated_number - 1', 'rollout.first_go_live_month') }} as date)
            as month_start
    from initiatives
    inner join rollout on initiatives.initiative_id = rollout.initiative_id
    cross join month_numbers as months
    where months.generated_number <= initiatives.horizon_years * 12
),

flows as (
    select
        horizon_months.initiative_id,
        horizon_months.month_number,
        horizon_months.month_start,
        horizon_months.month_start <= report.report_month as is_measured,
        case
            when horizon_months.month_start <= report.report_month then coalesce(monthly_benefits.benefit, 0)
            else coalesce(run_rate.benefit, 0)
        end as benefit,
        case
            when horizon_months.month_start <= report.report_month then coalesce(monthly_benefits.benefit_low, 0)
            else coalesce(run_rate.benefit_low, 0)
        end as benefit_low,
        case
            when horizon_months.month_start <= report.report_month then coalesce(monthly_benefits.benefit_high, 0)
            else coalesce(run_rate.benefit_high, 0)
        end as benefit_high,
        initiatives.running_cost_monthly as running_cost,
        initiatives.development_cost + initiatives.implementation_cost as initial_investment,
        initiatives.benefit_risk_haircut,
        power(1 + initiatives.discount_rate, -horizon_months.month_number / 12.0) as discount_factor
    from horizon_months
    cross join report
    inner join initiatives on horizon_months.initiative_id = initiatives.initiative_id
    left join monthly_benefits
        on
            horizon_months.initiative_id = monthly_benefits.initiative_id
            and horizon_months.month_start = monthly_benefits.month_start
    left join run_rate on horizon_months.initiative_id = run_rate.initiative_id
),

scenarios as (
    {% for scenario, benefit in [
        ('expected', 'benefit'),
        ('low', 'benefit_low'),
        ('high', 'benefit_high'),
        ('risk_adjusted', 'benefit * (1 - benefit_risk_haircut)'),
    ] %}
        select
            initiative_id,
            '{{ scenario }}' as scenario,
            month_number,
            month_start,
            is_measured,
            {{ benefit }},
            running_cost,
            initial_investment,
            discount_factor
        from flows
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        scenarios.*,
        sum(scenarios.benefit - scenarios.running_cost) over (
            partition by scenarios.initiative_id, scenarios.scenario order by scenarios.month_number
            rows between unbounded preceding and current row
        ) - scenarios.initial_investment as cumulative_net_benefit,
        sum((scenarios.benefit - scenarios.running_cost) * scenarios.discount_factor) over (
            partition by scenarios.initiative_id, scenarios.scenario order by scenarios.month_number
            rows between unbounded preceding and current row
        ) - scenarios.initial_investment as cumulative_discounted_net_benefit
    from scenarios
)

select * from final
