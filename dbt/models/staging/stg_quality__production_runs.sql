with

source as (
    select * from {{ source('raw', 'qc_production_runs') }}
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
        _source_file as source_file
    from latest
)

select * from renamed
