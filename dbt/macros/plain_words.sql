{#- Text lower-cased, stripped of accents and reduced to words of a-z and 0-9 separated by
    single spaces (the spaces at either end are the caller's to trim). DuckDB has
    strip_accents; Spark has none, so there each accented Latin letter (U+00C0 to U+024F)
    is mapped to its base letter, as strip_accents maps it; any other character ends a
    word on either engine. -#}
{% macro plain_words(text) -%}
    {{ return(adapter.dispatch('plain_words')(text)) }}
{%- endmacro %}

{% macro duckdb__plain_words(text) -%}
    regexp_replace(strip_accents(lower({{ text }})), '[^a-z0-9]+', ' ', 'g')
{%- endmacro %}

{% macro spark__plain_words(text) -%}
    regexp_replace(
        translate(
            lower({{ text }}),
            'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ',
            'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy'
        ),
        '[^a-z0-9]+', ' '
    )
{%- endmacro %}
