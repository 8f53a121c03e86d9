{#- The tasks the opportunity finder looks at: those in its twelve-month window. A view:
    a filter over staging, read by the volume, data-quality and coverage models. -#}
{{ config(materialized='view') }}

with

report_window as (
    select * from {{ ref('int_opportunity_window') }}
),

final as (
    select operations_tasks.*
    from {{ ref('stg_operations__tasks') }} as operations_tasks
    inner join report_window
        on operations_tasks.task_month between report_window.window_start and report_window.window_end
)

select * from final
