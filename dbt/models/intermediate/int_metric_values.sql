{#- Every metric of the catalogue (seed metric_definitions) per unit and month, as a
    numerator and a denominator: value = numerator / denominator. Keeping the parts lets
    months and units be pooled exactly (ratio of sums) and lets the attribution model
    weight each cell by its denominator. A median cannot be pooled from parts: a median
    metric's numerator is the month's median x its volume, so pooled it is the
    volume-weighted mean of monthly medians. This is the one place a metric's formula lives.
    A metric measured on several unit types (the employee metrics: departments and teams)
    has the same formula on each, and a row per unit type. A metric whose field a source
    left out has a null numerator or no denominator there, and no row. -#}
{%- set employee_metrics = [
    ('job_satisfaction_mean', 'job_satisfaction_total', 'respondents'),
    ('job_satisfaction_top2', 'job_satisfaction_top2', 'respondents'),
    ('enps', '(enps_promoters - enps_detractors) * 100.0', 'enps_respondents'),
    ('self_rated_productivity', 'self_rated_productivity_total', 'self_rated_productivity_respondents'),
    ('ai_adoption', 'ai_tool_users', 'ai_tool_usage_respondents'),
    ('turnover_rate', 'separations', '(headcount_at_start + headcount_at_end) / 2.0'),
] -%}
{%- set panels = [
    {
        'relation': ref('int_operations__team_months'), 'unit_type': 'support_team', 'unit': 'team',
        'metrics': [
            ('task_duration_mean', 'total_duration_minutes', 'completed_tasks'),
            ('task_duration_median', 'median_duration_minutes * completed_tasks', 'completed_tasks'),
            ('throughput', 'completed_tasks', 'worked_hours'),
            ('error_rate', 'tasks_with_error', 'completed_tasks'),
            ('rework_rate', 'reworked_tasks', 'completed_tasks'),
            ('task_volume', 'completed_tasks', '1'),
        ],
    },
    {
        'relation': ref('int_quality__line_months'), 'unit_type': 'production_line', 'unit': 'line_id',
        'metrics': [
            ('defective_rate', 'defective_units', 'units_inspected'),
            ('defects_per_unit', 'defects_found', 'units_inspected'),
            ('dpmo', 'defects_found * 1000000.0', 'defect_opportunities'),
            ('first_pass_yield', 'first_pass_units', 'units_inspected'),
            ('production_speed', 'units_produced', 'production_hours'),
            ('claims_cost', 'claims_cost', '1'),
            ('claims_count', 'claims_count', '1'),
        ],
    },
    {
        'relation': ref('int_feedback__region_months'), 'unit_type': 'region', 'unit': 'region',
        'metrics': [
            ('csat', 'csat_satisfied', 'csat_responses'),
            ('nps', '(nps_promoters - nps_detractors) * 100.0', 'nps_responses'),
        ],
    },
    {
        'relation': ref('int_sales__region_months'), 'unit_type': 'region', 'unit': 'region',
        'metrics': [
            ('revenue', 'revenue', '1'),
            ('gross_margin', 'gross_margin', '1'),
            ('orders', 'orders', '1'),
            ('average_order_value', 'revenue', 'orders'),
            ('ai_enabled_revenue', 'ai_enabled_revenue', '1'),
            ('customer_retention', 'retained_customers', 'customers_at_start'),
            ('customer_lifetime_value', 'customer_lifetime_value', '1'),
        ],
    },
    {
        'relation': ref('int_hr__department_months'), 'unit_type': 'department', 'unit': 'department',
        'metrics': employee_metrics,
    },
    {
        'relation': ref('int_hr__team_months'), 'unit_type': 'team', 'unit': 'team',
        'metrics': employee_metrics,
    },
    {
        'relation': ref('int_innovation__team_months'), 'unit_type': 'rnd_team', 'unit': 'rnd_team',
        'metrics': [
            ('launches', 'launches', '1'),
            ('ai_assisted_launch_share', 'ai_assisted_launches', 'launches'),
            ('time_to_market_median', 'time_to_market_median_days * launches', 'launches'),
            ('time_to_market_mean', 'time_to_market_days_total', 'launches'),
        ],
    },
] -%}

with

metric_values as (
    {% for panel in panels %}
        {% for metric_name, numerator, denominator in panel.metrics %}
            select
                '{{ panel.unit_type }}' as unit_type,
                {{ panel.unit }} as unit_id,
                month_start,
                '{{ metric_name }}' as metric_name,
                cast({{ numerator }} as {{ type_double() }}) as numerator,
                cast({{ denominator }} as {{ type_double() }}) as denominator
            from {{ panel.relation }}
            where {{ denominator }} > 0 and {{ numerator }} is not null
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        unit_type,
        unit_id,
        month_start,
        metric_name,
        numerator,
        denominator,
        numerator / denominator as metric_value
    from metric_values
)

select * from final
