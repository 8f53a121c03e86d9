with

source as (
    select * from {{ source('raw', 'initiatives') }}
),

latest as (
    {{ deduplicate(
        'source',
        'initiative_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        initiative_id,
        initiative_name,
        owner as initiative_owner,
        description as initiative_description,
        unit_type,
        baseline_months,
        ramp_up_months,
        development_cost,
        implementation_cost,
        running_cost_monthly,
        loaded_hourly_cost,
        realisation_factor,
        gross_margin,
        cost_per_defect,
        cost_per_rework,
        -- Files loaded before the flag existed did not declare it: the documented default.
        coalesce(cost_per_defect_includes_rework, false) as cost_per_defect_includes_rework,
        discount_rate,
        horizon_years,
        benefit_risk_haircut,
        _source_file as source_file
    from latest
)

select * from renamed
