{#- Opportunity finder: the themes of each survey comment, by keyword (seed
    opportunity_comment_lexicon, English and French). Comment and keyword are both
    lower-cased, stripped of accents and reduced to words separated by single spaces; a
    keyword matches where a word of the comment starts with it ("factur" matches
    "factures", "facturation"). Deterministic, no model, no network. One row per comment
    and theme it matches; the comment text itself goes no further. -#}
with

comments as (
    select
        survey_wave,
        response_month,
        department,
        employee_key,
        ' ' || trim({{ plain_words('comment_text') }}) || ' '
            as comment_words
    from {{ ref('stg_hr__survey_responses') }}
    where comment_text is not null
),

lexicon as (
    select
        theme,
        process_name,
        ' ' || trim({{ plain_words('keyword') }}) as keyword_words
    from {{ ref('opportunity_comment_lexicon') }}
),

matches as (
    select distinct
        comments.survey_wave,
        comments.response_month,
        comments.department,
        comments.employee_key,
        lexicon.theme,
        lexicon.process_name as theme_process_name
    from comments
    inner join lexicon on position(lexicon.keyword_words in comments.comment_words) > 0
),

final as (
    select * from matches
)

select * from final
