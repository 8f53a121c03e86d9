{{ config(
    severity='warn',
    store_failures=true,
    meta={'dagster': {'ref': {'name': 'stg_quality__production_runs'}}},
) }}
{#- A production line and day delivered both per shift and as a whole day (a row without
    shift). Both are counted, so the day's production would count twice: expected only if
    one export was a mistake, which the two totals side by side help to tell. Failing rows
    are kept in dbt_test__audit.production_line_days_with_and_without_shift. -#}
with

runs as (
    select * from {{ ref('stg_quality__production_runs') }}
),

line_days as (
    select
        line_id,
        run_date,
        sum(case when shift_code is null then units_produced else 0 end) as units_in_whole_day_rows,
        sum(case when shift_code is not null then units_produced else 0 end) as units_in_shift_rows,
        count(shift_code) as shift_rows,
        count(*) - count(shift_code) as whole_day_rows
    from runs
    group by line_id, run_date
),

final as (
    select
        line_id,
        run_date,
        units_in_whole_day_rows,
        units_in_shift_rows
    from line_days
    where shift_rows > 0 and whole_day_rows > 0
)

select * from final
