{#- ROI per initiative (TEI style): NPV, ROI, first-year ROI, simple and discounted
    payback, each for the expected effects, their 95% low-high range and risk-adjusted;
    measured to date beside the projection over the horizon; every assumption shown. -#}
with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

flows as (
    select * from {{ ref('int_initiative_cash_flows') }}
),

annual_benefits as (
    select
        benefits.initiative_id,
        {% for family in ['efficiency', 'cost_savings', 'revenue'] %}
            12 * sum(case when benefits.family_name = '{{ family }}' then benefits.benefit else 0 end)
            / count(distinct benefits.month_start) as annual_benefit_{{ family }},
        {% endfor %}
        12 * sum(benefits.benefit) / count(distinct benefits.month_start) as annual_benefit_measured
    from {{ ref('int_initiative_benefits') }} as benefits
    group by benefits.initiative_id
),

by_scenario as (
    select
        initiative_id,
        scenario,
        max(initial_investment) as initial_investment,
        sum(benefit * discount_factor) as pv_benefits,
        max(initial_investment) + sum(running_cost * discount_factor) as pv_costs,
        sum(case when month_number <= 12 then benefit * discount_factor else 0 end) as first_year_pv_benefits,
        max(initial_investment) + sum(case when month_number <= 12 then running_cost * discount_factor else 0 end)
            as first_year_pv_costs,
        sum(case when is_measured then benefit else 0 end) as benefits_to_date,
        max(initial_investment) + sum(case when is_measured then running_cost else 0 end) as costs_to_date,
        sum(case when is_measured then 1 else 0 end) as months_measured,
        min(case when cumulative_net_benefit >= 0 then month_number end) as payback_months_simple,
        min(case when cumulative_discounted_net_benefit >= 0 then month_number end)
            as payback_months_discounted
    from flows
    group by initiative_id, scenario
),

ratios as (
    select
        by_scenario.*,
        by_scenario.pv_benefits - by_scenario.pv_costs as npv,
        (by_scenario.pv_benefits - by_scenario.pv_costs) / nullif(by_scenario.pv_costs, 0) as roi,
        (by_scenario.first_year_pv_benefits - by_scenario.first_year_pv_costs)
        / nullif(by_scenario.first_year_pv_costs, 0) as first_year_roi,
        (by_scenario.benefits_to_date - by_scenario.costs_to_date) / nullif(by_scenario.costs_to_date, 0) as roi_to_date
    from by_scenario
    -- No ROI without a monetised benefit: -100% would misread "not valued" as "worthless".
    inner join annual_benefits on by_scenario.initiative_id = annual_benefits.initiative_id
),

pivoted as (

    select
        initiatives.initiative_id,
        initiatives.initiative_name,
        {%- set measures = ['npv', 'roi', 'first_year_roi', 'payback_months_simple', 'payback_months_discounted'] %}
        {%- set scenarios = [
            ('expected', ''), ('low', '_low'), ('high', '_high'), ('risk_adjusted', '_risk_adjusted')
        ] %}
        {%- for measure in measures %}
            {%- for scenario, suffix in scenarios %}
                max(case when ratios.scenario = '{{ scenario }}' then ratios.{{ measure }} end)
                    as {{ measure }}{{ suffix }},
            {%- endfor %}
        {%- endfor %}
        max(case when ratios.scenario = 'expected' then ratios.pv_benefits end) as pv_benefits,
        max(case when ratios.scenario = 'expected' then ratios.pv_costs end) as pv_costs,
        max(case when ratios.scenario = 'expected' then ratios.months_measured end) as months_measured,
        max(case when ratios.scenario = 'expected' then ratios.benefits_to_date end) as benefits_to_date,
        max(case when ratios.scenario = 'expected' then ratios.costs_to_date end) as costs_to_date,
        max(case when ratios.scenario = 'expected' then ratios.roi_to_date end) as roi_to_date,
        max(case when ratios.scenario = 'low' then ratios.roi_to_date end) as roi_to_date_low,
        max(case when ratios.scenario = 'high' then ratios.roi_to_date end) as roi_to_date_high,
        max(annual_benefits.annual_benefit_measured) as annual_benefit_measured,
        max(annual_benefits.annual_benefit_efficiency) as annual_benefit_efficiency,
        max(annual_benefits.annual_benefit_cost_savings) as annual_benefit_cost_savings,
        max(annual_benefits.annual_benefit_revenue) as annual_benefit_revenue,
        max(initiatives.development_cost) as development_cost,
        max(initiatives.implementation_cost) as implementation_cost,
        max(initiatives.running_cost_monthly) as running_cost_monthly,
        max(initiatives.loaded_hourly_cost) as loaded_hourly_cost,
        max(initiatives.realisation_factor) as realisation_factor,
        max(initiatives.gross_margin) as gross_margin,
        max(initiatives.cost_per_defect) as cost_per_defect,
        max(initiatives.cost_per_rework) as cost_per_rework,
        max(initiatives.discount_rate) as discount_rate,
        max(initiatives.horizon_years) as horizon_years,
        max(initiatives.benefit_risk_haircut) as benefit_risk_haircut
    from initiatives
    left join ratios on initiatives.initiative_id = ratios.initiative_id
    left join annual_benefits on initiatives.initiative_id = annual_benefits.initiative_id
    group by initiatives.initiative_id, initiatives.initiative_name
),

final as (
    select
        pivoted.*,
        pivoted.annual_benefit_measured is not null as has_monetised_benefits,
        case
            when pivoted.annual_benefit_measured is null
                then
                    'No monetised benefit: the effects of this initiative (see initiative_effects) '
                    || 'have no value assumption, so NPV, ROI and payback are not computed.'
        end as roi_note
    from pivoted
)

select * from final
