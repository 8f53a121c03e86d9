{#- Inspections per production line and day, whichever form they came in: unit rows
    (stg_quality__inspections) tallied per day, or the daily counts of a plant's MES
    (stg_quality__inspection_counts). A line and day delivered both ways is counted once,
    from the count: the daily count is the whole day in one delivery, whereas unit rows of
    a day can keep arriving in later files. Such days are marked delivered_as = 'both',
    with the units the unit rows held beside the count (the warn test
    quality_line_days_delivered_both_ways lists them). Optional counts a count row leaves
    out stay null, and so do those of unit rows that do not all carry the field. -#}
with

unit_rows as (
    select * from {{ ref('stg_quality__inspections') }}
),

count_rows as (
    select * from {{ ref('stg_quality__inspection_counts') }}
),

unit_days as (
    select
        line_id,
        inspection_month,
        cast(inspected_at as date) as inspection_date,
        count(*) as units_inspected,
        sum(case when is_defective then 1 else 0 end) as defective_units,
        sum(defects_found) as defects_found,
        -- Optional fields: a day's count is known only if every unit row carries the field
        -- (count() skips nulls); never zero for a field the export left out.
        case
            when count(is_reworked) = count(*) then sum(case when is_reworked then 1 else 0 end)
        end as reworked_units,
        case
            when count(passed_first_time) = count(*) then sum(case when passed_first_time then 1 else 0 end)
        end as first_pass_units,
        case
            when count(opportunities_per_unit) = count(*) then sum(opportunities_per_unit)
        end as defect_opportunities
    from unit_rows
    group by line_id, inspection_month, cast(inspected_at as date)
),

counted_days as (
    select
        count_rows.line_id,
        count_rows.inspection_month,
        count_rows.inspection_date,
        case when unit_days.line_id is null then 'counts' else 'both' end as delivered_as,
        count_rows.units_inspected,
        count_rows.defective_units,
        count_rows.defects_found,
        count_rows.reworked_units,
        count_rows.first_pass_units,
        count_rows.defect_opportunities,
        unit_days.units_inspected as units_in_unit_rows
    from count_rows
    left join unit_days
        on
            count_rows.line_id = unit_days.line_id
            and count_rows.inspection_date = unit_days.inspection_date
),

unit_only_days as (
    select
        line_id,
        inspection_month,
        inspection_date,
        'units' as delivered_as,
        units_inspected,
        defective_units,
        defects_found,
        reworked_units,
        first_pass_units,
        defect_opportunities,
        units_inspected as units_in_unit_rows
    from unit_days
    where not exists (
        select 1 from count_rows
        where
            count_rows.line_id = unit_days.line_id
            and count_rows.inspection_date = unit_days.inspection_date
    )
),

final as (
    select * from counted_days
    union all
    select * from unit_only_days
)

select * from final
