{{ config(unique_key='unit_serial', **daily_increments('inspected_on')) }}

with

source as (
    select * from {{ source('raw', 'qc_inspections') }}
    {{ incremental_source_filter(source('raw', 'qc_inspections'), 'inspected_at') }}
),

latest as (
    {{ deduplicate(
        'source',
        'unit_serial',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        unit_serial,
        line as line_id,
        inspected_at,
        cast({{ dbt.date_trunc('month', 'inspected_at') }} as date) as inspection_month,
        defects_found,
        defective as is_defective,
        reworked as is_reworked,
        passed_first_time,
        opportunities_per_unit,
        _source_file as source_file,
        {{ day_partition_column('inspected_at', 'inspected_on') }}
        _loaded_at as loaded_at
    from latest
)

select * from renamed
{{ one_file_per_day('inspected_on') }}
