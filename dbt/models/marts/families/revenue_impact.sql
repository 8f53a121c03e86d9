{#- Revenue impact: revenue, gross margin, orders, average order value and AI-enabled
    revenue per initiative, region and month, against each region's baseline, with the
    initiative-level attributed effect (sales lift = the DiD on revenue). -#}
{{ family_metrics('revenue') }}
