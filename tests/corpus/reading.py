"""The reading corpus: SA Activity requests written the way AEs write them.

Each case is named after the kind of writing it holds (see ``Case.kind``):
shortened and translated field names, questions as labels, labels inline in
running text, Slack pastes, tables with Owner/Status columns, placeholders with
qualifiers and in other languages, template prompts, deferrals, "see above",
dates and times from around the world, sign-offs, pastes with CRLF and
invisible characters, GitHub issue-form and Jira pastes.  Kinds marked
"public" follow shapes seen in public trackers (GitHub issue forms write
``_No response_`` under an empty field; Jira pastes keep ``h2.`` headings;
Slack exports keep ``*bold*`` and ``<url|text>``).

``NOW`` is Monday 23 Nov 2026 10:00 in Los Angeles (the team's zone).
"""

from __future__ import annotations

import textwrap

from .model import ALL, CI, CH, IN, NONE, OD, OU, PD, SA, Case

F = frozenset


def d(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


# A complete request's answers; families below vary one thing at a time.
V = {
    CI: "Acme Corp, 1,200 developers (SFDC: https://gitlab.my.salesforce.com/0061N00000AbCdE)",
    PD: "Tue Dec 1, 10am PT or Wed Dec 2, 2pm PT",
    OD: "$250k ARR expansion, Premium to Ultimate, closing in Q4",
    OU: "Consolidate CI on GitLab and halve pipeline time",
    CH: "Jenkins sprawl (40 controllers), nobody owns the shared pipelines",
    IN: "Self-managed GitLab 16.8 on EKS, Jenkins, Artifactory, Vault",
    SA: "Technical deep-dive on the CI migration; demo of merge trains",
}
TITLES = {
    CI: "Customer Information", PD: "Preferred Date Options", OD: "Opportunity Details", OU: "Outcome",
    CH: "Challenges", IN: "Infrastructure", SA: "SA Tasks",
}
DEC1 = "2026-12-01T18:00Z"  # Tue Dec 1, 10am PT


def headings(values: dict[str, str], names: dict[str, str] | None = None, level: str = "##") -> str:
    names = {**TITLES, **(names or {})}
    return "".join(f"{level} {names[k]}\n{values[k]}\n\n" for k in TITLES if k in values)


def labels(values: dict[str, str], names: dict[str, str] | None = None, fmt: str = "{n}: {v}") -> str:
    names = {**TITLES, **(names or {})}
    return "".join(fmt.format(n=names[k], v=values[k]) + "\n" for k in TITLES if k in values)


def with_(key: str, value: str) -> dict[str, str]:
    return {**V, key: value}


CASES: list[Case] = []


def case(name, description, missing=NONE, event=DEC1, decision=None, *, contains=None, unsure=NONE,
         policy="ask", kind=""):
    missing = F(missing)
    if decision is None:
        decision = "ask" if missing else "complete"
    CASES.append(Case(name, description, missing, event, decision, dict(contains or {}), F(unsure), policy, kind))


# ---------------------------------------------------------------------------
# field names as people shorten them, ask them, translate them

SHORT_NAMES = {
    "cust_info": {CI: "Cust info"},
    "cust_dot_info": {CI: "Cust. info"},
    "customer_details": {CI: "Customer details"},
    "client": {CI: "Client"},
    "pref_dates": {PD: "Pref. dates"},
    "pref_dates_no_dot": {PD: "Pref dates"},
    "dates_only": {PD: "Dates"},
    "availability": {PD: "Availability"},
    "opp_details": {OD: "Opp details"},
    "opp": {OD: "Opp"},
    "oppty": {OD: "Oppty"},
    "deal_size": {OD: "Deal size"},
    "success_criteria": {OU: "Success criteria"},
    "whats_in_it_for_them": {OU: "What's in it for them?"},
    "what_does_success_look_like": {OU: "What does success look like?"},
    "whats_in_their_way": {CH: "What's in their way?"},
    "what_is_in_their_way_curly": {CH: "What\u2019s in their way?"},
    "pain_points": {CH: "Pain points"},
    "infra": {IN: "Infra"},
    "stack": {IN: "Stack"},
    "tech_stack": {IN: "Tech stack"},
    "what_do_they_use_today": {IN: "What do they use today?"},
    "sa_ask": {SA: "SA ask"},
    "the_ask": {SA: "The ask"},
    "what_do_you_need_from_the_sa": {SA: "What do you need from the SA?"},
    "help_needed": {SA: "Help needed"},
    "all_short": {CI: "Cust info", PD: "Pref. dates", OD: "Opp details", IN: "Infra", SA: "SA ask"},
}
for _n, _names in SHORT_NAMES.items():
    case(f"name_{_n}_heading", headings(V, _names), kind="field names shortened")
    case(f"name_{_n}_label", labels(V, _names), kind="field names shortened")

TRANSLATED = {
    "de": {CI: "Kundeninformationen", PD: "Bevorzugte Termine", OD: "Verkaufschance", OU: "Ziel",
           CH: "Herausforderungen", IN: "Infrastruktur", SA: "SA-Aufgaben"},
    "fr": {CI: "Informations client", PD: "Dates souhaitées", OD: "Opportunité", OU: "Résultat attendu",
           CH: "Défis", IN: "Infrastructure", SA: "Tâches SA"},
    "es": {CI: "Información del cliente", PD: "Fechas preferidas", OD: "Oportunidad", OU: "Resultado esperado",
           CH: "Desafíos", IN: "Infraestructura", SA: "Tareas SA"},
    "pt": {CI: "Informações do cliente", PD: "Datas preferidas", OD: "Oportunidade", OU: "Objetivo",
           CH: "Desafios", IN: "Infraestrutura", SA: "Tarefas SA"},
    "nl": {CI: "Klantinformatie", PD: "Voorkeursdata", OD: "Opportunity Details", OU: "Doel",
           CH: "Uitdagingen", IN: "Infrastructuur", SA: "Taken SA"},
    "it": {CI: "Informazioni cliente", PD: "Date preferite", OD: "Opportunità", OU: "Obiettivo",
           CH: "Sfide", IN: "Infrastruttura", SA: "Attività SA"},
    "ja": {CI: "顧客情報", PD: "希望日時", OD: "商談", OU: "期待する成果", CH: "課題", IN: "インフラ", SA: "依頼内容"},
}
for _lang, _names in TRANSLATED.items():
    case(f"names_in_{_lang}_headings", headings(V, _names), kind="field names translated")
    # the team's language first, the English title in parentheses (issue 7)
    case(f"bilingual_{_lang}_headings",
         headings(V, {k: f"{n} ({TITLES[k]})" for k, n in _names.items()}), kind="bilingual headings")

case("bilingual_unknown_language_in_front",
     headings(V, {CI: "Asiakastiedot (Customer Information)", OU: "Tulos / Outcome"}),
     kind="bilingual headings")

TYPOS = {
    "custmer_information": {CI: "Custmer Information"},
    "customer_infromation": {CI: "Customer Infromation"},
    "preffered_date_options": {PD: "Preffered Date Options"},
    "oportunity_details": {OD: "Oportunity Details"},
    "opportunity_detials": {OD: "Opportunity Detials"},
    "chalenges": {CH: "Chalenges"},
    "infrastucture": {IN: "Infrastucture"},
}
for _n, _names in TYPOS.items():
    case(f"typo_{_n}_heading", headings(V, _names), kind="near-miss names (rapidfuzz)")
    case(f"typo_{_n}_bold", labels(V, _names, fmt="**{n}:** {v}"), kind="near-miss names (rapidfuzz)")
case("typo_challenger_is_not_challenges",
     headings({k: v for k, v in V.items() if k != CH}) + "## Challenger\nThe incumbent is Jenkins\n", {CH},
     kind="near-miss names (rapidfuzz)")
case("typo_in_a_plain_label_is_not_read", labels(V, {IN: "Infrastucture"}), {IN},
     kind="near-miss names (rapidfuzz)")

# ---------------------------------------------------------------------------
# labels inline in running text

case("inline_slash_separated",
     "Customer: Acme Corp, 1,200 devs / Dates: Tue Dec 1, 10am PT / Opp: $250k expansion / Outcome: faster CI / "
     "Challenges: Jenkins sprawl / Infra: EKS + Jenkins / SA ask: deep-dive\n",
     contains={CI: "Acme Corp, 1,200 devs", PD: "Tue Dec 1, 10am PT", OU: "faster CI"}, kind="inline labels")
case("inline_semicolons",
     "Customer: Acme; Dates: Tue Dec 1, 10am PT; Opp: $250k; Outcome: faster CI; Challenges: Jenkins; "
     "Infra: EKS; SA ask: demo\n", contains={OD: "$250k"}, kind="inline labels")
case("inline_sentences_one_paragraph",
     "Customer: Acme Corp. Dates: Tue Dec 1, 10am PT. Opportunity: $250k. Outcome: faster CI. "
     "Challenges: Jenkins sprawl. Infrastructure: EKS. SA Tasks: deep-dive.\n",
     contains={CH: "Jenkins sprawl"}, kind="inline labels")
case("inline_pipes",
     "Customer: Acme | Dates: Tue Dec 1, 10am PT | Opp: $250k | Outcome: faster CI | Challenges: Jenkins | "
     "Infra: EKS | SA ask: demo\n", kind="inline labels")
case("inline_with_one_missing",
     "Customer: Acme / Dates: Tue Dec 1, 10am PT / Opp: $250k / Outcome: faster CI / Infra: EKS / SA ask: demo\n",
     {CH}, kind="inline labels")
case("inline_with_placeholder",
     "Customer: Acme / Dates: Tue Dec 1, 10am PT / Opp: TBD / Outcome: faster CI / Challenges: Jenkins / "
     "Infra: EKS / SA ask: demo\n", {OD}, kind="inline labels")
case("inline_url_with_colon_is_not_split",
     labels(with_(CI, "Acme - see https://acme.example.com/path:8080 / Dates: none")),
     contains={CI: "https://acme.example.com"}, kind="inline labels")

# ---------------------------------------------------------------------------
# Slack pastes (public: Slack's mrkdwn)

SLACK = d("""
    *Customer:* Acme Corp <https://gitlab.my.salesforce.com/0061N00000AbCdE|SFDC opp>
    *Dates:* Tue Dec 1, 10am PT
    *Opp details:* $250k expansion
    *Outcome:* faster CI
    *Challenges:* Jenkins sprawl
    *Infra:* EKS + Jenkins
    *SA ask:* deep-dive on CI migration
""")
case("slack_bold_labels_and_links", SLACK, contains={CI: "SFDC opp (https://gitlab.my.salesforce.com/0061N00000AbCdE)"},
     kind="Slack (public)")
case("slack_one_line", "*Customer:* Acme *Dates:* Tue Dec 1, 10am PT *Opp:* $250k *Outcome:* faster CI "
     "*Challenges:* Jenkins *Infra:* EKS *SA ask:* demo\n", kind="Slack (public)")
case("slack_placeholder_in_bold", SLACK.replace("Jenkins sprawl", "_tbd_"), {CH}, kind="Slack (public)")
case("slack_link_alone_is_unsure", SLACK.replace(
    "Acme Corp <https://gitlab.my.salesforce.com/0061N00000AbCdE|SFDC opp>",
    "<https://gitlab.my.salesforce.com/0061N00000AbCdE|link>"), {CI}, unsure={CI}, kind="Slack (public)")

# ---------------------------------------------------------------------------
# tables with more columns than field and value

def table(rows, header="| Field | Answer | Owner | Status |"):
    return header + "\n|" + "---|" * (header.count("|") - 1) + "\n" + "".join(r + "\n" for r in rows)


_ROWS = [f"| {TITLES[k]} | {V[k]} | jim.ae | \u2705 |" for k in TITLES]
case("table_owner_status_columns", table(_ROWS), contains={OU: V[OU]}, kind="tables with extra columns")
case("table_owner_does_not_answer_a_placeholder",
     table([r if TITLES[CH] not in r else f"| {TITLES[CH]} | TBD | jim.ae | \u23f3 |" for r in _ROWS]), {CH},
     kind="tables with extra columns")
case("table_emoji_status_does_not_answer",
     table([r if TITLES[IN] not in r else f"| {TITLES[IN]} |  | ana.sa | \u274c |" for r in _ROWS]), {IN},
     kind="tables with extra columns")
case("table_value_column_in_the_middle",
     table([f"| {TITLES[k]} | jim.ae | {V[k]} |" for k in TITLES], header="| Item | Owner | Details |"),
     contains={SA: V[SA]}, kind="tables with extra columns")
case("table_plain_two_columns", table([f"| {TITLES[k]} | {V[k]} |" for k in TITLES], header="| Field | Value |"),
     kind="tables")
case("table_header_names_fields",
     "| Customer | Dates | Opp | Outcome | Challenges | Infra | SA ask |\n|---|---|---|---|---|---|---|\n"
     "| Acme | Tue Dec 1, 10am PT | $250k | faster CI | Jenkins | EKS | demo |\n", kind="tables")

# ---------------------------------------------------------------------------
# no answer: placeholders with qualifiers, other languages, prompts, deferrals

NO_ANSWERS = {
    "tbc_with_qualifier": "TBC (need to check w/ champion)",
    "na_will_confirm": "n/a (will confirm)",
    "tbd_dash_waiting": "TBD - waiting on their IT team",
    "tbd_dot": "tbd.",
    "em_dash": "\u2014",
    "question_marks": "???",
    "por_definir": "por definir",
    "a_definir_fr": "à définir",
    "noch_offen": "noch offen",
    "a_confirmar_pt": "a confirmar",
    "nog_niet_bekend": "nog niet bekend",
    "da_definire": "da definire",
    "mitei_ja": "未定",
    "bracket_prompts": "[Customer name] \u2013 [# developers]",
    "bracket_prompt_single": "[Describe the outcome]",
    "angle_prompt": "<enter here>",
    "will_fill_in_after_the_call": "will fill in after the call",
    "to_follow": "to follow",
    "details_to_follow": "Details to follow",
    "ill_update_once_i_hear_back": "I'll update this once I hear back",
    "wird_nachgereicht": "wird nachgereicht",
    "a_venir": "à venir",
    "no_response_issue_form": "_No response_",
    "tbd_bold": "**TBD**",
    "sub_label_placeholder": "Customer name: TBD\nSize: ?",
}
for _n, _v in NO_ANSWERS.items():
    key = CI if "customer" in _n or _n.startswith("sub_label") or _n == "bracket_prompts" else OU
    case(f"no_answer_{_n}", headings(with_(key, _v)), {key}, kind="no answer")
case("no_answer_na_with_a_real_reason_is_an_answer", headings(with_(IN, "N/A - SaaS only (GitLab.com)")),
     contains={IN: "SaaS only"}, kind="no answer")
case("no_answer_tbd_in_a_sentence_is_an_answer",
     headings(with_(OD, "Around $250k; exact number TBD after the pricing call")), kind="no answer")
case("no_answer_task_with_will_is_an_answer",
     headings(with_(SA, "We will need a demo of merge trains and a CI migration plan")), kind="no answer")
case("no_answer_prompt_then_real_line", headings(with_(CI, "[Customer name]\nAcme Corp, 1,200 devs")),
     contains={CI: "Acme Corp"}, kind="no answer")
case("no_answer_everything_is_template",
     d("""
        ## Customer Information
        [Customer name] – [# developers]
        ## Preferred Date Options
        [date/time + time zone]
        ## Opportunity Details
        <enter here>
        ## Outcome
        TBD
        ## Challenges
        ???
        ## Infrastructure
        —
        ## SA Tasks
        will fill in after the call
     """), ALL, None, kind="no answer")

# ---------------------------------------------------------------------------
# unsure: see above, same as last time, a link alone

UNSURES = {
    "see_above": "see above",
    "same_as_last_time": "Same as last time",
    "as_above": "as above",
    "see_previous_issue": "see #1234",
    "link_alone": "https://docs.google.com/document/d/1AbC/edit",
    "link_behind_the_word_link": "[link](https://docs.google.com/document/d/1AbC/edit)",
    "siehe_oben": "siehe oben",
    "ver_arriba": "ver arriba",
    "ditto": "ditto",
}
for _n, _v in UNSURES.items():
    case(f"unsure_{_n}_asked", headings(with_(CH, _v)), {CH}, unsure={CH}, kind="unsure")
    case(f"unsure_{_n}_accepted", headings(with_(CH, _v)), NONE, unsure={CH}, policy="accept", kind="unsure")
case("unsure_link_with_a_name_is_an_answer",
     headings(with_(CI, "[Acme Corp in SFDC](https://gitlab.my.salesforce.com/0061N00000AbCdE)")),
     contains={CI: "Acme Corp in SFDC"}, kind="unsure")
case("unsure_see_above_plus_detail_is_an_answer", headings(with_(CH, "see above, plus flaky runners")),
     kind="unsure")

# ---------------------------------------------------------------------------
# dates and times from around the world (event times in UTC; NOW = Mon 23 Nov 18:00Z)

DATES = {
    # name: (written, event, expedite?)
    "17h_cet": ("Wed 25 Nov, 17h CET", "2026-11-25T16:00Z", False),
    "9_uhr_mez": ("Mi., 25.11. um 9 Uhr MEZ", "2026-11-25T08:00Z", False),
    "a_las_10": ("miércoles 25 de noviembre a las 10:00 (hora de Madrid)", "2026-11-25T09:00Z", False),
    "as_10h": ("25 de novembro às 10h (horário de Brasília)", "2026-11-25T13:00Z", False),
    "dotted_no_year": ("26.11. 14:00 CET", "2026-11-26T13:00Z", False),
    "thu_26th_nov_at": ("Thu 26th Nov @ 2:30pm PT", "2026-11-26T22:30Z", False),
    "ja_15ji": ("11月26日(木) 15時 JST", "2026-11-26T06:00Z", False),
    "ja_full": ("2026年11月26日 午後3時半 JST", "2026-11-26T06:30Z", False),
    "fr_le_a": ("le jeudi 26 novembre à 17h30 (heure de Paris)", "2026-11-26T16:30Z", False),
    "de_long": ("Donnerstag, 26. November 2026, 14:30 Uhr MEZ", "2026-11-26T13:30Z", False),
    "nl_om_uur": ("donderdag 26 november om 10 uur CET", "2026-11-26T09:00Z", False),
    "it_alle": ("giovedì 26 novembre alle 10:30 CET", "2026-11-26T09:30Z", False),
    "es_tarde": ("26 de nov. a las 3 de la tarde CET", "2026-11-26T14:00Z", False),
    "iso_z": ("2026-11-26T15:00Z", "2026-11-26T15:00Z", False),
    "us_slash": ("11/26 at 9am ET", "2026-11-26T14:00Z", False),
    "time_first": ("3pm ET on Nov 26", "2026-11-26T20:00Z", False),
    "tomorrow_9am": ("Tomorrow 9am PT", "2026-11-24T17:00Z", True),
    "tue_8am_pt": ("Tue Nov 24, 8am PT", "2026-11-24T16:00Z", True),
    "tue_11am_pt": ("Tue Nov 24, 11am PT", "2026-11-24T19:00Z", False),
    "date_only_tomorrow": ("Nov 24 (any time)", "2026-11-24T08:00Z day", True),
    "date_only_next_week": ("Dec 1", "2026-12-01T08:00Z day", False),
    # a dropped time would make this a whole day starting 14 h from now: EXPEDITE by mistake
    "17h_tomorrow_no_zone_is_30h_away": ("Tue 24.11. um 17 Uhr", "2026-11-25T01:00Z", False),
    "17h_tomorrow_fr": ("mardi 24 novembre à 17h", "2026-11-25T01:00Z", False),
    "ist": ("Nov 26, 11:00 IST", "2026-11-26T05:30Z", False),
    # AEST is read as Sydney's zone, whose daylight time (UTC+11) is in force in November
    "aest_range": ("Nov 26 9-10am AEST", "2026-11-25T22:00Z", False),
    "two_options_earliest": ("Option 1: Dec 2 10am PT\nOption 2: Nov 30 1pm PT", "2026-11-30T21:00Z", False),
    "fullwidth": ("１１月２６日 １５：００ JST", "2026-11-26T06:00Z", False),
    "passed": ("Nov 20, 10am PT", "passed", False),
    "weekday_in_parentheses": ("Dec 1 (Tue) 10:00 CET", "2026-12-01T09:00Z", False),
    "range_in_parentheses": ("Dec 2 (10-11 AM EST)", "2026-12-02T15:00Z", False),
    "any_time_is_a_whole_day": ("Dec 1 (any time) or Dec 2 10am PT", "2026-12-01T08:00Z day", False),
    "h00_utc": ("1 Dec 10h00 UTC", "2026-12-01T10:00Z", False),
}
for _n, (_w, _ev, _exp) in DATES.items():
    dec = "complete" + ("+expedite" if _exp else "")
    case(f"date_{_n}", headings(with_(PD, _w)), NONE, _ev, dec, kind="dates and times")

UNREADABLE = {
    "weekday_only": "next Thursday afternoon",
    "asap": "ASAP",
    "dutch_next_week": "volgende week dinsdag",
}
for _n, _w in UNREADABLE.items():
    case(f"date_unreadable_{_n}", headings(with_(PD, _w)), NONE, "unreadable", "complete+unreadable",
         kind="dates: unreadable, asked not guessed")

# A time written that cannot be attached to its date: the date is never read as a whole
# day (nor guessed), the dates read whole still decide, and gl-cs asks only when the
# unclear day could hold an event under 24 hours away.
UNCLEAR = {
    "time_not_attached": ("Nov 26 - earliest 10:00 CET", "unreadable", "complete"),  # 2+ days away
    "or_tomorrow_time_after": ("Nov 24 or 25, 10am PT", "unreadable", "complete+unreadable"),  # Nov 24: within reach
    # the time after the second day may be the first day's too: Dec 1 is not guessed, Dec 2 is read
    "time_shared_by_two_days": ("Tue Dec 1 or Wed Dec 2, 10am PT", "2026-12-02T18:00Z", "complete"),
    "time_in_parentheses_shared": ("Dec 1 or Dec 2 (10-11 AM EST)", "2026-12-02T15:00Z", "complete"),
}
for _n, (_w, _ev, _dec) in UNCLEAR.items():
    case(f"date_unclear_{_n}", headings(with_(PD, _w)), NONE, _ev, _dec,
         kind="dates: a time not attached, never a whole day")

# ---------------------------------------------------------------------------
# swallowing: a field ends where unrelated text begins

case("signoff_after_last_field", headings(V) + "Thanks,\nJim\n", contains={SA: V[SA]}, kind="swallowing")
case("signoff_is_not_the_answer",
     headings({k: v for k, v in V.items() if k != SA}) + "## SA Tasks\n\nThanks!\nJim\n", {SA}, kind="swallowing")
case("let_me_know_is_not_the_answer",
     labels({k: v for k, v in V.items() if k != SA}) + "SA Tasks:\nLet me know if you need anything else!\n",
     {SA}, kind="swallowing")
case("notes_label_ends_a_label_field",
     labels({k: v for k, v in V.items() if k != CH}) + "Challenges:\nNotes: the champion is on PTO next week\n",
     {CH}, kind="swallowing")
case("cc_line_is_not_content", headings(with_(SA, "")) + "/cc @ana.sa\n", {SA}, kind="swallowing")

# ---------------------------------------------------------------------------
# pastes: CRLF, zero-width and non-breaking spaces, issue forms, Jira, Outlook

case("crlf_everywhere", headings(V).replace("\n", "\r\n"), kind="pastes")
case("zero_width_in_field_names",
     headings(V, {CI: "Customer\u200b Information", OD: "Opportunity\u00a0Details", CH: "\ufeffChallenges"}),
     kind="pastes")
case("nbsp_before_colon_french", labels(V, fmt="{n}\u00a0: {v}"), kind="pastes")
case("soft_hyphen_in_title", headings(V, {IN: "Infra\u00adstructure"}), kind="pastes")
case("github_issue_form_all_answered", headings(V, level="###"), kind="GitHub issue forms (public)")
case("github_issue_form_no_response",
     headings({**V, CH: "_No response_", IN: "_No response_"}, level="###"), {CH, IN},
     kind="GitHub issue forms (public)")
case("jira_wiki_headings", "".join(f"h2. {TITLES[k]}\n{V[k]}\n" for k in TITLES), kind="Jira paste (public)")
case("jira_wiki_headings_with_placeholder",
     "".join(f"h3. {TITLES[k]}\n{V[k] if k != OD else 'N/A'}\n" for k in TITLES), {OD}, kind="Jira paste (public)")
case("outlook_tabs", labels(V, fmt="{n}:\t{v}"), kind="pastes")
case("html_comments_left_in",
     "".join(f"## {TITLES[k]}\n<!-- {TITLES[k]}: what goes here -->\n{V[k]}\n" for k in TITLES), kind="pastes")
case("html_comments_only",
     "".join(f"## {TITLES[k]}\n<!-- {TITLES[k]}: what goes here -->\n" for k in TITLES), ALL, None, kind="pastes")

# ---------------------------------------------------------------------------
# whole requests written in a hurry

case("hurried_all_short_inline",
     "Cust info: Acme (1.2k devs). Pref. dates: Tue Dec 1 10am PT. Opp details: $250k. "
     "Outcome: faster CI. What's in their way? Jenkins sprawl. Infra: EKS. SA ask: deep-dive\n",
     contains={CH: "Jenkins sprawl"}, kind="hurried")
case("hurried_bullets_with_bold",
     "".join(f"- **{n}**: {V[k]}\n" for k, n in {CI: "Cust info", PD: "Pref. dates", OD: "Opp details", OU: "Outcome",
                                                CH: "Challenges", IN: "Infra", SA: "SA ask"}.items()),
     kind="hurried")
case("hurried_german_email",
     d("""
        Hallo zusammen,

        **Kundeninformationen (Customer Information):** Muster AG, 300 Entwickler
        **Bevorzugte Termine:** Di., 01.12. um 10 Uhr PT
        **Verkaufschance:** 120k EUR
        **Ziel:** CI-Zeit halbieren
        **Herausforderungen:** Jenkins, keine Standards
        **Infrastruktur:** OpenShift, Bitbucket
        **SA-Aufgaben:** Demo

        Viele Grüße
        Jana
     """), NONE, DEC1, contains={CI: "Muster AG"}, kind="hurried")
case("hurried_spanish_with_placeholders",
     d("""
        Cliente: Acme LATAM, 80 devs
        Fechas preferidas: martes 1 de diciembre a las 10:00 PT
        Oportunidad: por definir
        Objetivo: migrar de Jenkins
        Desafíos: equipo pequeño
        Infraestructura: por confirmar
        Tareas SA: demo
     """), {OD, IN}, DEC1, kind="hurried")
case("hurried_everything_missing_but_customer", "Customer: Acme\n\nDetails to follow after the call.\n",
     {PD, OD, OU, CH, IN, SA}, None, kind="hurried")
case("hurried_no_template_at_all", "Can an SA join a call with Acme next week? Thanks!\n", ALL, None,
     kind="hurried")


# ---------------------------------------------------------------------------
# whole requests as they arrive (e-mail forwards, issue forms, emoji labels, tables)

REAL = {}
REAL['real_globex_bold_labels_sfdc_link_and_cc'] = 'Hi team! Need an SA for Globex.\n\n**Customer Information**\nGlobex Inc. ~500 engineers, currently on GitHub Enterprise\n**Preferred Date Options**\n- Option A: Wed 12/2 @ 11am ET\n- Option B: Thu 12/3 @ 2pm ET\n**Opportunity Details**\n[SFDC](https://gitlab.my.salesforce.com/006xx)\n**Outcome**\nWin the eval vs GitHub\n**Challenges**\n- Security team wants SAST/DAST parity\n- Budget freeze until Jan\n**Infrastructure**\nAWS, GHE 3.9, Jenkins\n**SA Tasks**\n- [x] Demo\n- [ ] Technical deep-dive\n\ncc @ana.sa\n'
case('real_globex_bold_labels_sfdc_link_and_cc', REAL['real_globex_bold_labels_sfdc_link_and_cc'], {OD}, '2026-12-02T16:00Z', 'ask', unsure={OD}, kind="real-world shapes")
REAL['real_initech_issue_form_dates_no_response'] = '### Customer Information\n\nInitech (FinServ), 2k devs\n\n### Preferred Date Options\n\n_No response_\n\n### Opportunity Details\n\n$1.2M TCV, 3 yrs\n\n### Outcome\n\nStandardize on GitLab Ultimate\n\n### Challenges\n\nCompliance (SOX), air-gapped builds\n\n### Infrastructure\n\nOn-prem, OpenShift 4.12\n\n### SA Tasks\n\nArchitecture review\n'
case('real_initech_issue_form_dates_no_response', REAL['real_initech_issue_form_dates_no_response'], {PD}, None, 'ask', unsure=NONE, kind="real-world shapes")
REAL['real_umbrella_see_above_and_asap'] = 'Customer Information: Umbrella Corp\nPreferred Date Options: ASAP, ideally this week\nOpportunity Details: upsell to Ultimate (~$300k)\nOutcome: security dashboard adoption\nChallenges: see above\nInfrastructure: GitLab.com SaaS\nSA Tasks: Demo of security dashboards\n'
case('real_umbrella_see_above_and_asap', REAL['real_umbrella_see_above_and_asap'], {CH}, 'unreadable', 'ask+unreadable', unsure={CH}, kind="real-world shapes")
REAL['real_hooli_tbd_waiting_for_quote'] = '## Customer Information\nHooli — 800 devs. Champion: Gavin B.\n\n## Preferred Date Options\nMon 11/30 9am PT / Tue 12/1 9am PT\n(all times Pacific)\n\n## Opportunity Details\nTBD (waiting for the renewal quote)\n\n## Outcome\nMove off Bamboo\n\n## Challenges\nMonorepo (40 GB), slow clones\n\n## Infrastructure\nBamboo, Bitbucket DC, Nexus\n\n## SA Tasks\nMonorepo best practices session\n'
case('real_hooli_tbd_waiting_for_quote', REAL['real_hooli_tbd_waiting_for_quote'], {OD}, '2026-11-30T17:00Z', 'ask', unsure=NONE, kind="real-world shapes")
REAL['real_muster_german_plain_labels'] = 'Kunde: Muster GmbH\nTermin: 01.12.2026, 10:00 Uhr\nOpportunity: 80k EUR\nZiel: Migration von Jenkins\nHerausforderungen: keine DevOps-Erfahrung\nInfrastruktur: Azure, Jenkins\nAufgaben: Workshop\n'
case('real_muster_german_plain_labels', REAL['real_muster_german_plain_labels'], NONE, '2026-12-01T18:00Z', 'complete', unsure=NONE, kind="real-world shapes")
REAL['real_vandelay_forwarded_email_headers'] = '---------- Forwarded message ---------\nFrom: Jim AE <jim@example.com>\nSent: Monday, November 23, 2026 9:14 AM\nSubject: SA request - Vandelay\n\nCustomer Information: Vandelay Industries, 150 devs\nPreferred Date Options: Fri Nov 27, 1pm ET\nOpportunity Details: new logo, ~$90k\nOutcome: replace GitHub + CircleCI\nChallenges: CircleCI costs\nInfrastructure: GCP, GKE\nSA Tasks: demo + pricing call support\n'
case('real_vandelay_forwarded_email_headers', REAL['real_vandelay_forwarded_email_headers'], NONE, '2026-11-27T18:00Z', 'complete', unsure=NONE, kind="real-world shapes")
REAL['real_stark_emoji_labels'] = '🏢 Customer: Stark Industries (defense, 3k devs)\n📅 Dates: 11/24 4pm PT or 11/25 9am PT\n💰 Opp: $2M\n🎯 Outcome: FedRAMP-ready DevSecOps\n🧱 Challenges: air-gapped, ITAR\n🖥️ Infra: on-prem k8s, Harbor\n🙋 SA ask: architecture workshop\n'
case('real_stark_emoji_labels', REAL['real_stark_emoji_labels'], NONE, '2026-11-25T00:00Z', 'complete', unsure=NONE, kind="real-world shapes")
REAL['real_french_numbered_space_colon'] = '1) Client : Société Générale des Eaux, 400 développeurs\n2) Dates souhaitées : jeudi 26 novembre à 14h (heure de Paris)\n3) Opportunité : 150 k€\n4) Résultat attendu : migration depuis Jenkins\n5) Défis : à définir\n6) Infrastructure : OpenShift\n7) Tâches SA : démo\n'
case('real_french_numbered_space_colon', REAL['real_french_numbered_space_colon'], {CH}, '2026-11-26T13:00Z', 'ask', unsure=NONE, kind="real-world shapes")
REAL['real_wayne_bold_na_same_as_last_time_tbd'] = '**Customer Information:** Wayne Enterprises\n**Preferred Date Options:** Tue 24 Nov, 10:00–11:00 GMT\n**Opportunity Details:** renewal + Ultimate upsell (~$500k)\n**Outcome:** consolidate toolchain\n**Challenges:** N/A\n**Infrastructure:** same as last time\n**SA Tasks:** TBD\n'
case('real_wayne_bold_na_same_as_last_time_tbd', REAL['real_wayne_bold_na_same_as_last_time_tbd'], {CH, IN, SA}, '2026-11-24T10:00Z', 'ask+expedite', unsure={IN}, kind="real-world shapes")
REAL['real_cyberdyne_headerless_table'] = '| | |\n|---|---|\n| **Customer Information** | Cyberdyne Systems |\n| **Preferred Date Options** | 2026-11-24 08:00 PST |\n| **Opportunity Details** | $75k |\n| **Outcome** | faster releases |\n| **Challenges** | legacy SVN |\n| **Infrastructure** | SVN, Jenkins, VMware |\n| **SA Tasks** | migration plan |\n'
case('real_cyberdyne_headerless_table', REAL['real_cyberdyne_headerless_table'], NONE, '2026-11-24T16:00Z', 'complete+expedite', unsure=NONE, kind="real-world shapes")
REAL['real_nested_bullets_arrows_and_weekday_in_parentheses'] = '- Customer:\n  - Acme\n  - 500 devs\n- Dates:\n  - 24/11 (Tue) 15:00 CET\n- Opp -> $40k\n- Outcome → faster builds\n- Challenges => flaky tests\n- Infra: AWS\n- SA ask: demo\n'
case('real_nested_bullets_arrows_and_weekday_in_parentheses', REAL['real_nested_bullets_arrows_and_weekday_in_parentheses'], NONE, '2026-11-24T14:00Z', 'complete+expedite', unsure=NONE, kind="real-world shapes")
REAL['real_slack_emoji_short_codes'] = ':office: *Customer:* Acme\n:calendar: *Dates:* Thu 11/26 10am PT\n:moneybag: *Opp:* $40k\n:dart: *Outcome:* faster builds\n:construction: *Challenges:* flaky tests\n:computer: *Infra:* AWS\n:raising_hand: *SA ask:* demo\n'
case('real_slack_emoji_short_codes', REAL['real_slack_emoji_short_codes'], NONE, '2026-11-26T18:00Z', 'complete', unsure=NONE, kind="real-world shapes")
REAL['real_setext_bilingual_german'] = 'Kundeninformationen (Customer Information)\n==========================================\nAcme GmbH\n\nBevorzugte Termine (Preferred Date Options)\n-------------------------------------------\nMittwoch, 25. November, 16:00 MEZ\n\nOpportunity Details\n-------------------\n50k\n\nZiel (Outcome)\n--------------\nschnellere Pipelines\n\nHerausforderungen (Challenges)\n------------------------------\nJenkins\n\nInfrastruktur (Infrastructure)\n------------------------------\nAWS\n\nSA-Aufgaben (SA Tasks)\n----------------------\nDemo\n'
case('real_setext_bilingual_german', REAL['real_setext_bilingual_german'], NONE, '2026-11-25T15:00Z', 'complete', unsure=NONE, kind="real-world shapes")
REAL['real_template_prompts_left_above_the_answers'] = "Customer Information\n[Customer name] – [# developers]\nAcme Corp – 700 developers\n\nPreferred Date Options\nTuesday 1st December, 3:30pm GMT\n\nOpportunity Details\nOpportunity size: $120k\nTimeframe for purchase: Q4\n\nOutcome\nWhat's in it for them? Faster releases\n\nChallenges\nWhat is standing in their way? Legacy Jenkins\n\nInfrastructure\nWhat tools do they use today? Jenkins, GitHub\n\nSA Tasks\nWhat do you need from the SA? Demo\n"
case('real_template_prompts_left_above_the_answers', REAL['real_template_prompts_left_above_the_answers'], NONE, '2026-12-01T15:30Z', 'complete', unsure=NONE, kind="real-world shapes")
REAL['real_japanese_headings_mitei'] = '## 顧客情報\n株式会社サンプル（開発者300名）\n## 希望日時\n2026年12月1日（火）午前10時 JST\n## 商談\n約2,000万円\n## 期待する成果\nCIの高速化\n## 課題\n未定\n## インフラ\nオンプレ GitLab 16.5\n## 依頼内容\nデモ\n'
case('real_japanese_headings_mitei', REAL['real_japanese_headings_mitei'], {CH}, '2026-12-01T01:00Z', 'ask', unsure=NONE, kind="real-world shapes")
REAL['real_portuguese_bold_a_confirmar'] = '**Informações do cliente:** Banco Exemplo, 600 devs\n**Datas preferidas:** terça-feira, 1 de dezembro às 14h (horário de Brasília)\n**Oportunidade:** R$ 1,2 mi\n**Objetivo:** padronizar CI/CD\n**Desafios:** a confirmar\n**Infraestrutura:** AWS, Jenkins\n**Tarefas SA:** demo técnica\n'
case('real_portuguese_bold_a_confirmar', REAL['real_portuguese_bold_a_confirmar'], {CH}, '2026-12-01T17:00Z', 'ask', unsure=NONE, kind="real-world shapes")
REAL['real_italian_plain_da_definire'] = 'Informazioni cliente: Esempio SpA\nDate preferite: martedì 1 dicembre alle 11:00 CET\nOpportunità: 90k€\nObiettivo: migrazione da Jenkins\nSfide: da definire\nInfrastruttura: Azure\nAttività SA: workshop\n'
case('real_italian_plain_da_definire', REAL['real_italian_plain_da_definire'], {CH}, '2026-12-01T10:00Z', 'ask', unsure=NONE, kind="real-world shapes")
REAL['real_dutch_plain_nvt'] = 'Klantinformatie: Voorbeeld BV (120 devs)\nVoorkeursdata: dinsdag 1 december om 10.00 uur CET\nOpportunity Details: €60k\nDoel: snellere releases\nUitdagingen: n.v.t.\nInfrastructuur: GitLab.com\nTaken SA: demo\n'
case('real_dutch_plain_nvt', REAL['real_dutch_plain_nvt'], {CH}, '2026-12-01T09:00Z', 'ask', unsure=NONE, kind="real-world shapes")
