{{ config(
    severity='warn',
    store_failures=true,
    meta={'dagster': {'ref': {'name': 'int_quality__inspection_days'}}},
) }}
{#- A production line and day delivered both as unit rows and as a daily count. It is
    counted once, from the count (int_quality__inspection_days). Expected for the days a
    plant moves from one export to the other; otherwise one of the two exports is a
    mistake, and the two unit totals side by side show whether they agree. Failing rows
    are kept in dbt_test__audit.quality_line_days_delivered_both_ways. -#}
with

inspection_days as (
    select * from {{ ref('int_quality__inspection_days') }}
),

final as (
    select
        line_id,
        inspection_date,
        units_inspected as units_in_counts,
        units_in_unit_rows
    from inspection_days
    where delivered_as = 'both'
)

select * from final
