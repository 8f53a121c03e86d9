{#- Opportunity finder: can each process's data carry an AI deployment and its
    measurement? Per process and department over the twelve months ending with the report
    month: completeness (rows with task_type, team, employee and, once completed, an end
    time) and validity (rows of the process held back by the ingestion contracts in
    audit.quarantine, stg_audit__quarantined_tasks). The Great Expectations gate runs
    after dbt, so its results cannot feed this model; the quarantine is the same
    contracts, applied at load. -#}
with

report_window as (
    select * from {{ ref('int_opportunity_window') }}
),

tasks as (
    select * from {{ ref('int_opportunity_window_tasks') }}
),

completeness as (
    select
        process_name,
        department,
        count(*) as task_rows,
        sum(case when task_type is null then 1 else 0 end) as rows_without_task_type,
        sum(case when team is null then 1 else 0 end) as rows_without_team,
        sum(case when employee_key is null then 1 else 0 end) as rows_without_employee,
        sum(case when is_completed and ended_at is null then 1 else 0 end) as completed_rows_without_end,
        sum(
            case
                when
                    task_type is null or team is null or employee_key is null
                    or (is_completed and ended_at is null)
                    then 1
                else 0
            end
        ) as incomplete_rows
    from tasks
    group by process_name, department
),

quarantine as (
    select * from {{ ref('stg_audit__quarantined_tasks') }}
),

-- A quarantined row counts in the window when its start time reads and falls in it, or
-- when it does not read at all (an unreadable date cannot show that the row is old).
quarantined as (
    select
        quarantine.process_name,
        count(*) as quarantined_rows
    from quarantine
    cross join report_window
    where
        quarantine.started_at is null
        or cast({{ dbt.date_trunc('month', 'quarantine.started_at') }} as date)
        between report_window.window_start and report_window.window_end
    group by quarantine.process_name
),

measured as (
    select
        completeness.*,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows,
        1 - cast(completeness.incomplete_rows as {{ type_double() }}) / completeness.task_rows as completeness,
        cast(completeness.task_rows as {{ type_double() }})
        / (completeness.task_rows + coalesce(quarantined.quarantined_rows, 0)) as validity
    from completeness
    left join quarantined on completeness.process_name = quarantined.process_name
),

final as (
    select
        process_name,
        department,
        task_rows,
        cast(rows_without_task_type as {{ dbt.type_bigint() }}) as rows_without_task_type,
        cast(rows_without_team as {{ dbt.type_bigint() }}) as rows_without_team,
        cast(rows_without_employee as {{ dbt.type_bigint() }}) as rows_without_employee,
        cast(completed_rows_without_end as {{ dbt.type_bigint() }}) as completed_rows_without_end,
        cast(incomplete_rows as {{ dbt.type_bigint() }}) as incomplete_rows,
        quarantined_rows,
        completeness,
        validity,
        completeness * validity as data_availability,
        -- The findings in words: each missing field and the quarantine, as shares of the
        -- process's rows (null when all is well).
        nullif(concat_ws(
            '; ',
            case
                when rows_without_task_type > 0
                    then
                        'task_type missing in '
                        || cast(round(100.0 * rows_without_task_type / task_rows, 1) as {{ dbt.type_string() }})
                        || '% of rows'
            end,
            case
                when rows_without_team > 0
                    then
                        'team missing in '
                        || cast(round(100.0 * rows_without_team / task_rows, 1) as {{ dbt.type_string() }})
                        || '% of rows'
            end,
            case
                when rows_without_employee > 0
                    then
                        'employee missing in '
                        || cast(round(100.0 * rows_without_employee / task_rows, 1) as {{ dbt.type_string() }})
                        || '% of rows'
            end,
            case
                when completed_rows_without_end > 0
                    then
                        cast(completed_rows_without_end as {{ dbt.type_string() }})
                        || ' completed rows without an end time'
            end,
            case
                when quarantined_rows > 0
                    then
                        cast(quarantined_rows as {{ dbt.type_string() }}) || ' rows quarantined at load ('
                        || cast(round(100.0 * (1 - validity), 1) as {{ dbt.type_string() }}) || '%)'
            end
        ), '') as data_quality_findings
    from measured
)

select * from final
