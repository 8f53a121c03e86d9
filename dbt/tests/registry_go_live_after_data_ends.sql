{{ config(
    severity='warn',
    store_failures=true,
    meta={'dagster': {'ref': {'name': 'stg_registry__initiative_units'}}},
) }}
{#- A go-live after the last complete month of data: the unit has no post window and
    counts as not yet treated. Planned roll-outs are fine; otherwise it is usually a typo
    in the registry file named in source_file. Failing rows are kept in
    dbt_test__audit.registry_go_live_after_data_ends. -#}
select
    units.source_file,
    units.initiative_id,
    units.unit_id,
    units.go_live_date,
    report.report_month
from {{ ref('stg_registry__initiative_units') }} as units
cross join {{ ref('int_report_month') }} as report
where units.go_live_date > {{ dbt.last_day('report.report_month', 'month') }}
