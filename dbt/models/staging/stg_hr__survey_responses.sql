with

source as (
    select * from {{ source('raw', 'hr_survey_responses') }}
),

latest as (
    {{ deduplicate(
        'source',
        'employee_id, wave',
        '_loaded_at desc, _source_file desc, _source_row desc'
    ) }}
),

renamed as (
    select
        wave as survey_wave,
        response_date,
        cast({{ dbt.date_trunc('month', 'response_date') }} as date) as response_month,
        employee_id as employee_key,
        department,
        team,
        job_satisfaction,
        self_rated_productivity,
        enps_score,
        ai_tool_usage,
        completion_minutes,
        comment as comment_text,
        _source_file as source_file,
        _source_row as source_row
    from latest
)

select * from renamed
