{#- ROI per initiative (TEI style): NPV, ROI, first-year ROI, simple and discounted
    payback, for the expected effects and risk-adjusted; NPV split into the measured months
    to date and the projected remainder of the horizon; the 5th, 50th and 95th percentiles
    of each figure over the simulated draws of the effects, and the probability that NPV
    is positive; every assumption shown. Where the initiative's tool has seat records, the
    seats' monthly cost and the yearly saving from reclaiming the idle ones. -#}
with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

flows as (
    select * from {{ ref('int_initiative_cash_flows') }}
),

-- The seats held in the report month: their cost, and the idle ones' a year.
current_licences as (
    select
        licence_costs.initiative_id,
        licence_costs.licence_cost,
        licence_costs.idle_seat_cost
    from {{ ref('int_ai_usage__licence_costs') }} as licence_costs
    inner join {{ ref('int_report_month') }} as report
        on licence_costs.month_start = report.report_month
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
        draw_number,
        max(initial_investment) as initial_investment,
        sum(benefit * discount_factor) as pv_benefits,
        max(initial_investment) + sum(running_cost * discount_factor) as pv_costs,
        sum(case when is_measured then (benefit - running_cost) * discount_factor else 0 end)
            as pv_net_benefit_measured,
        sum(case when is_measured then 0 else (benefit - running_cost) * discount_factor end)
            as pv_net_benefit_projected,
        sum(case when month_number <= 12 then benefit * discount_factor else 0 end) as first_year_pv_benefits,
        max(initial_investment) + sum(case when month_number <= 12 then running_cost * discount_factor else 0 end)
            as first_year_pv_costs,
        sum(case when is_measured then benefit else 0 end) as benefits_to_date,
        max(initial_investment) + sum(case when is_measured then running_cost else 0 end) as costs_to_date,
        -- Counted, not summed: a sum of integers is a 128-bit hugeint on DuckDB.
        count(case when is_measured then 1 end) as months_measured,
        count(case when not is_measured then 1 end) as months_projected,
        min(case when cumulative_net_benefit >= 0 then month_number end) as payback_months_simple,
        min(case when cumulative_discounted_net_benefit >= 0 then month_number end)
            as payback_months_discounted
    from flows
    group by initiative_id, scenario, draw_number
),

ratios as (
    select
        by_scenario.*,
        by_scenario.pv_benefits - by_scenario.pv_costs as npv,
        by_scenario.pv_net_benefit_measured - by_scenario.initial_investment as npv_to_date,
        by_scenario.pv_net_benefit_projected as npv_projected,
        (by_scenario.pv_benefits - by_scenario.pv_costs) / nullif(by_scenario.pv_costs, 0) as roi,
        (by_scenario.first_year_pv_benefits - by_scenario.first_year_pv_costs)
        / nullif(by_scenario.first_year_pv_costs, 0) as first_year_roi,
        (by_scenario.benefits_to_date - by_scenario.costs_to_date) / nullif(by_scenario.costs_to_date, 0) as roi_to_date
    from by_scenario
    -- No ROI without a monetised benefit: -100% would misread "not valued" as "worthless".
    inner join annual_benefits on by_scenario.initiative_id = annual_benefits.initiative_id
),

{%- set simulated_measures = [
    'npv', 'npv_to_date', 'roi', 'roi_to_date', 'first_year_roi',
    'payback_months_simple', 'payback_months_discounted',
] %}
{%- set percentiles = [5, 50, 95] %}

-- Each draw's rank per figure; a payback not reached within the horizon ranks last.
simulated as (
    select
        ratios.*,
        {%- for measure in simulated_measures %}
            row_number() over (partition by ratios.initiative_id order by ratios.{{ measure }} nulls last)
                as {{ measure }}_rank,
        {%- endfor %}
        count(*) over (partition by ratios.initiative_id) as draws
    from ratios
    where ratios.scenario = 'simulated'
),

-- Nearest-rank percentiles: the P-th is the value ranked ceiling(P% x draws).
distributions as (
    select
        initiative_id,
        {%- for measure in simulated_measures %}
            {%- for percentile in percentiles %}
                max(case when {{ measure }}_rank = ceiling({{ percentile / 100 }} * draws) then {{ measure }} end)
                    as {{ measure }}_p{{ percentile }},
            {%- endfor %}
        {%- endfor %}
        avg(cast(case when npv > 0 then 1 else 0 end as {{ type_double() }})) as probability_npv_positive
    from simulated
    group by initiative_id
),

pivoted as (

    select
        initiatives.initiative_id,
        initiatives.initiative_name,
        {%- set measures = ['npv', 'roi', 'first_year_roi', 'payback_months_simple', 'payback_months_discounted'] %}
        {%- set scenarios = [('expected', ''), ('risk_adjusted', '_risk_adjusted')] %}
        {%- for measure in measures %}
            {%- for scenario, suffix in scenarios %}
                max(case when ratios.scenario = '{{ scenario }}' then ratios.{{ measure }} end)
                    as {{ measure }}{{ suffix }},
            {%- endfor %}
        {%- endfor %}
        {%- for measure in [
            'npv_to_date', 'npv_projected', 'pv_benefits', 'pv_costs', 'months_measured', 'months_projected',
            'benefits_to_date', 'costs_to_date', 'roi_to_date',
        ] %}
            max(case when ratios.scenario = 'expected' then ratios.{{ measure }} end) as {{ measure }},
        {%- endfor %}
        {%- for measure in simulated_measures %}
            {%- for percentile in percentiles %}
                max(distributions.{{ measure }}_p{{ percentile }}) as {{ measure }}_p{{ percentile }},
            {%- endfor %}
        {%- endfor %}
        max(distributions.probability_npv_positive) as probability_npv_positive,
        max(annual_benefits.annual_benefit_measured) as annual_benefit_measured,
        max(annual_benefits.annual_benefit_efficiency) as annual_benefit_efficiency,
        max(annual_benefits.annual_benefit_cost_savings) as annual_benefit_cost_savings,
        max(annual_benefits.annual_benefit_revenue) as annual_benefit_revenue,
        max(initiatives.development_cost) as development_cost,
        max(initiatives.implementation_cost) as implementation_cost,
        max(initiatives.running_cost_monthly) as running_cost_monthly,
        max(current_licences.licence_cost) as licence_cost_monthly,
        12 * max(current_licences.idle_seat_cost) as idle_seat_saving_annual,
        max(initiatives.loaded_hourly_cost) as loaded_hourly_cost,
        max(initiatives.realisation_factor) as realisation_factor,
        max(initiatives.gross_margin) as gross_margin,
        max(initiatives.cost_per_defect) as cost_per_defect,
        max(initiatives.cost_per_rework) as cost_per_rework,
        max(initiatives.discount_rate) as discount_rate,
        max(initiatives.horizon_years) as horizon_years,
        max(initiatives.benefit_risk_haircut) as benefit_risk_haircut
    from initiatives
    left join ratios on initiatives.initiative_id = ratios.initiative_id and ratios.draw_number = 0
    left join annual_benefits on initiatives.initiative_id = annual_benefits.initiative_id
    left join distributions on initiatives.initiative_id = distributions.initiative_id
    left join current_licences on initiatives.initiative_id = current_licences.initiative_id
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
            when pivoted.probability_npv_positive is null
                then
                    'No simulated range: an effect behind the benefits has no 95% interval (see '
                    || 'initiative_effects), so its uncertainty is unknown and no percentile is given.'
        end as roi_note
    from pivoted
)

select * from final
