"""The words of onboarding and Live Optimization requests, as data.

What the kind readers (:mod:`gl_cs.parse.kinds`, :mod:`gl_cs.parse.prose`,
:mod:`gl_cs.parse.stance`) know about *words* lives here, in the languages the SA
Activity reader handles (English, German, French, Spanish, Portuguese, Dutch, Italian):
the names a field goes by, the words that say a customer signed, how AEs count
employees, and how they say yes and no.
"""

from __future__ import annotations

import re

# -- the names of a field ----------------------------------------------------------

#: Field names besides the built-in title and synonyms (gl_cs.parse.kinds.DEFAULT_FIELDS),
#: including headings written as questions.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "customer": ("Acct", "Acct name", "Client", "Client name", "Kunde", "Kundin", "Kundenname", "Firma", "Unternehmen", "Société",
                 "Entreprise", "Nom du client", "Cliente", "Nome do cliente", "Empresa", "Nombre del cliente",
                 "Klant", "Bedrijf", "Azienda", "Who is the customer", "Which customer", "Customer / Account",
                 "Account / Customer", "Org", "Organization", "Organisation", "Klient", "Firma", "고객", "고객사", "顧客"),
    "employees": ("Staff", "Size", "People", "Employees / Segment", "Number of employees", "How many employees",
                  "How big are they", "How big is the company", "Mitarbeiter", "Mitarbeitende", "Anzahl Mitarbeiter",
                  "Mitarbeiterzahl", "Unternehmensgröße", "Salariés", "Effectif", "Employés", "Taille",
                  "Nombre de salariés", "Empleados", "Número de empleados", "Tamaño", "Funcionários",
                  "Número de funcionários", "Colaboradores", "Tamanho", "Medewerkers", "Dipendenti",
                  "Liczba pracowników", "Pracownicy", "직원 수", "従業員数"),
    "segment": ("Segmento", "Segmentation", "Marktsegment"),
    "ae": ("Account Manager", "AE owner", "Sales rep", "Vertrieb", "Commercial"),
    "sa": ("SA owner", "Owner", "Onboarding SA", "SA (owner)", "Who owns the onboarding", "Who should deliver it",
           "Which SA", "Solution Architect", "Lösungsarchitekt", "Architecte solutions", "Arquiteto de soluções",
           "Arquitecto de soluciones"),
    "csm": ("Customer Success", "CS", "TAM", "Technical Account Manager", "Does the account have a CSM"),
    "partner": ("Partner?", "Sold via", "Sold through", "Channel", "Partenaire", "Parceiro", "Socio", "Socio comercial",
                "Vertriebspartner", "Reseller?", "Is there a partner"),
    "start_date": ("Contract start", "Contract start date", "Start of contract", "Signed on", "Signature date",
                   "Closed-won date", "Close date", "Closed", "Won", "CW date", "When did they sign",
                   "When did the customer sign", "Vertragsbeginn", "Vertragsstart", "Startdatum", "Beginn",
                   "Unterschrieben", "Unterzeichnet", "Abschlussdatum", "Vertragsunterzeichnung", "Unterzeichnung",
                   "Vertragsabschluss", "Unterschrift", "Stage Closed Won", "Date de début", "Date de signature",
                   "Début du contrat", "Signé le", "Data de início", "Data de assinatura", "Início", "Assinado em",
                   "Fecha de inicio", "Fecha de firma", "Firmado", "Inicio", "Startdatum contract", "Kick-off",
                   "Kickoff", "Go-live", "Data podpisania", "Data zawarcia umowy", "시작일", "계약일", "계약 체결일", "契約日",
                   "開始日"),
    "tier": ("License", "Licence", "Lizenz", "Licença", "Licencia", "Product", "Produkt", "Produto", "Producto"),
    "seats": ("Seats", "Users", "Licenses", "Licences", "Lizenzen", "Utilisateurs", "Usuários", "Usuarios",
              "Number of seats", "Seat count"),
    "renewal_date": ("Renewal", "Verlängerung", "Verlängerungsdatum", "Renouvellement", "Date de renouvellement",
                     "Renovação", "Data de renovação", "Renovación", "Fecha de renovación", "Vernieuwing",
                     "Verlengingsdatum", "Verlenging", "Data di rinnovo", "Rinnovo"),
    "ps": ("Professional Services?", "PS?", "Services", "PS planned", "Is a PS engagement planned", "Usługi PS"),
    "ultimate": ("Ultimate opp", "Ultimate upsell", "Upsell"),
    "asm_approval": ("ASM exception", "Exception", "Exception approved by", "Approval", "Approved by"),
    "proposed_dates": ("Possible dates", "Dates", "Availability", "Termine", "Terminvorschläge", "Dates possibles",
                       "Disponibilités", "Fechas", "Datas", "When can they do it", "Session dates",
                       "Proponowane terminy", "Terminy", "희망 일정", "候補日"),
    "milestones": ("Goals", "Topics", "Agenda", "Focus", "Focus areas", "Ziele", "Themen", "Objectifs", "Sujets",
                   "Objetivos", "Temas", "Kamienie milowe", "Cele", "마일스톤"),
}

# -- which kind of request ------------------------------------------------------------

#: A Live Optimization request names the session.
LIVE_OPTIMIZATION_WORDS = re.compile(
    r"live[\s-]*optimi[sz]ation|\bLO\b(?=\s*(?:session|request|call|pls\b|plz\b|please\b|needed\b|:|-|–|—|$))|"
    r"optimi[sz]ation\s+session|"
    r"session\s+(?:de\s+)?optimi[sz]ation|sesi[oó]n\s+de\s+optimizaci[oó]n|sess[aã]o\s+de\s+otimiza[cç][aã]o|"
    r"optimierungs[\s-]*session", re.I)
#: An onboarding request says onboarding (or starts a new customer's checklist).
ONBOARDING_WORDS = re.compile(
    r"on[\s-]*board(?:ing)?\b|onboard\w*|einarbeitung|kundeneinf[üu]hrung|int[ée]gration\s+(?:du\s+)?client|"
    r"incorporaci[oó]n\s+(?:del\s+)?cliente|implanta[cç][aã]o|embarque\s+(?:do|de)\s+cliente|"
    r"checklist\s+(?:for|para|pour|f[üu]r)\s+(?:a\s+)?new\s+customer|new\s+customer\s+checklist", re.I)
#: A text asking for something (a request), as opposed to a record of work done.
REQUEST_WORDS = re.compile(
    r"\b(?:please|pls|plz|can\s+(?:you|someone|we)|could\s+(?:you|someone)|would\s+(?:like|love)|need(?:s|ed)?\s+(?:a|an|the)|"
    r"request(?:ing|ed)?|ask(?:ing)?\s+for|open\s+(?:the|an?)\s+(?:onboarding|checklist|issue)|set\s+up|kick\s+off|"
    r"bitte|könnt\s+ihr|anlegen|merci\s+d'avance|pourriez|pouvez|s'il\s+vous\s+pla[iî]t|svp|por\s+favor|"
    r"podr[ií]an|poderiam|gostar[ií]amos|quisi[ée]ramos|graag|per\s+favore)\b|\?", re.I)
#: A record of a session or checklist already held (a hand-made one, often closed).
DONE_WORDS = re.compile(
    r"\b(?:session\s+(?:held|done|delivered|booked|took\s+place|recap)|notes\s+(?:after|from)\s+the\s+(?:call|session)|"
    r"tracking\s+(?:the\s+)?(?:onboarding|steps|progress)|(?m:^\s*session\s*:\s*(?=\S))|"
    r"recap|follow[\s-]*up\s+sent|delivered\s+(?:by|on)|held\s+on|we\s+(?:met|covered|walked\s+through)|"
    r"attendees|welcome\s+(?:email|call)\s+(?:sent|done)|checklist\s+(?:done|complete))\b", re.I)

# -- who signed, and when ---------------------------------------------------------------

#: Words that put a signing (start) date next to them.
SIGNED_WORDS = (
    r"closed[\s-]*won|c\.?w\.?(?=[\s:]*[\d(]|\s+(?:on\s+)?[A-Za-z]{3})|signed|signs|counter[\s-]*signed|"
    r"signature|inked|went\s+live|go[\s-]*live|started|start(?:s|ing)?\s+(?:date|on)|contract\s+(?:start|began|begins)|"
    r"deal\s+closed|closed\s+(?:the\s+deal|on)|closed(?=\s+(?:on\s+)?\d{1,4}[/.-]\d|\s+(?:EOM|end\s+of|last\s+week))|"
    r"won\s+on|purchased|bought|"
    r"unterschrieben|unterzeichnet|unterzeichnung|vertragsunterzeichnung|abgeschlossen|vertragsbeginn|gestartet|"
    r"a\s+sign[ée]|ont\s+sign[ée]|sign[ée]\s+le|signature\s+le|d[ée]but\s+(?:du\s+contrat|le)|"
    r"assinou|assinaram|assinado|assinatura|fechou|fechado|in[ií]cio|"
    r"firm[oó]|firmaron|firmado|firmada|cerr[oó]|cerrado|inicio|"
    r"getekend|ondertekend|firmato|firmata"
)
SIGNED = re.compile(r"(?<![\w-])(?:" + SIGNED_WORDS + r")(?![\w-])", re.I)

# -- how many ------------------------------------------------------------------------------

#: Words that count employees (not developers, users or seats: those are not the company's size).
EMPLOYEE_NOUNS = (
    r"employees?|employee\s+count|staff|people|ppl|persons?|personnel|headcount|heads|ftes?|workers|"
    r"mitarbeiter(?:innen)?|mitarbeitende|beschäftigte|angestellte|leute|"
    r"salari[ée]s?|employ[ée]s?|personnes|collaborateurs|"
    r"empleados|personas|trabajadores|colaboradores|funcion[aá]rios|pessoas|"
    r"medewerkers|werknemers|mensen|dipendenti|persone"
)
APPROX = r"(?:~|≈|\+/-|c\.|ca\.?|circa|approx\.?|approximately|about|around|roughly|some|nearly|almost|over|" \
         r"more\s+than|env\.?|environ|près\s+de|etwa|rund|ungefähr|knapp|über|unos|unas|aproximadamente|cerca\s+de|" \
         r"alrededor\s+de|por\s+volta\s+de|mais\s+de|entre|between|ongeveer|circa)"

#: Number words, for counts written out ("around eighty people", "thirty-five people").
NUMBER_WORDS: dict[str, int] = {
    w: n for n, ws in {
        1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine",
        10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen",
        17: "seventeen", 18: "eighteen", 19: "nineteen", 20: "twenty zwanzig vingt veinte vinte", 30: "thirty dreißig trente treinta trinta",
        40: "forty fourty vierzig quarante cuarenta quarenta", 50: "fifty fünfzig cinquante cincuenta cinquenta",
        60: "sixty sechzig soixante sesenta sessenta", 70: "seventy siebzig soixante-dix setenta",
        80: "eighty achtzig quatre-vingts ochenta oitenta", 90: "ninety neunzig quatre-vingt-dix noventa",
        100: "hundred hundert cent cien cem",
    }.items() for w in ws.split()
}

#: Segment names as written (the handbook's four, and how people say them).
SEGMENT_WORDS = (
    (re.compile(r"\bstrategic\b|\bstrat[ée]gi\w+|\bestrat[ée]gic\w+", re.I), "Strategic"),
    (re.compile(r"\blarge\b|\benterprise\b|\bent\b(?=\s*(?:segment|account|\(|\)|,|$))|\bgro(?:ß|ss)kunde", re.I), "Large"),
    (re.compile(r"\bmid[\s_-]*market\b|\bmidmarket\b|\bmm\b(?=\s*(?:segment|account|\(|\)|,|$))|\bmittelstand\b|"
                r"\bmid[\s-]*size[d]?\b|\bmed(?:io|iano)\s+mercado\b", re.I), "Mid-Market"),
    (re.compile(r"\bsmb\b|\bsmall(?:\s+(?:and|&)\s+medium)?\s+business(?:es)?\b|\bsmall\s+(?:company|customer|biz)\b|"
                r"\bkmu\b|\bpme\b|\bpyme\b|\bstart[\s-]*up\b", re.I), "SMB"),
)

TIERS = re.compile(r"\b(Ultimate|Premium|Free(?=\s+(?:tier|plan))|Starter|Silver|Gold|Bronze)\b", re.I)
SEATS = re.compile(r"(?<![\d,.])(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})++|\d++)\s*(?:paid\s+|licensed\s+)?(?:seats?|users?|licen[cs]es?|"
                   r"lizenzen|sièges|utilisateurs|usu[aá]rios|licencias|licenças|plätze|gebruikers)\b", re.I)

# -- yes and no ------------------------------------------------------------------------------

#: Words that negate what follows them in a clause.
NEGATORS = frozenset("""
no not n't never none nothing without neither nor zero nope non-partner nobody
kein keine keinen keiner nicht ohne niemand
pas aucun aucune sans ni jamais
sem nenhum nenhuma não nao nunca nada
sin ningún ninguno ninguna nunca ni tampoco tampouco jamás
geen niet zonder nessun nessuna senza
nie brak bez żaden żadna żadne
""".split()) | {"n/a", "na", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "won't", "hasn't", "haven't"}
#: Words that make what follows them in a clause a hypothesis, not a fact ("if they ever need PS").
HYPOTHETICAL = frozenset("""
if unless whether maybe perhaps eventually someday wenn falls ob vielleicht si éventuellement caso talvez quizás
""".split())
#: A CSM/CSE, a partner that is no longer there ("Was @lou.csm but she left the company, account is
#: unassigned now"): not an engagement a session would compete with.
GONE = re.compile(r"\b(?:left\s+(?:the\s+company|gitlab|us)|no\s+longer|unassigned|former(?:ly)?|used\s+to\s+be|"
                  r"moved\s+on|departed|nicht\s+mehr|ehemalig\w*|ne\s+plus|n'est\s+plus|ya\s+no|já\s+não|"
                  r"vacant|open\s+(?:seat|headcount|req))\b", re.I)
#: A consultancy or integrator working for the customer ("Brightpath Consulting (the company that
#: implemented GitLab for them) is building these, 2 days a week until end of January").
ENGAGED_PARTNER = re.compile(
    r"(?:[A-Z][\w&.-]*\s+(?:Consulting|Consultancy|Consultants|Integration|Integrators?|Solutions|Partners|Services)\b"
    r"|\b(?:consultanc\w*|consulting\s+(?:firm|company|partner)|(?:systems?\s+)?integrator|implementation\s+partner))"
    r"(?=[^.\n]{0,160}\b(?:implement\w*|is\s+building|are\s+building|building|is\s+on\s+it|working\s+on|engaged|"
    r"engagement|until|through\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q\d|end)|days?\s+a\s+week|"
    r"rolls?\s+(?:them\s+)?out|still))")
NO_WORDS = frozenset("""
no nope none nein non não nao ninguno ninguna nenhum nenhuma geen nee false n/a na nil keine kein aucun aucune
nie brak żaden żadna żadne 없음 아니요 아니오 없습니다 いいえ なし 無し nahi nahin
""".split())
UNKNOWN_WORDS = frozenset({"tbd", "tbc", "tba", "unknown", "unclear", "pending", "not sure", "don't know", "idk", "?",
                           "offen", "unbekannt", "inconnu", "desconocido", "desconhecido", "maybe", "vielleicht",
                           "peut-être", "quizás", "talvez"})
YES_WORDS = frozenset("""
yes y yep yeah yup ja jawohl oui si sí sim true confirmed approved ok okay sure correct
tak 예 네 はい haan
""".split())

#: What each yes/no question is about.
CONCEPTS: dict[str, re.Pattern] = {
    "partner": re.compile(
        r"(?<![\w-])(?:partners?(?:[\s-]sold)?|re[\s-]?sellers?|resold|channel\s+partners?|distributors?|"
        r"partenaires?|parceir[oa]s?|revendedor\w*|revendeur\w*|socios?\s+comercial\w*|vertriebspartner\w*|"
        r"wiederverk[äa]ufer\w*|partnerfirma|(?:bought|sold|purchased|resold|transacted|buying)\s+(?:via|through)"
        r"(?=\s+(?!us\b|gitlab\b|direct)[A-Z]))(?![\w-])", re.I),
    "direct": re.compile(
        r"(?<![\w-])(?:(?:bought|sold|purchased|buying|signed)\s+direct(?:ly)?|direct\s+(?:deal|sale|customer|account|"
        r"purchase|contract|business)|direct(?=\s*[),.]|\s*$)|en\s+direct|vente\s+directe?|direktgesch[äa]ft|"
        r"direktvertrieb|direkt\s+(?:gekauft|verkauft)|venta\s+directa|venda\s+direta|directo|direta|direto)(?![\w-])",
        re.I),
    "csm": re.compile(
        r"(?<![\w-])(?:CSMs?|CSEs?|TAMs?|(?i:customer\s+success\s+(?:manager|engineer)s?|scale\s+cse|csm/cse))"
        r"(?![\w-])"),
    "ps": re.compile(
        r"(?<![\w./-])(?:PS(?![:.]\s)|(?i:professional[\s-]services?|ps[\s-]engagement|services?\s+engagement|SOW|"
        r"statement\s+of\s+work|servi[cç]os\s+profissionais|services\s+professionnels|servicios\s+profesionales|"
        r"professional[\s-]services[\s-]\w+))(?![\w-])"),
    "ultimate": re.compile(r"(?i:\bultimate\b)"),
    "asm": re.compile(r"(?<![\w-])(?:ASMs?|(?i:area\s+sales\s+manager))(?![\w-])"),
}
