{#- Incremental: a daily run merges the rows loaded since the last build (and the
    day Dagster passes as a window) on the key; see incremental_source_filter. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='production_run_id',
        on_schema_change='append_new_columns',
        tags=['daily'],
    )
}}

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
