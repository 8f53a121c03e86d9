{#- Monthly benefits of each initiative, per treated unit and post month, monetised from
    the attributed (DiD) effects and the registry's assumptions. low/high carry the
    effect's 95% interval. Effects e are relative: counterfactual = actual / (1 + e).

      stream                    volume (actual, post month)       value
      labour_hours_saved        task hours                        hours x -e/(1+e) x hourly cost x realisation
      production_hours_saved    production hours                  hours x e x hourly cost x realisation
      rework_cost_avoided       reworked tasks                    tasks x -e/(1+e) x cost per rework
      defect_cost_avoided       defective units produced          units x -e/(1+e) x cost per defect
      claims_cost_avoided       recall / warranty / return cost   cost x -e/(1+e)
      incremental_margin        revenue                           revenue x e/(1+e) x gross margin -#}
with

initiatives as (
    select * from {{ ref('stg_registry__initiatives') }}
),

post_months as (
    select * from {{ ref('int_initiative_unit_months') }}
    where period = 'post'
),

effects as (
    select * from {{ ref('int_attribution__effects') }}
    where did_effect_pct is not null
),

quality as (
    select * from {{ ref('int_quality__line_months') }}
),

operations as (
    select * from {{ ref('int_operations__team_months') }}
),

sales as (
    select * from {{ ref('int_sales__region_months') }}
),

volumes as (
    {%- set unit_types = {'operations': 'support_team', 'quality': 'production_line', 'sales': 'region'} -%}
    {%- set streams = [
        ('labour_hours_saved', 'efficiency', 'task_duration_mean', 'operations', 'team',
         'operations.total_duration_minutes / 60.0', 'avoided', 'initiatives.loaded_hourly_cost * initiatives.realisation_factor'),
        ('rework_cost_avoided', 'cost_savings', 'rework_rate', 'operations', 'team',
         'operations.reworked_tasks', 'avoided', 'initiatives.cost_per_rework'),
        ('production_hours_saved', 'efficiency', 'production_speed', 'quality', 'line_id',
         'quality.production_hours', 'speed', 'initiatives.loaded_hourly_cost * initiatives.realisation_factor'),
        ('defect_cost_avoided', 'cost_savings', 'defective_rate', 'quality', 'line_id',
         'quality.defective_units_produced', 'avoided', 'initiatives.cost_per_defect'),
        ('claims_cost_avoided', 'cost_savings', 'claims_cost', 'quality', 'line_id',
         'quality.claims_cost', 'avoided', '1.0'),
        ('incremental_margin', 'revenue', 'revenue', 'sales', 'region',
         'sales.revenue', 'gained', 'initiatives.gross_margin'),
    ] -%}
    {% for stream, family, metric, panel, unit, volume, form, unit_value in streams %}
        select
            post_months.initiative_id,
            post_months.unit_id,
            post_months.month_start,
            '{{ stream }}' as benefit_stream,
            '{{ family }}' as family_name,
            '{{ metric }}' as metric_name,
            '{{ form }}' as effect_form,
            cast({{ volume }} as {{ type_double() }}) as volume,
            cast({{ unit_value }} as {{ type_double() }}) as unit_value
        from post_months
        inner join initiatives on post_months.initiative_id = initiatives.initiative_id
        inner join {{ panel }}
            on
                post_months.unit_id = {{ panel }}.{{ unit }}
                and post_months.month_start = {{ panel }}.month_start
        where post_months.unit_type = '{{ unit_types[panel] }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

monetised as (
    select
        volumes.initiative_id,
        volumes.unit_id,
        volumes.month_start,
        volumes.benefit_stream,
        volumes.family_name,
        volumes.metric_name,
        volumes.effect_form,
        volumes.volume,
        volumes.unit_value,
        {%- set bounds = [
            ('point', 'did_effect_pct'), ('ci_low', 'did_ci_low_pct'), ('ci_high', 'did_ci_high_pct')
        ] %}
        {%- for bound, column in bounds %}
            volumes.volume * volumes.unit_value
            * {{ monetised_effect('volumes.effect_form', 'effects.' ~ column) }}
                as benefit_{{ bound }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from volumes
    inner join effects
        on
            volumes.initiative_id = effects.initiative_id
            and volumes.metric_name = effects.metric_name
),

final as (
    select
        initiative_id,
        unit_id,
        month_start,
        benefit_stream,
        family_name,
        metric_name,
        effect_form,
        volume,
        unit_value,
        benefit_point as benefit,
        least(benefit_ci_low, benefit_ci_high) as benefit_low,
        greatest(benefit_ci_low, benefit_ci_high) as benefit_high
    from monetised
)

select * from final
