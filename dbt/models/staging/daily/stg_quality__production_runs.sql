{{ config(unique_key='production_run_id') }}

with

source as (
    select * from {{ source('raw', 'qc_production_runs') }}
    {{ incremental_source_filter('run_date') }}
),

latest as (
    {{ deduplicate(
        'source',
        'run_date, line, shift',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        {{ dbt.concat([
            "cast(run_date as " ~ dbt.type_string() ~ ")", "'|'", "line", "'|'", "shift"
        ]) }} as production_run_id,
        run_date,
        cast({{ dbt.date_trunc('month', 'run_date') }} as date) as run_month,
        line as line_id,
        shift as shift_code,
        units_produced,
        production_hours,
        _source_file as source_file,
        _loaded_at as loaded_at
    from latest
)

select * from renamed
