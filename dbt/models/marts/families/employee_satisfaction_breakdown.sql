{#- Employee satisfaction per department and survey month, broken down by team and by AI
    adoption cohort. Cells under the minimum size are suppressed, and so are the
    complementary cells that would let them be recovered from a published total: the
    department's, and, where the department's AI adoption is shown, each adoption group's
    (users, non-users, not answered), whose sizes it gives away - so a hidden light or
    heavy cohort is hidden with the other, not with the non-users
    (int_hr__adoption_suppression hides the adoption where a group is itself too small).
    Means are on each question's declared scale, named beside them, and on 0-100.
    Questions a survey may leave out are averaged over the people who answered them, and
    hidden too where fewer than the minimum did. -#}
with

cells as (
    select * from {{ ref('int_hr__survey_cells') }}
),

adoption as (
    select * from {{ ref('int_hr__adoption_suppression') }}
),

grouped as (
    select
        cells.*,
        case when not adoption.is_suppressed then cells.adoption_group end as published_group
    from cells
    left join adoption
        on
            cells.department = adoption.department
            and cells.month_start = adoption.month_start
),

suppressed as (
    {{ suppress_small_cells(
        'grouped',
        ['department', 'month_start', 'breakdown', 'published_group'],
        'cell',
        'respondents',
        var('min_hr_cell_size'),
    ) }}
),

answered as (
    select
        *,
        not is_suppressed and enps_respondents >= {{ var('min_hr_cell_size') }} as shows_enps,
        not is_suppressed
        and self_rated_productivity_respondents >= {{ var('min_hr_cell_size') }} as shows_productivity
    from suppressed
),

final as (
    select
        department,
        month_start,
        breakdown,
        cell,
        is_suppressed,
        case when not is_suppressed then respondents end as respondents,
        case when not is_suppressed then cast(job_satisfaction_total as {{ type_double() }}) / respondents end
            as job_satisfaction_mean,
        case when not is_suppressed then cast(job_satisfaction_top2 as {{ type_double() }}) / respondents end
            as job_satisfaction_top2_share,
        case when shows_enps then 100 * cast(enps_net_promoters as {{ type_double() }}) / enps_respondents end
            as enps,
        case
            when shows_productivity
                then cast(self_rated_productivity_total as {{ type_double() }}) / self_rated_productivity_respondents
        end as self_rated_productivity_mean,
        {{ survey_scale_label('job_satisfaction') }} as job_satisfaction_scale,
        case
            when not is_suppressed
                then {{ mean_0_100(
                    'job_satisfaction', 'cast(job_satisfaction_total as ' ~ type_double() ~ ') / respondents'
                ) }}
        end as job_satisfaction_mean_0_100,
        {{ survey_scale_label('self_rated_productivity') }} as self_rated_productivity_scale,
        case
            when shows_productivity
                then {{ mean_0_100(
                    'self_rated_productivity',
                    'cast(self_rated_productivity_total as ' ~ type_double() ~ ') / self_rated_productivity_respondents',
                ) }}
        end as self_rated_productivity_mean_0_100
    from answered
)

select * from final
