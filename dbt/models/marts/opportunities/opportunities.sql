{#- Where to deploy AI next: every process (per department) scored on the hours at stake,
    repetitiveness, error-proneness, reported pain and strategic alignment, weighted by
    the seed opportunity_weights, then multiplied by the share of its data that is
    complete and valid. Each component sits beside the score, with the annual value at
    stake (hours x loaded hourly cost) and the data behind it. Processes an initiative
    already covers are marked, with its measured effect, and ranked after the others.
    docs/opportunities.md explains every number. -#}
{%- set min_data_availability = var('opportunity_min_data_availability', 0.9) %}
with

tasks as (
    select * from {{ ref('int_opportunity_process_tasks') }}
),

data_quality as (
    select * from {{ ref('int_opportunity_data_quality') }}
),

pain as (
    select * from {{ ref('int_opportunity_process_pain') }}
),

coverage as (
    select * from {{ ref('int_opportunity_coverage') }}
),

departments as (
    select * from {{ ref('opportunity_departments') }}
),

competition as (
    select * from {{ ref('int_opportunity_competitive_pressure') }}
),

weights as (
    select
        sum(case when component = 'hours_at_stake' then weight else 0 end) as hours_weight,
        sum(case when component = 'repetitiveness' then weight else 0 end) as repetitiveness_weight,
        sum(case when component = 'error_proneness' then weight else 0 end) as error_weight,
        sum(case when component = 'pain' then weight else 0 end) as pain_weight,
        sum(case when component = 'strategic_alignment' then weight else 0 end) as alignment_weight,
        sum(case when component = 'competitive_pressure' then weight else 0 end) as competitive_weight,
        sum(case when component != 'competitive_pressure' then weight else 0 end) as base_weight
    from {{ ref('opportunity_weights') }}
),

registry_cost as (
    select {{ median('loaded_hourly_cost') }} as loaded_hourly_cost
    from {{ ref('stg_registry__initiatives') }}
    where loaded_hourly_cost is not null
),

effects as (
    select * from {{ ref('initiative_effects') }}
    where family = 'efficiency'
),

clear_effects as (
    select
        initiative_id,
        {{ ordered_string_agg(
            "metric_name || ' ' || case when did_effect_pct >= 0 then '+' else '' end"
            ~ " || cast(round(100 * did_effect_pct) as integer) || '%'",
            "', '",
            'metric_name'
        ) }} as effects_summary
    from effects
    where ci_excludes_zero
    group by initiative_id
),

candidates as (
    select
        tasks.*,
        data_quality.task_rows,
        data_quality.incomplete_rows,
        data_quality.quarantined_rows,
        data_quality.completeness,
        data_quality.validity,
        data_quality.data_availability,
        data_quality.data_quality_findings,
        pain.survey_respondents,
        pain.dissatisfied_share,
        pain.low_productivity_share,
        -- The mean of the survey items present: without the productivity question, the
        -- dissatisfied share alone.
        coalesce(
            (pain.dissatisfied_share + pain.low_productivity_share) / 2,
            pain.dissatisfied_share,
            pain.low_productivity_share
        ) as survey_pain,
        pain.comment_group_size,
        pain.has_comment_themes,
        pain.comment_mention_share,
        pain.comment_themes,
        coverage.covering_initiative_id is not null as is_covered,
        coverage.covering_initiative_id,
        coverage.covered_task_share,
        coverage.first_go_live_date as covering_go_live_date,
        departments.strategic_alignment as configured_alignment,
        departments.rationale as alignment_rationale,
        competition.business_function,
        competition.peer_adoption_share,
        competition.peer_adoption_year,
        competition.peer_group,
        competition.peer_match_level,
        competition.peer_source,
        competition.peer_source_url,
        competition.competitor_moves,
        competition.competitor_move_list,
        competition.has_peer_adoption,
        coalesce(departments.loaded_hourly_cost, coverage.loaded_hourly_cost, registry_cost.loaded_hourly_cost)
            as loaded_hourly_cost,
        case
            when departments.loaded_hourly_cost is not null then 'opportunity_departments'
            when coverage.loaded_hourly_cost is not null then 'initiative ' || coverage.covering_initiative_id
            else 'registry median'
        end as loaded_hourly_cost_source
    from tasks
    inner join data_quality
        on tasks.process_name = data_quality.process_name and tasks.department = data_quality.department
    inner join pain
        on tasks.process_name = pain.process_name and tasks.department = pain.department
    left join coverage
        on tasks.process_name = coverage.process_name and tasks.department = coverage.department
    left join departments on tasks.department = departments.department
    inner join competition
        on tasks.process_name = competition.process_name and tasks.department = competition.department
    cross join registry_cost
),

components as (
    select
        candidates.*,
        candidates.annual_hours / nullif(max(candidates.annual_hours) over (), 0) as hours_at_stake_score,
        (coalesce(candidates.top_two_type_share, 0) + 1 - least(coalesce(candidates.duration_cv, 1), 1)) / 2
            as repetitiveness_score,
        (candidates.error_rate + candidates.rework_rate)
        / nullif(max(candidates.error_rate + candidates.rework_rate) over (), 0) as error_proneness_score,
        candidates.survey_pain / nullif(max(candidates.survey_pain) over (), 0) as survey_pain_score,
        candidates.comment_mention_share / nullif(max(candidates.comment_mention_share) over (), 0)
            as comment_pain_score,
        coalesce(candidates.configured_alignment, {{ var('opportunity_default_alignment', 0.5) }})
            as strategic_alignment_score,
        -- A delivered benchmark that has nothing for the process says no pressure: 0.
        case when candidates.has_peer_adoption then coalesce(candidates.peer_adoption_share, 0) end
            as peer_adoption_score,
        coalesce(
            candidates.competitor_moves / nullif(max(candidates.competitor_moves) over (), 0),
            case when candidates.competitor_moves is not null then 0 end
        ) as competitor_move_score
    from candidates
),

pain_scored as (
    select
        *,
        -- The mean of what is there; no survey and no comment theme is no reported pain.
        coalesce((survey_pain_score + comment_pain_score) / 2, survey_pain_score, comment_pain_score, 0)
            as pain_score,
        -- Null, not zero, when no benchmark was delivered: the component is left out and
        -- the other weights share the score.
        coalesce(
            (peer_adoption_score + competitor_move_score) / 2, peer_adoption_score, competitor_move_score
        ) as competitive_pressure_score
    from components
),

weighted as (
    select
        pain_scored.*,
        (
            weights.hours_weight * coalesce(pain_scored.hours_at_stake_score, 0)
            + weights.repetitiveness_weight * pain_scored.repetitiveness_score
            + weights.error_weight * coalesce(pain_scored.error_proneness_score, 0)
            + weights.pain_weight * pain_scored.pain_score
            + weights.alignment_weight * pain_scored.strategic_alignment_score
            + weights.competitive_weight * coalesce(pain_scored.competitive_pressure_score, 0)
        ) / (
            weights.base_weight
            + case when pain_scored.competitive_pressure_score is not null then weights.competitive_weight else 0 end
        ) as value_score
    from pain_scored
    cross join weights
),

-- Data availability multiplies: value that cannot be measured or learned from is out of
-- reach until the data is fixed.
scored as (
    select
        *,
        value_score * data_availability as opportunity_score
    from weighted
),

ranked as (
    select
        scored.*,
        -- Spark numbers rows as int; the contract serves a bigint, as DuckDB numbers them.
        case
            when not scored.is_covered
                then cast(row_number() over (
                    partition by scored.is_covered
                    order by scored.opportunity_score desc, scored.process_name asc, scored.department asc
                ) as {{ dbt.type_bigint() }})
        end as opportunity_rank
    from scored
),

final as (
    select
        ranked.opportunity_rank,
        ranked.process_name,
        ranked.department,
        case
            when ranked.is_covered then 'already covered'
            when ranked.data_availability < {{ min_data_availability }} then 'fix data first'
            else 'candidate'
        end as status,
        ranked.opportunity_score,
        ranked.value_score,
        ranked.hours_at_stake_score,
        ranked.repetitiveness_score,
        ranked.error_proneness_score,
        ranked.pain_score,
        ranked.strategic_alignment_score,
        ranked.competitive_pressure_score,
        ranked.data_availability,
        ranked.annual_hours * ranked.loaded_hourly_cost as annual_value_at_stake,
        ranked.annual_hours,
        ranked.loaded_hourly_cost,
        ranked.loaded_hourly_cost_source,
        ranked.completed_tasks_per_month,
        ranked.mean_duration_minutes,
        ranked.top_two_type_share,
        ranked.task_types,
        ranked.duration_cv,
        ranked.error_rate,
        ranked.rework_rate,
        ranked.survey_pain_score,
        ranked.dissatisfied_share,
        ranked.low_productivity_share,
        ranked.survey_respondents,
        ranked.comment_pain_score,
        ranked.comment_mention_share,
        ranked.comment_themes,
        ranked.comment_group_size,
        ranked.completeness,
        ranked.validity,
        ranked.data_quality_findings,
        ranked.alignment_rationale,
        ranked.business_function,
        ranked.peer_adoption_score,
        ranked.peer_adoption_share,
        ranked.peer_adoption_year,
        ranked.peer_group,
        ranked.peer_match_level,
        ranked.peer_source,
        ranked.peer_source_url,
        ranked.competitor_move_score,
        ranked.competitor_moves,
        ranked.competitor_move_list,
        ranked.is_covered,
        ranked.covering_initiative_id,
        ranked.covered_task_share,
        ranked.covering_go_live_date,
        duration_effect.did_effect_pct as covering_duration_effect_pct,
        duration_effect.did_ci_low_pct as covering_duration_effect_ci_low_pct,
        duration_effect.did_ci_high_pct as covering_duration_effect_ci_high_pct,
        clear_effects.effects_summary as covering_effects,
        nullif(concat_ws(
            '; ',
            case
                when ranked.is_covered
                    then
                        'already covered by ' || ranked.covering_initiative_id || ' ('
                        || cast(round(100 * ranked.covered_task_share) as integer) || '% of tasks'
                        || coalesce(', measured: ' || clear_effects.effects_summary, ', no clear effect measured yet')
                        || ')'
            end,
            case
                when ranked.data_quality_findings is not null
                    then
                        'marked down to ' || cast(round(100 * ranked.data_availability) as integer)
                        || '% for data availability: ' || ranked.data_quality_findings
            end,
            case
                when not ranked.has_comment_themes
                    then 'no comment themes (fewer than {{ var("min_comment_group_size", 10) }} commenters)'
            end,
            case
                when ranked.dissatisfied_share is null
                    then 'no survey items (fewer than {{ var("min_hr_cell_size") }} respondents)'
            end,
            case
                when ranked.peer_adoption_share is not null
                    then
                        cast(round(100 * ranked.peer_adoption_share) as integer) || '% of ' || ranked.peer_group
                        || ' use AI in ' || coalesce(ranked.business_function, ranked.process_name)
                        || ' — ' || ranked.peer_source
                        || ', ' || cast(ranked.peer_adoption_year as {{ dbt.type_string() }})
                        || ' (matched on ' || ranked.peer_match_level || ')'
            end,
            case
                when ranked.competitor_moves > 0
                    then
                        cast(ranked.competitor_moves as {{ dbt.type_string() }}) || ' competitor move(s): '
                        || ranked.competitor_move_list
            end
        ), '') as score_notes,
        ranked.window_start,
        ranked.window_end,
        ranked.months_observed,
        ranked.task_count,
        ranked.completed_tasks,
        ranked.teams,
        ranked.incomplete_rows,
        ranked.quarantined_rows
    from ranked
    left join effects as duration_effect
        on
            ranked.covering_initiative_id = duration_effect.initiative_id
            and duration_effect.metric_name = 'task_duration_mean'
    left join clear_effects on ranked.covering_initiative_id = clear_effects.initiative_id
)

select * from final
order by is_covered, opportunity_rank
