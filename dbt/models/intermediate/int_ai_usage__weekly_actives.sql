{#- Weekly active users per initiative, unit and month: licensed people active in each
    week starting in the month, averaged over those weeks (a week with nobody active
    counts as zero). Weeks start on Monday; they are the Mondays of a day spine, as
    dbt-spark's dateadd steps a week spine by days. -#}
with

spine as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2051-01-01' as date)") }}
),

seat_months as (
    select * from {{ ref('int_ai_usage__seat_months') }}
),

activity as (
    select * from {{ ref('stg_ai_usage__activity') }}
),

weeks as (
    select
        cast(date_day as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start
    from spine
    where cast({{ dbt.date_trunc('week', 'date_day') }} as date) = cast(date_day as date)
),

unit_weeks as (
    select distinct
        seat_months.initiative_id,
        seat_months.unit_id,
        weeks.month_start,
        weeks.week_start
    from seat_months
    inner join weeks on seat_months.month_start = weeks.month_start
),

week_actives as (
    select
        seat_months.initiative_id,
        seat_months.unit_id,
        activity.activity_week as week_start,
        count(distinct seat_months.employee_key) as active_users
    from activity
    inner join seat_months
        on
            activity.tool = seat_months.tool
            and activity.employee_key = seat_months.employee_key
            and activity.activity_month = seat_months.month_start
    where activity.is_active
    group by seat_months.initiative_id, seat_months.unit_id, activity.activity_week
),

final as (
    select
        unit_weeks.initiative_id,
        unit_weeks.unit_id,
        unit_weeks.month_start,
        avg(cast(coalesce(week_actives.active_users, 0) as {{ type_double() }})) as weekly_active_users
    from unit_weeks
    left join week_actives
        on
            unit_weeks.initiative_id = week_actives.initiative_id
            and unit_weeks.unit_id = week_actives.unit_id
            and unit_weeks.week_start = week_actives.week_start
    group by unit_weeks.initiative_id, unit_weeks.unit_id, unit_weeks.month_start
)

select * from final
