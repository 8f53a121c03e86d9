{#- The adoption measures per initiative, treated unit and month, as numerator and
    denominator (pooled over units as sum over sum), with the month's place after the
    unit's go-live month (0 = the go-live month) and the licensed people it rests on: what
    level objectives are judged on (initiative_objectives). The formulas are those of
    the adoption mart's utilisation, weekly_utilisation and cost_per_active_user.
    Counts before small-cell suppression: never served by unit. -#}
{%- set measures = [
    ('utilisation', 'active_users', 'licensed_seats'),
    ('weekly_utilisation', 'weekly_active_users', 'licensed_seats'),
    ('cost_per_active_user', 'licence_cost', 'active_users'),
] -%}
with

unit_months as (
    select * from {{ ref('int_ai_usage__unit_months') }}
),

weekly as (
    select * from {{ ref('int_ai_usage__weekly_actives') }}
),

units as (
    select * from {{ ref('stg_registry__initiative_units') }}
),

-- Summed over the initiative's tools: a level objective is the initiative's.
cells as (
    select
        initiative_id,
        unit_id,
        month_start,
        sum(licensed_seats) as licensed_seats,
        sum(active_users) as active_users,
        sum(licence_cost) as licence_cost
    from unit_months
    group by initiative_id, unit_id, month_start
),

treated_unit_months as (
    select
        cells.initiative_id,
        cells.unit_id,
        cells.month_start,
        {#- From the go-live month: for a mid-month go-live, DuckDB's month difference counts
            month boundaries and Spark's whole months. #}
        {{ dbt.datediff(dbt.date_trunc('month', 'units.go_live_date'), 'cells.month_start', 'month') }}
            as months_after_go_live,
        cells.licensed_seats,
        cells.active_users,
        cells.licence_cost,
        coalesce(weekly.weekly_active_users, 0) as weekly_active_users
    from cells
    inner join units
        on
            cells.initiative_id = units.initiative_id
            and cells.unit_id = units.unit_id
    left join weekly
        on
            cells.initiative_id = weekly.initiative_id
            and cells.unit_id = weekly.unit_id
            and cells.month_start = weekly.month_start
    where units.is_treated
),

final as (
    {%- for metric, numerator, denominator in measures %}
        select
            initiative_id,
            '{{ metric }}' as metric_name,
            unit_id,
            month_start,
            months_after_go_live,
            licensed_seats as people,
            cast({{ numerator }} as {{ type_double() }}) as numerator,
            cast({{ denominator }} as {{ type_double() }}) as denominator
        from treated_unit_months
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from final
