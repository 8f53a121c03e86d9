with

source as (
    select * from {{ source('raw', 'hr_roster') }}
),

latest as (
    {{ deduplicate(
        'source',
        'employee_id',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        employee_id as employee_key,
        department,
        team,
        hire_date,
        exit_date,
        _source_file as source_file
    from latest
)

select * from renamed
