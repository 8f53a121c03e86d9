{#- The months the warehouse reports on: from the first month with events to the latest
    complete month (a month is complete once an event falls on its last day or later).
    Pin it with --vars '{report_month: "2026-09-01"}'. -#}
with

event_dates as (
    select cast(started_at as date) as event_date from {{ ref('stg_operations__tasks') }}
    union all
    select task_date as event_date from {{ ref('stg_operations__task_counts') }}
    union all
    select cast(inspected_at as date) as event_date from {{ ref('stg_quality__inspections') }}
    union all
    select inspection_date as event_date from {{ ref('stg_quality__inspection_counts') }}
    union all
    select order_date as event_date from {{ ref('stg_sales__orders') }}
),

bounds as (
    select
        min(event_date) as first_event_date,
        max(event_date) as last_event_date
    from event_dates
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'first_event_date') }} as date) as first_month,
        {% if var('report_month') -%}
            cast('{{ var("report_month") }}' as date)
        {%- else -%}
            {%- set month_after_last_event = dbt.date_trunc('month', dbt.dateadd('day', 1, 'last_event_date')) %}
            cast({{ dbt.dateadd('month', -1, month_after_last_event) }} as date)
        {%- endif %} as report_month
    from bounds
)

select * from final
