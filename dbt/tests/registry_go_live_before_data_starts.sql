{{ config(
    severity='warn',
    store_failures=true,
    meta={'dagster': {'ref': {'name': 'stg_registry__initiative_units'}}},
) }}
{#- A go-live in the first month of data or before it: the unit has no baseline in the
    data, so no effect can use it, and marts.initiatives counts it in
    treated_units_without_baseline. Usually a typo in the registry file named in
    source_file, or history not delivered yet. Failing rows are kept in
    dbt_test__audit.registry_go_live_before_data_starts. -#}
select
    units.source_file,
    units.initiative_id,
    units.unit_id,
    units.go_live_date,
    report.first_month
from {{ ref('stg_registry__initiative_units') }} as units
cross join {{ ref('int_report_month') }} as report
where {{ dbt.date_trunc('month', 'units.go_live_date') }} <= report.first_month
