with

spine as (
    {{ dbt.date_spine('month', "cast('2000-01-01' as date)", "cast('2051-01-01' as date)") }}
),

report as (
    select * from {{ ref('int_report_month') }}
),

final as (
    select cast(spine.date_month as date) as month_start
    from spine
    cross join report
    where
        spine.date_month >= report.first_month
        and spine.date_month <= report.report_month
)

select * from final
