{#- The metric catalogue as BI tools and the dashboard read it: each metric's family,
    unit of measure, definition, the unit types it is measured on and the sources it
    needs (seed metric_definitions). -#}
with

definitions as (
    select * from {{ ref('metric_definitions') }}
),

final as (
    select
        metric_name,
        family,
        unit_type as unit_types,
        value_unit,
        good_direction,
        effect_model,
        definition as metric_definition,
        sources as source_tables,
        fields as source_fields
    from definitions
)

select * from final
