{#- Innovation: launches, AI-assisted share and time to market per initiative, R&D team
    and month, against each team's own baseline, with the initiative-level attributed
    effect of each metric. -#}
{{ family_metrics('innovation') }}
