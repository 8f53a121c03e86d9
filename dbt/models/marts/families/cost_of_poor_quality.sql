{#- Cost of poor quality per production line and month, valued with the unit costs of the
    initiative whose population holds the line: internal failure (defective units
    produced x cost per defect, reworked units x cost per rework) plus external failure
    (recalls, warranty claims, returns). Where the registry says the cost per defect
    already includes the rework of the defective unit, no rework cost is added: the same
    euro is never counted twice. -#}
with

lines as (
    select * from {{ ref('int_quality__line_months') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
    where unit_type = 'production_line'
),

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

costed as (
    select
        units.initiative_id,
        lines.line_id,
        lines.month_start,
        lines.defective_units_produced
        * initiatives.cost_per_defect as defect_cost,
        case
            when initiatives.cost_per_defect_includes_rework then 0
            else lines.reworked_units_produced * initiatives.cost_per_rework
        end as rework_cost,
        initiatives.cost_per_defect_includes_rework as is_rework_in_defect_cost,
        lines.claims_cost as external_failure_cost
    from lines
    inner join units on lines.line_id = units.unit_id
    inner join initiatives on units.initiative_id = initiatives.initiative_id
),

final as (
    select
        initiative_id,
        line_id,
        month_start,
        defect_cost,
        rework_cost,
        is_rework_in_defect_cost,
        defect_cost + rework_cost as internal_failure_cost,
        external_failure_cost,
        defect_cost + rework_cost + external_failure_cost as cost_of_poor_quality
    from costed
)

select * from final
