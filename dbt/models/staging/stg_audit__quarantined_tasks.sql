{#- The operations task rows held back at load. A quarantined row failed its contract, so
    its values stay as written: the start time is read where it reads and is null where
    it does not (often the very value that failed). -#}
with

source as (
    select * from {{ source('audit', 'quarantine') }}
    where source = 'operations_tasks'
),

renamed as (
    select
        file_path as source_file,
        source_row,
        {{ json_text('raw_values', '$.process') }} as process_name,
        try_cast({{ json_text('raw_values', '$.started_at') }} as timestamp) as started_at,
        quarantined_at
    from source
)

select * from renamed
