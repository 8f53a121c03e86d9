{#- The opportunity finder's window: the twelve months ending with the report month. -#}
with

report as (
    select * from {{ ref('int_report_month') }}
),

final as (
    select
        cast({{ dbt.dateadd('month', -11, 'report_month') }} as date) as window_start,
        report_month as window_end
    from report
)

select * from final
