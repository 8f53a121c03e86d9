{#- Quality: DPU, defective rate, DPMO, first-pass yield, production speed, recalls and
    warranty claims (per line), CSAT and NPS (per region), per initiative, unit and month,
    against each unit's own baseline, with the initiative-level attributed effect. -#}
{{ family_metrics('quality') }}
