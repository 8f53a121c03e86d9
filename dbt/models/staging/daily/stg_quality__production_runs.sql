{#- One production run per line, day and shift. A file without shifts delivers one row per
    line and day, the whole day: its shift is empty, and the key treats the empty shift as
    a value of its own, so a later delivery of that line and day replaces it. -#}
{{ config(unique_key='production_run_id', **daily_increments('run_date')) }}

with

source as (
    select * from {{ source('raw', 'qc_production_runs') }}
    {{ incremental_source_filter(source('raw', 'qc_production_runs'), 'run_date') }}
),

keyed as (
    -- Empty text never reaches raw (the loader reads it as missing), so '' names no shift.
    select
        *,
        coalesce(shift, '') as shift_key
    from source
),

latest as (
    {{ deduplicate(
        'keyed',
        'run_date, line, shift_key',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        {{ dbt.concat([
            "cast(run_date as " ~ dbt.type_string() ~ ")", "'|'", "line", "'|'", "shift_key"
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
{{ one_file_per_day('run_date') }}
