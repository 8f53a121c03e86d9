{#- Cost savings: labour, rework, defect and claims costs avoided (and margin gained) per
    initiative, treated unit and post month, monetised from the attributed effects, with
    the low-high range carried from the effects' 95% intervals. -#}
with

benefits as (
    select * from {{ ref('int_initiative_benefits') }}
),

final as (
    select
        initiative_id,
        unit_id,
        month_start,
        benefit_stream,
        family_name as source_family,
        metric_name as source_metric,
        volume,
        unit_value,
        benefit,
        benefit_low,
        benefit_high
    from benefits
)

select * from final
