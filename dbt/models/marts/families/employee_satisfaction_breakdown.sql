{#- Employee satisfaction per department and survey month, broken down by team and by AI
    adoption cohort. Cells under the minimum size are suppressed, and so are the
    complementary cells that would let them be recovered from the department's total. -#}
with

cells as (
    select * from {{ ref('int_hr__survey_cells') }}
),

suppressed as (
    {{ suppress_small_cells(
        'cells',
        ['department', 'month_start', 'breakdown'],
        'cell',
        'respondents',
        var('min_hr_cell_size'),
    ) }}
),

final as (
    select
        department,
        month_start,
        breakdown,
        cell,
        is_suppressed,
        case when not is_suppressed then respondents end as respondents,
        case when not is_suppressed then 1.0 * job_satisfaction_total / respondents end
            as job_satisfaction_mean,
        case when not is_suppressed then 1.0 * job_satisfaction_top2 / respondents end
            as job_satisfaction_top2_share,
        case when not is_suppressed then 100.0 * enps_net_promoters / respondents end as enps,
        case when not is_suppressed then 1.0 * self_rated_productivity_total / respondents end
            as self_rated_productivity_mean
    from suppressed
)

select * from final
