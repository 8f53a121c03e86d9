{#- A view, unlike the unit rows' incremental model: one row per line and day is a few
    thousand rows a year per plant, so reading it whole costs nothing, and a corrected
    file that drops a day needs no full refresh. -#}
with

source as (
    select * from {{ source('raw', 'qc_inspection_counts') }}
),

latest as (
    {{ deduplicate(
        'source',
        'inspection_date, line',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        inspection_date,
        cast({{ dbt.date_trunc('month', 'inspection_date') }} as date) as inspection_month,
        line as line_id,
        units_inspected,
        defective_units,
        defects_found,
        reworked_units,
        first_pass_units,
        defect_opportunities,
        _source_file as source_file,
        _loaded_at as loaded_at
    from latest
)

select * from renamed
