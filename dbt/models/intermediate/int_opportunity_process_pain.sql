{#- Opportunity finder: reported pain per process and department, over the survey answers
    of the twelve months ending with the report month.

    Survey items are the department's (the survey does not ask about processes): shares
    answering 1 or 2 on job satisfaction and on self-rated productivity, withheld under
    min_hr_cell_size respondents (productivity, an optional question, under that many
    answering it: a survey without it gives no share, not 0). Comment themes: of the department's commenters, the
    share whose comments name the process, and the pain themes (manual work, double
    entry, delays...) of those comments. Free text yields themes only for groups of at
    least min_comment_group_size distinct commenters (default 10); below that, no theme
    and no share are computed. -#}
{%- set min_group = var('min_comment_group_size', 10) %}
with

report_window as (
    select * from {{ ref('int_opportunity_window') }}
),

processes as (
    select
        process_name,
        department
    from {{ ref('int_opportunity_process_tasks') }}
),

answers as (
    select answers.*
    from {{ ref('stg_hr__survey_responses') }} as answers
    inner join report_window on answers.response_month between report_window.window_start and report_window.window_end
),

themes as (
    select themes.*
    from {{ ref('int_opportunity_comment_themes') }} as themes
    inner join report_window on themes.response_month between report_window.window_start and report_window.window_end
),

department_answers as (
    select
        department,
        count(distinct employee_key) as survey_respondents,
        avg(case when job_satisfaction <= 2 then cast(1 as {{ type_double() }}) else 0 end) as dissatisfied_share,
        avg(
            case
                when self_rated_productivity <= 2 then cast(1 as {{ type_double() }})
                when self_rated_productivity is not null then 0
            end
        ) as low_productivity_share,
        count(distinct case when self_rated_productivity is not null then employee_key end)
            as productivity_respondents,
        count(distinct case when trim(comment_text) <> '' then employee_key end) as commenters
    from answers
    group by department
),

process_mentions as (
    select
        department,
        theme_process_name as process_name,
        survey_wave,
        employee_key
    from themes
    where theme_process_name is not null
),

mentioning_commenters as (
    select
        department,
        process_name,
        count(distinct employee_key) as commenters
    from process_mentions
    group by department, process_name
),

-- The pain themes of the comments that name the process (same person, same wave).
pain_themes as (
    select
        process_mentions.department,
        process_mentions.process_name,
        themes.theme,
        count(distinct themes.employee_key) as commenters
    from process_mentions
    inner join themes
        on
            process_mentions.employee_key = themes.employee_key
            and process_mentions.survey_wave = themes.survey_wave
            and themes.theme_process_name is null
    group by process_mentions.department, process_mentions.process_name, themes.theme
),

ranked_pain_themes as (
    select
        pain_themes.*,
        cast(pain_themes.commenters as {{ type_double() }}) / department_answers.commenters as commenter_share,
        row_number() over (
            partition by pain_themes.department, pain_themes.process_name
            order by pain_themes.commenters desc, pain_themes.theme asc
        ) as theme_rank
    from pain_themes
    inner join department_answers on pain_themes.department = department_answers.department
),

theme_lists as (
    select
        department,
        process_name,
        {{ ordered_string_agg(
            "replace(theme, '_', ' ') || ' ' || cast(round(100 * commenter_share) as integer) || '%'",
            "', '",
            'theme_rank'
        ) }} as comment_themes
    from ranked_pain_themes
    where theme_rank <= 3
    group by department, process_name
),

final as (
    select
        processes.process_name,
        processes.department,
        coalesce(department_answers.survey_respondents, 0) as survey_respondents,
        case
            when department_answers.survey_respondents >= {{ var('min_hr_cell_size') }}
                then department_answers.dissatisfied_share
        end as dissatisfied_share,
        case
            when department_answers.productivity_respondents >= {{ var('min_hr_cell_size') }}
                then department_answers.low_productivity_share
        end as low_productivity_share,
        coalesce(department_answers.commenters, 0) as comment_group_size,
        coalesce(department_answers.commenters, 0) >= {{ min_group }} as has_comment_themes,
        case
            when department_answers.commenters >= {{ min_group }}
                then
                    cast(coalesce(mentioning_commenters.commenters, 0) as {{ type_double() }})
                    / department_answers.commenters
        end as comment_mention_share,
        case
            when department_answers.commenters >= {{ min_group }}
                then theme_lists.comment_themes
        end as comment_themes
    from processes
    left join department_answers on processes.department = department_answers.department
    left join mentioning_commenters
        on
            processes.department = mentioning_commenters.department
            and processes.process_name = mentioning_commenters.process_name
    left join theme_lists
        on
            processes.department = theme_lists.department
            and processes.process_name = theme_lists.process_name
)

select * from final
