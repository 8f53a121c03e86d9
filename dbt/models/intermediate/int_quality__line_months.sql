{#- Quality panel: one row per production line and month with every count behind the
    quality metrics (DPU, defective rate, DPMO, first-pass yield, speed, claims).

    Inspections come from int_quality__inspection_days: unit rows and daily counts, a line
    and day delivered both ways counted once (from the count). The counts form may leave
    out rework, first-pass and opportunity counts. A month's count is then known only if
    every inspected day of it has one: summing the days that have it over all units
    inspected would understate the metric, so it stays null and int_metric_values leaves
    the metric out for that line and month.

    A line is any line seen in inspections, production runs or claims. Production and
    claims count as zero in a month without rows only when their source was delivered
    (has any row): otherwise they are unknown (null), so production speed, claims and the
    defects scaled up to production are absent rather than zero.

    Incremental by month: every input is a day-level or smaller table, so the panel is
    computed whole, and only the line-months that changed are merged; a row keeps its
    loaded_at while nothing changes it. Lines or months that vanish (retracted rows) need
    a full refresh, which the pipeline runs then. -#}
{{ config(
    unique_key=['line_id', 'month_start'],
    **monthly_increments(),
) }}

with

months as (
    select * from {{ ref('int_months') }}
),

inspection_days as (
    select * from {{ ref('int_quality__inspection_days') }}
),

production_runs as (
    select * from {{ ref('stg_quality__production_runs') }}
),

quality_claims as (
    select * from {{ ref('stg_quality__claims') }}
),

lines as (
    select line_id from inspection_days
    union
    select line_id from production_runs
    union
    select line_id from quality_claims
),

delivered as (
    select
        (select count(*) from production_runs) > 0 as has_production,
        (select count(*) from quality_claims) > 0 as has_claims
),

inspections as (
    select
        line_id,
        inspection_month as month_start,
        sum(units_inspected) as units_inspected,
        sum(defective_units) as defective_units,
        sum(defects_found) as defects_found,
        -- Known only if every day has it (count() skips nulls).
        case when count(defect_opportunities) = count(*) then sum(defect_opportunities) end
            as defect_opportunities,
        case when count(first_pass_units) = count(*) then sum(first_pass_units) end
            as first_pass_units,
        case when count(reworked_units) = count(*) then sum(reworked_units) end
            as reworked_units
    from inspection_days
    group by line_id, inspection_month
),

production as (
    select
        line_id,
        run_month as month_start,
        sum(units_produced) as units_produced,
        sum(production_hours) as production_hours
    from production_runs
    group by line_id, run_month
),

claims as (
    select
        line_id,
        claim_month as month_start,
        count(*) as claims_count,
        sum(claim_cost) as claims_cost,
        sum(case when claim_type = 'recall' then claim_cost else 0 end) as recall_cost,
        sum(case when claim_type = 'warranty' then claim_cost else 0 end) as warranty_cost,
        sum(case when claim_type = 'return' then claim_cost else 0 end) as return_cost
    from quality_claims
    group by line_id, claim_month
),

counts as (
    select
        lines.line_id,
        months.month_start,
        coalesce(inspections.units_inspected, 0) as units_inspected,
        coalesce(inspections.defective_units, 0) as defective_units,
        coalesce(inspections.defects_found, 0) as defects_found,
        -- Zero in a month without inspections; unknown (null) stays unknown otherwise.
        case when inspections.line_id is null then 0 else inspections.defect_opportunities end
            as defect_opportunities,
        case when inspections.line_id is null then 0 else inspections.first_pass_units end
            as first_pass_units,
        case when inspections.line_id is null then 0 else inspections.reworked_units end
            as reworked_units,
        case when delivered.has_production then coalesce(production.units_produced, 0) end
            as units_produced,
        case when delivered.has_production then coalesce(production.production_hours, 0) end
            as production_hours,
        case when delivered.has_claims then coalesce(claims.claims_count, 0) end as claims_count,
        case when delivered.has_claims then coalesce(claims.claims_cost, 0) end as claims_cost,
        case when delivered.has_claims then coalesce(claims.recall_cost, 0) end as recall_cost,
        case when delivered.has_claims then coalesce(claims.warranty_cost, 0) end as warranty_cost,
        case when delivered.has_claims then coalesce(claims.return_cost, 0) end as return_cost
    from lines
    cross join months
    cross join delivered
    left join inspections
        on lines.line_id = inspections.line_id and months.month_start = inspections.month_start
    left join production
        on lines.line_id = production.line_id and months.month_start = production.month_start
    left join claims
        on lines.line_id = claims.line_id and months.month_start = claims.month_start
),

panel as (
    -- Inspection samples production: scale the sample's shares up to what was produced.
    select
        counts.*,
        counts.units_produced * counts.defective_units / nullif(counts.units_inspected, 0) as defective_units_produced,
        counts.units_produced * counts.reworked_units / nullif(counts.units_inspected, 0) as reworked_units_produced
    from counts
),

changed as (
    {{ changed_rows('panel') }}
),

final as (
    select
        changed.*,
        cast(current_timestamp as {{ dbt.type_timestamp() }}) as loaded_at
    from changed
)

select * from final
