{#- Dose-response beside the unit-level effect: per initiative, outcome metric and intensity
    of use, how light and heavy users' outcomes differ from idle seat holders' in the same
    treated unit and month (int_ai_usage__dose_response), next to the initiative's
    difference-in-differences on the metric. Associational: people choose how much they
    use the tool, the roll-out assigns only the seats. Counts of fewer than 5 people are
    hidden (their groups are not estimated either). -#}
with

dose_response as (
    select * from {{ ref('int_ai_usage__dose_response') }}
),

effects as (
    select * from {{ ref('int_attribution__effects') }}
),

final as (
    select
        dose_response.initiative_id,
        dose_response.metric_name,
        dose_response.intensity,
        dose_response.reference_intensity,
        dose_response.effect_pct,
        dose_response.ci_low_pct,
        dose_response.ci_high_pct,
        case when dose_response.people >= {{ var('min_hr_cell_size') }} then dose_response.people end
            as people,
        case
            when dose_response.reference_people >= {{ var('min_hr_cell_size') }}
                then dose_response.reference_people
        end as reference_people,
        case
            when dose_response.people >= {{ var('min_hr_cell_size') }} then dose_response.person_months
        end as person_months,
        false as is_identified,
        'associational' as evidence,
        dose_response.method,
        dose_response.note,
        effects.did_effect_pct as unit_did_effect_pct,
        effects.did_ci_low_pct as unit_did_ci_low_pct,
        effects.did_ci_high_pct as unit_did_ci_high_pct
    from dose_response
    left join effects
        on
            dose_response.initiative_id = effects.initiative_id
            and dose_response.metric_name = effects.metric_name
)

select * from final
