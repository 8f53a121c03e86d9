{#- Opportunity finder: processes an AI initiative already covers. A process is covered
    when teams doing it are treated units of an initiative measured on task metrics (an
    initiative whose unit type is the one the efficiency metrics are measured on, in the
    metric_definitions seed). The unit type matters: production lines and sales regions
    are also the names of teams writing quality reports and preparing quotes, but the
    vision model and the sales assistant do not change those tasks.
    One row per covered process and department: the initiative covering most of its
    tasks over the twelve months ending with the report month, and how much it covers. -#}
with

task_unit_types as (
    select distinct unit_type
    from {{ ref('metric_definitions') }}
    where family = 'efficiency'
),

initiatives as (
    select
        initiative_id,
        loaded_hourly_cost
    from {{ ref('stg_registry__initiatives') }}
    where unit_type in (select task_unit_types.unit_type from task_unit_types)
),

treated_units as (
    select
        units.initiative_id,
        units.unit_id,
        units.go_live_date
    from {{ ref('stg_registry__initiative_units') }} as units
    inner join initiatives on units.initiative_id = initiatives.initiative_id
    where units.is_treated
),

team_tasks as (
    select
        operations_tasks.process_name,
        operations_tasks.department,
        operations_tasks.team,
        count(*) as task_count
    from {{ ref('int_opportunity_window_tasks') }} as operations_tasks
    group by operations_tasks.process_name, operations_tasks.department, operations_tasks.team
),

process_tasks as (
    select
        process_name,
        department,
        sum(task_count) as task_count
    from team_tasks
    group by process_name, department
),

covered as (
    select
        team_tasks.process_name,
        team_tasks.department,
        treated_units.initiative_id,
        count(*) as covered_teams,
        sum(team_tasks.task_count) as covered_tasks,
        min(treated_units.go_live_date) as first_go_live_date
    from team_tasks
    inner join treated_units on team_tasks.team = treated_units.unit_id
    group by team_tasks.process_name, team_tasks.department, treated_units.initiative_id
),

ranked as (
    select
        covered.*,
        count(*) over (partition by covered.process_name, covered.department) as covering_initiatives,
        row_number() over (
            partition by covered.process_name, covered.department
            order by covered.covered_tasks desc, covered.initiative_id asc
        ) as coverage_rank
    from covered
),

final as (
    select
        ranked.process_name,
        ranked.department,
        ranked.initiative_id as covering_initiative_id,
        ranked.covering_initiatives,
        ranked.covered_teams,
        cast(ranked.covered_tasks as {{ type_double() }}) / process_tasks.task_count as covered_task_share,
        ranked.first_go_live_date,
        initiatives.loaded_hourly_cost
    from ranked
    inner join process_tasks
        on
            ranked.process_name = process_tasks.process_name
            and ranked.department = process_tasks.department
    inner join initiatives on ranked.initiative_id = initiatives.initiative_id
    where ranked.coverage_rank = 1
)

select * from final
