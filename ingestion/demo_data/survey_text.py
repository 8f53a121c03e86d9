"""Words of the pulse survey: French export headers and values, and free-text comments.

Comments name each department's pain points (in English and French) so that comment
themes can later point at processes. Only characters that Latin-1 and Windows-1252 encode
identically are used (no curly quotes, no "oe" ligature), so the Latin-1 waves read back
the same with either codec.
"""

FRENCH_HEADERS = {
    "wave": "vague",
    "response_date": "date_reponse",
    "employee_id": "identifiant_employé",
    "department": "département",
    "team": "équipe",
    "job_satisfaction": "satisfaction_travail",
    "self_rated_productivity": "productivité_perçue",
    "enps_score": "recommandation_employeur",
    "ai_tool_usage": "usage_outil_ia",
    "completion_minutes": "durée_minutes",
    "comment": "commentaire",
}
FRENCH_USAGE = {"none": "aucun", "light": "léger", "heavy": "intensif"}

# (English, French) pairs; the first ones of each department are its main pain.
PAIN_COMMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Finance": (
        ("Manual invoice entry eats half of my week.",
         "La saisie manuelle des factures me prend la moitié de la semaine."),
        ("Too much manual invoice entry, copying amounts from PDFs.",
         "Trop de saisie manuelle des factures, on recopie les montants depuis les PDF."),
        ("Expense audits are the same checks over and over.",
         "Le contrôle des notes de frais, ce sont toujours les mêmes vérifications."),
    ),
    "Procurement": (
        ("Purchase orders are retyped in two systems.",
         "Les bons de commande sont ressaisis dans deux systèmes."),
        ("We retype every purchase order into the ERP by hand.",
         "Nous ressaisissons chaque bon de commande à la main dans l'ERP."),
        ("The contract review queue keeps growing.",
         "La file de revue des contrats ne cesse de grandir."),
    ),
    "Customer Support": (
        ("The ticket backlog never goes down.", "Le retard de tickets ne baisse jamais."),
        ("Ticket backlog after every release.", "Retard de tickets après chaque mise à jour."),
        ("Searching the knowledge base takes too long.",
         "Chercher dans la base de connaissances prend trop de temps."),
    ),
    "Manufacturing": (
        ("Quality reports are written by hand after each shift.",
         "Les rapports qualité sont rédigés à la main après chaque poste."),
        ("Too many false rejects at visual inspection.", "Trop de faux rejets au contrôle visuel."),
    ),
    "Sales": (
        ("Preparing quotes takes too long.", "La préparation des devis prend trop de temps."),
        ("Price lists are scattered across spreadsheets.",
         "Les grilles tarifaires sont éparpillées dans des tableurs."),
    ),
    "Human Resources": (
        ("Onboarding paperwork is still done on paper.",
         "Les dossiers d'intégration sont encore traités sur papier."),
        ("We answer the same HR questions again and again.",
         "Nous répondons sans cesse aux mêmes questions RH."),
    ),
    "R&D": (
        ("Prototype cycles are slow.", "Les cycles de prototypage sont lents."),
        ("Hard to find earlier test results.",
         "Difficile de retrouver les anciens résultats d'essais."),
    ),
    "IT": (
        ("Too many repetitive password reset tickets.",
         "Trop de tickets répétitifs de réinitialisation de mot de passe."),
        ("The on-call load is heavy.", "Les astreintes sont lourdes."),
    ),
}  # fmt: skip

GENERAL_COMMENTS = (
    ("Good team spirit.", "Bonne ambiance dans l'équipe."),
    ("Workload is fine this quarter.", "Charge de travail correcte ce trimestre."),
    ("More training would help.", "Plus de formation serait utile."),
    ("Meetings take too much time.", "Les réunions prennent trop de temps."),
    ("Clear priorities from management.", "Des priorités claires de la part de la direction."),
)
