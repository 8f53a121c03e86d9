-- Hand-written reference: the same landing files to the same unit-month metric panel as
-- the pipeline (int_metric_values), in plain DuckDB SQL with no framework. The benchmark
-- times it against the pipeline and checks both give the same numbers.
-- Run with the landing folder as the working directory.

create or replace table tasks as
select *
from read_json(
    'operations/*.jsonl',
    format = 'newline_delimited',
    columns = {
        task_id: 'varchar', process: 'varchar', task_type: 'varchar', department: 'varchar',
        team: 'varchar', employee_id: 'varchar', started_at: 'timestamp', ended_at: 'timestamp',
        status: 'varchar', error_flag: 'boolean', rework_flag: 'boolean', ai_assisted: 'boolean'
    }
);

create or replace table inspections as
select * from read_csv('quality/inspections_*.csv', header = true);

create or replace table production_runs as
select * from read_csv('quality/production_runs_*.csv', header = true);

create or replace table claims as
select * from read_csv('quality/claims*.csv', header = true);

create or replace table orders as
select * from read_csv('sales/orders_*.csv', header = true);

create or replace table feedback as
select * from read_csv('feedback/feedback_*.csv', header = true);

create or replace table reference_metrics as
with

team_months as (
    select
        team as unit_id,
        date_trunc('month', started_at)::date as month_start,
        count(*) as completed,
        sum(date_diff('second', started_at, ended_at)) / 60.0 as minutes,
        count(*) filter (where error_flag) as errors,
        count(*) filter (where rework_flag) as reworks
    from tasks
    where status = 'completed' and team is not null
    group by all
),

line_months as (
    select
        line as unit_id,
        date_trunc('month', inspected_at)::date as month_start,
        count(*) as inspected,
        count(*) filter (where defective) as defective,
        sum(defects_found) as defects,
        sum(opportunities_per_unit) as opportunities,
        count(*) filter (where passed_first_time) as first_pass
    from inspections
    group by all
),

line_production as (
    select
        line as unit_id,
        date_trunc('month', run_date)::date as month_start,
        sum(units_produced) as units,
        sum(production_hours) as hours
    from production_runs
    group by all
),

line_claims as (
    select
        line as unit_id,
        date_trunc('month', claim_date)::date as month_start,
        count(*) as claims,
        sum(cost) as claims_cost
    from claims
    group by all
),

region_orders as (
    select
        region as unit_id,
        date_trunc('month', order_date)::date as month_start,
        count(*) as orders,
        sum(amount) as revenue,
        sum(margin) as margin
    from orders
    group by all
),

region_feedback as (
    select
        region as unit_id,
        date_trunc('month', response_date)::date as month_start,
        count(*) filter (where survey = 'csat') as csat_n,
        count(*) filter (where survey = 'csat' and score >= 4) as csat_ok,
        count(*) filter (where survey = 'nps') as nps_n,
        count(*) filter (where survey = 'nps' and score >= 9)
        - count(*) filter (where survey = 'nps' and score <= 6) as nps_net
    from feedback
    group by all
)

select 'support_team' as unit_type, unit_id, month_start, metric_name, numerator, denominator
from team_months,
    lateral (values
        ('task_volume', completed::double, 1.0),
        ('task_duration_mean', minutes, completed::double),
        ('error_rate', errors::double, completed::double),
        ('rework_rate', reworks::double, completed::double)
    ) as m (metric_name, numerator, denominator)
union all
select 'production_line', unit_id, month_start, metric_name, numerator, denominator
from line_months,
    lateral (values
        ('defective_rate', defective::double, inspected::double),
        ('defects_per_unit', defects::double, inspected::double),
        ('dpmo', defects * 1000000.0, opportunities::double),
        ('first_pass_yield', first_pass::double, inspected::double)
    ) as m (metric_name, numerator, denominator)
union all
select 'production_line', unit_id, month_start, 'production_speed', units::double, hours
from line_production
union all
select 'production_line', unit_id, month_start, metric_name, numerator, 1.0
from line_claims,
    lateral (values ('claims_cost', claims_cost::double), ('claims_count', claims::double))
    as m (metric_name, numerator)
union all
select 'region', unit_id, month_start, metric_name, numerator, denominator
from region_orders,
    lateral (values
        ('revenue', revenue, 1.0),
        ('gross_margin', margin, 1.0),
        ('orders', orders::double, 1.0),
        ('average_order_value', revenue, orders::double)
    ) as m (metric_name, numerator, denominator)
union all
select 'region', unit_id, month_start, metric_name, numerator, denominator
from region_feedback,
    lateral (values
        ('csat', csat_ok::double, csat_n::double),
        ('nps', nps_net * 100.0, nps_n::double)
    ) as m (metric_name, numerator, denominator)
where denominator > 0;
