"""What AEs write, as data: the one table the field reader consults.

Everything the reader knows about *words* lives here; the other modules know
only about *layout*.  To teach gl-cs a new way of naming a field, a new
placeholder or a new way of saying "later", add a row here (or, for a team's
own words, to ``rules.yml``: ``intake.fields.*.synonyms``,
``intake.placeholders``).  Every entry is matched case-insensitively, with
curly quotes read as straight ones; names also ignore punctuation and spacing
between words (``Pref. dates`` = ``Pref dates``) and a trailing plural ``s``.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# what a field may be called

#: Names each of the template's seven fields goes by besides its rules.yml
#: title and synonyms: abbreviations, questions, and the titles in the team's
#: languages (de, fr, es, pt, nl, it, ja).  Keys that rules.yml does not define
#: are ignored.  A name only counts at the start of a heading, a bold label, a
#: table cell or a ``Name:`` line, never inside a sentence.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_information": (
        "Cust info", "Cust", "Customer details", "Customer name", "Client", "Client info", "Company",
        "Account info", "Account name", "Who is the customer",
        "Kundeninformationen", "Kundeninformation", "Kunde", "Informations client", "Informations sur le client",
        "Información del cliente", "Informacion del cliente", "Cliente", "Informações do cliente",
        "Informacoes do cliente", "Klantinformatie", "Klantgegevens", "Klant", "Informazioni cliente",
        "Informazioni sul cliente", "顧客情報", "お客様情報",
    ),
    "preferred_date_options": (
        "Pref dates", "Pref date options", "Dates", "Date and time", "Timing", "Availability",
        "Proposed times", "Time slots", "Meeting time", "When works", "When can they meet", "When can we meet",
        "When can the customer meet", "When is the call", "When do they want to meet",
        "Bevorzugte Termine", "Terminvorschläge", "Terminvorschlag", "Termine", "Termin", "Datum", "Dates proposées", "Dates souhaitées",
        "Créneaux", "Fechas preferidas", "Fechas propuestas", "Opciones de fecha", "Datas preferidas",
        "Opções de data", "Voorkeursdata", "Voorkeursdatums", "Date preferite", "Date proposte", "希望日時", "候補日",
    ),
    "opportunity_details": (
        "Opp details", "Opp", "Opp size", "Opp value", "Oppty", "Oppty details", "Opp info", "Deal", "Deal size",
        "SFDC opp",
        "Salesforce opportunity", "Opportunity info", "How big is the deal", "How big is the opportunity",
        "How big is the deal and when will they buy", "How big is the deal and when", "Deal size and timing",
        "Deal size and timeline", "What's the deal size", "What is the deal size", "When will they buy",
        "Opportunity-Details", "Verkaufschance", "Details zur Opportunity", "Détails de l'opportunité",
        "Opportunité", "Detalles de la oportunidad", "Oportunidad", "Detalhes da oportunidade", "Oportunidade",
        "Dettagli opportunità", "Opportunità", "商談詳細", "商談",
    ),
    "outcome": (
        "Expected outcome", "Success criteria", "What does success look like", "What's in it for them",
        "What's in it for the customer", "Business outcome",
        "Ziel", "Ziele", "Ziel für den Kunden", "Ziel des Kunden", "Ergebnis", "Gewünschtes Ergebnis", "Objectif", "Résultat attendu", "Résultat",
        "Objetivo", "Resultado esperado", "Resultado", "Doel", "Gewenst resultaat", "Obiettivo",
        "Risultato atteso", "期待する成果", "ゴール",
    ),
    "challenges": (
        "What's in their way", "What is in their way", "What's blocking them", "Pain", "Pains",
        "Pain point", "Obstacles", "Current challenges",
        "Herausforderungen", "Défis", "Enjeux", "Desafíos", "Retos", "Desafios", "Uitdagingen",
        "Sfide", "課題",
    ),
    "infrastructure": (
        "Infra", "Stack", "Current stack", "Current tooling", "Toolchain", "Tools today", "Tools in use",
        "What do they use today", "What do they run today", "What do they run", "What are they using today",
        "Tech", "Technical environment",
        "Infrastruktur", "Infraestructura", "Infraestrutura", "Infrastructuur", "Infrastruttura", "インフラ",
    ),
    "sa_tasks": (
        "SA ask", "SA asks", "Ask of the SA", "The ask", "SA request", "What do you need", "Need from SA",
        "Need from the SA", "Needed from SA", "Needs from SA", "What we need from the SA",
        "What do you need from us", "What you need from the SA", "Help needed", "SA help needed",
        "SA-Aufgaben", "Aufgaben", "Aufgaben für den SA", "Was ich vom SA brauche", "Was wir vom SA brauchen",
        "Vom SA benötigt", "Bitte vom SA", "Tâches SA", "Tâches", "Tareas SA", "Tareas",
        "Tarefas SA", "Tarefas do SA", "Tarefas", "Tareas del SA", "Tâches du SA", "Taken voor de SA",
        "Attività del SA", "Zadania SA", "Zadania dla SA", "Taken SA", "Taken", "Attività SA", "Attività", "SAタスク", "依頼内容", "SAへの依頼", "SAへのお願い", "SA依頼",
    ),
}

#: A heading, bold label or table cell whose whole label is a near miss of a
#: name (rapidfuzz ``ratio`` at least this, over names at least this long) names
#: that field: ``Infrastucture``, ``Oportunity Details``.  92 keeps
#: ``Challenger`` (90 against "challenges") out.  Plain ``Name: value`` lines
#: need the exact name: in running text a near miss is more often another word.
FUZZY_MIN_SCORE = 92
FUZZY_MIN_LENGTH = 6

#: A heading or label naming no field, in another language first and the field
#: in parentheses/brackets or after a slash, is read by the part that names a
#: field: ``Kundeninformationen (Customer Information)``.
BILINGUAL_OPENERS = "([/|"

#: Labels that are not a field but begin a new part of the text: a field opened
#: by a label (not a heading) ends where one of these is written as a label.
SECTION_LABELS: tuple[str, ...] = (
    "Notes", "Note", "Additional notes", "Additional info", "Additional information",
    "Links", "Resources", "Attendees", "Participants", "Contacts", "Next steps", "Background", "Context",
    "FYI", "PS", "P.S", "Related", "Related issues", "Internal notes", "Anmerkungen", "Notizen", "Remarques",
    "Notas", "Opmerkingen", "Note aggiuntive", "備考",
)

#: Sign-offs: a field's content ends before a line that is one of these, alone
#: or followed by a name ("Thanks!", "Cheers, Jim"), so a field never swallows
#: the signature.
CLOSING_LINES: tuple[str, ...] = (
    "thanks", "thank you", "thx", "many thanks", "thanks in advance", "cheers", "best", "best regards",
    "kind regards", "regards", "danke", "vielen dank", "viele grüße", "mit freundlichen grüßen",
    "merci", "cordialement", "gracias", "saludos", "obrigado", "obrigada", "abraços", "bedankt",
    "groeten", "grazie", "cordiali saluti", "よろしくお願いします", "よろしくお願いいたします",
)

#: Chatty lines: a field's content ends before a line starting with one of these.
CHATTY_LINES: tuple[str, ...] = (
    "let me know", "please let me know", "feel free to", "ping me", "reach out to me", "lmk",
    "any questions", "sent from my", "cc @", "cc: @", "fyi @", "sag bescheid", "n'hésitez pas", "no dudes en", "qualquer dúvida", "laat maar weten",
    "fammi sapere",
)

# ---------------------------------------------------------------------------
# what counts as no answer

#: Placeholders that mean "no answer yet" in any team, on top of
#: ``intake.placeholders``.  A line (or a sub-label's value) that is one of these,
#: also with surrounding brackets/quotes and trailing punctuation, is no answer.
NO_ANSWER: tuple[str, ...] = (
    "tbd", "tbc", "tba", "n/a", "na", "n.a", "none", "nil", "todo", "to do", "to be determined",
    "to be confirmed", "to be defined", "to be decided", "unknown", "not sure", "not known yet",
    "pending", "not yet", "later", "fill in", "enter here", "xxx", "xx", "x",
    # GitHub issue forms write this under a field left empty
    "no response", "_no response_",
    "noch offen", "offen", "unbekannt", "k.a", "k. a", "keine angabe",
    "à définir", "a définir", "à confirmer", "inconnu", "nd", "n.d",
    "por definir", "por confirmar", "a definir", "a confirmar", "pendiente", "desconocido", "por determinar",
    "em aberto", "nvt", "n.v.t", "nog niet bekend", "onbekend",
    "da definire", "da confermare", "sconosciuto",
    "未定", "調整中", "確認中", "未確認",
)

#: Words that turn a placeholder's qualifier into "still no answer":
#: ``TBC (need to check w/ champion)``, ``n/a (will confirm)``, ``TBD - waiting on IT``.
#: A placeholder followed by any other qualifier is an answer
#: (``N/A - SaaS only`` says the customer has no infrastructure of their own).
DEFERRAL_WORDS: tuple[str, ...] = (
    "check", "confirm", "ask", "asking", "verify", "find out", "follow", "follow-up", "update", "wait",
    "waiting", "pending", "later", "after", "once", "when", "tbd", "tbc", "soon", "will", "need", "needs",
    "to be", "nachfragen", "prüfen", "klären", "vérifier", "confirmer", "verificar", "confirmar",
    "checken", "navragen", "verificare", "確認",
)

#: Whole lines that defer the answer in prose.  Each is a regular expression
#: matched against the whole trimmed line (case-insensitive); ``{LATER}`` stands
#: for an optional "after the call / later / next week / once ..." tail.
DEFERRALS: tuple[str, ...] = (
    r"(?:i|we)?\s*(?:'ll|will|to)\s+(?:fill(?:\s+(?:this|it|these|that))?\s+(?:in|out)|fill\s+in\s+(?:the\s+)?details"
    r"|add\s+(?:more\s+)?(?:details|info|information|this|it|more)|update\s+(?:this|it|the issue|here)"
    r"|provide\s+(?:more\s+)?(?:details|info|information)|share\s+(?:more\s+)?(?:details|info)"
    r"|confirm|follow\s+up|get\s+back\s+to\s+you)\b{LATER}",
    r"(?:more\s+)?(?:details?|info|information|dates?|specifics|more)?\s*(?:to\s+follow|tbf|coming\s+soon|to\s+come"
    r"|to\s+be\s+(?:added|provided|shared|confirmed|determined|defined)|will\s+follow){LATER}",
    r"(?:tbd|tbc|tba|pending|later)\s+(?:after|once|when|until)\b.*",
    # "a confirmar com o time deles", "to be confirmed with their IT", "noch zu klären mit dem Kunden"
    r"(?:tbd|tbc|to\s+be\s+confirmed|to\s+confirm|a\s+confirmar|por\s+confirmar|à\s+confirmer|a\s+definir|"
    r"por\s+definir|à\s+définir|noch\s+(?:zu\s+)?(?:klären|offen)|da\s+confermare|nog\s+te\s+bevestigen)\s+"
    r"(?:with|com|con|avec|mit|met|by|pelo|pela|por|par)\b.{0,80}",
    r"(?:wird\s+nachgereicht|folgt(?:\s+noch)?|kommt\s+noch|à\s+venir|à\s+suivre|à\s+compléter"
    r"|(?:se\s+)?(?:completará|confirmará)\s+(?:más\s+adelante|después)|más\s+adelante|a\s+seguir|em\s+breve"
    r"|volgt(?:\s+nog)?|wordt\s+aangevuld|seguirà|da\s+completare|後日|追って(?:連絡|共有)(?:します)?)\W*",
)
LATER_TAIL = (
    r"(?:\s+(?:after|once|when|post|before|by|later|soon|next|asap|shortly|tomorrow|this|following|in)\b.{0,60})?"
    r"\W*"
)

# ---------------------------------------------------------------------------
# what answers without answering ("unsure")

#: Whole lines that point elsewhere instead of answering.  A field whose only
#: content is such lines (or a link alone) is *unsure*: ``intake.unsure``
#: (ask | accept) decides whether gl-cs asks for it.
UNSURE: tuple[str, ...] = (
    r"(?:please\s+)?(?:see|cf\.?|refer\s+to)\s+(?:above|below|previous(?:\s+\w+)?|earlier|attached|link|"
    r"the\s+(?:link|doc(?:ument)?|deck|notes|slack\s+thread|thread|opp(?:ortunity)?|sfdc|salesforce|previous\s+\w+|"
    r"last\s+\w+|other\s+issue|ticket|issue)|(?:in\s+)?(?:sfdc|salesforce|the\s+crm|crm|gong|the\s+opp|opp)\b|"
    r"(?:#|!)\d+|https?://\S+)(?:\s.{0,40})?",
    r"(?:it'?s\s+)?(?:all\s+)?in\s+(?:sfdc|salesforce|the\s+opp(?:ortunity)?|the\s+crm|gong)\W*",
    r"(?:same|as)\s+(?:as\s+)?(?:above|before|last\s+time|previous(?:ly)?|last\s+\w+|the\s+last\s+\w+|#\d+|usual)\W*",
    r"as\s+(?:above|discussed|per\s+(?:slack|email|the\s+call|call|our\s+call|last\s+\w+))\W*",
    r"ditto|dito|idem|same|same\s+here|s\.o\.|siehe\s+oben|wie\s+oben|wie\s+letztes\s+mal|voir\s+ci-dessus"
    r"|comme\s+(?:ci-dessus|la\s+dernière\s+fois)|ver\s+arriba|igual\s+que\s+(?:antes|la\s+última\s+vez)"
    r"|ver\s+acima|igual\s+(?:à|a)\s+última\s+vez|zie\s+(?:boven|hierboven)|vedi\s+sopra|come\s+sopra|上記(?:参照|と同じ)|同上",
)

# ---------------------------------------------------------------------------
# dates: weekdays and days named relative to today (read by gl_cs.parse.date_words)

#: Weekday names in the team's languages -> English abbreviation.  A weekday
#: never makes a date on its own ("Dienstag 10 Uhr" is not read); written next to
#: a date it picks the year and the day/month order of ``08/12/2026``, and in
#: parentheses between a date and its time (``08.12.2026 (Dienstag) 09:00``) it
#: is skipped like ``(Tue)``.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "Mon": ("montag", "lundi", "lunes", "segunda-feira", "segunda", "lunedì", "lunedi", "maandag"),
    "Tue": ("dienstag", "mardi", "martes", "terça-feira", "terca-feira", "terça", "terca", "martedì", "martedi",
            "dinsdag"),
    "Wed": ("mittwoch", "mercredi", "miércoles", "miercoles", "quarta-feira", "quarta", "mercoledì", "mercoledi",
            "woensdag"),
    "Thu": ("donnerstag", "jeudi", "jueves", "quinta-feira", "quinta", "giovedì", "giovedi", "donderdag"),
    "Fri": ("freitag", "vendredi", "viernes", "sexta-feira", "sexta", "venerdì", "venerdi", "vrijdag"),
    "Sat": ("samstag", "sonnabend", "samedi", "sábado", "sabado", "sabato", "zaterdag"),
    "Sun": ("sonntag", "dimanche", "domingo", "domenica", "zondag"),
}
#: Japanese weekdays: ``火曜日``, ``火曜``, and ``(火)`` alone in parentheses.
WEEKDAYS_JA: dict[str, tuple[str, ...]] = {
    "Mon": ("月曜日", "月曜", "月"), "Tue": ("火曜日", "火曜", "火"), "Wed": ("水曜日", "水曜", "水"),
    "Thu": ("木曜日", "木曜", "木"), "Fri": ("金曜日", "金曜", "金"), "Sat": ("土曜日", "土曜", "土"),
    "Sun": ("日曜日", "日曜", "日"),
}
#: Their abbreviations.  Many are words too ("so", "do", "mar", "sex"), so they
#: count only with a dot or comma after them (``Di., 08.12.``, ``mar. 8 déc.``)
#: or alone in parentheses (``(Di)``).
WEEKDAY_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "Mon": ("mo", "lun", "seg", "ma"),
    "Tue": ("di", "mar", "ter"),
    "Wed": ("mi", "mer", "mié", "mie", "qua", "wo"),
    "Thu": ("do", "jeu", "jue", "qui", "gio"),
    "Fri": ("fr", "ven", "vie", "sex", "vr"),
    "Sat": ("sa", "sam", "sáb", "sab", "za"),
    "Sun": ("so", "dim", "dom", "zo"),
}

#: Days named relative to the day a request was written -> days after it.
#: ``morgen``/``mañana`` also mean "morning": see :data:`NOT_TOMORROW_AFTER`.
RELATIVE_DAYS: dict[str, int] = {
    # English beyond the reader's own today / tomorrow / tmrw / tmr
    "tonight": 0, "this afternoon": 0, "this morning": 0, "this evening": 0, "later today": 0,
    "tomorow": 1, "tommorow": 1, "tommorrow": 1, "the day after tomorrow": 2,
    "day after tomorrow": 2,
    "heute": 0, "morgen": 1, "übermorgen": 2, "uebermorgen": 2,
    "aujourd'hui": 0, "aujourd’hui": 0, "ce soir": 0, "demain": 1, "après-demain": 2, "apres-demain": 2,
    "hoy": 0, "esta noche": 0, "mañana": 1, "manana": 1, "pasado mañana": 2, "pasado manana": 2,
    "hoje": 0, "amanhã": 1, "amanha": 1, "depois de amanhã": 2, "depois de amanha": 2,
    "oggi": 0, "stasera": 0, "domani": 1, "dopodomani": 2,
    "vandaag": 0, "vanavond": 0, "morgenochtend": 1, "morgenmiddag": 1, "morgenavond": 1, "overmorgen": 2,
    "今日": 0, "本日": 0, "明日": 1, "明後日": 2,
}
#: A word right before ``morgen``/``mañana`` that makes it "morning", not
#: "tomorrow": ``heute Morgen``, ``Guten Morgen``, ``por la mañana``, ``esta mañana``.
NOT_TOMORROW_AFTER: tuple[str, ...] = (
    "heute", "gestern", "am", "guten", "jeden", "den", "diesen", "eines", "morgen", "'s", "deze", "op", "van",
    "la", "esta", "una", "cada", "de", "del", "toda", "las", "por", "mañana", "manana",
)
#: The part of a day written between a date and its time, skipped like "at":
#: ``tomorrow morning at 9``, ``heute Nachmittag 15 Uhr``, ``demain matin à 9h``.
DAY_PARTS: tuple[str, ...] = (
    "morning", "afternoon", "evening", "night", "morgen", "früh", "vormittag", "nachmittag", "abend", "mittag",
    "matin", "après-midi", "apres-midi", "soir", "mañana", "manana", "tarde", "noche", "manhã", "manha", "noite",
    "mattina", "pomeriggio", "sera", "ochtend", "middag", "avond",
)
