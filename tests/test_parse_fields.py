"""Table-driven corpus for gl_cs.parse.fields.parse_request.

Every case states which fields must be missing; some also pin field text.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest

from gl_cs.parse.fields import FieldDef, ParsedRequest, match_field_name, parse_request

# The defaults the lead mirrors in rules.yml.
FIELDS = (
    FieldDef("customer_information", "Customer Information", ("Customer", "Customer Info", "Customer Name", "Account")),
    FieldDef(
        "preferred_date_options",
        "Preferred Date Options",
        ("Preferred Dates", "Date Options", "Preferred Date", "Proposed Dates", "When"),
    ),
    FieldDef("opportunity_details", "Opportunity Details", ("Opportunity", "Opportunity Size", "Deal Details")),
    FieldDef("outcome", "Outcome", ("Desired Outcome", "Outcomes", "Goal", "Goals")),
    FieldDef("challenges", "Challenges", ("Roadblocks", "Pain Points", "Blockers")),
    FieldDef("infrastructure", "Infrastructure", ("Current Tools", "Tooling", "Tech Stack", "Environment")),
    FieldDef("sa_tasks", "SA Tasks", ("SA Task", "Ask", "What do you need from the SA", "Tasks")),
)
PLACEHOLDERS = ("TBD", "N/A", "NA", "<enter here>", "...", "_", "-", "TODO", "?", "none yet")

CI, PD, OD, OU, CH, IN, SA = (f.key for f in FIELDS)
ALL = frozenset(f.key for f in FIELDS)
NONE: frozenset[str] = frozenset()
DATA = Path(__file__).parent / "data" / "descriptions"


def d(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


FULL_H2 = d(
    """
    ## Customer Information
    Acme Corp, 500 seats, https://gitlab.my.salesforce.com/0061N00000AbCdE

    ## Preferred Date Options
    Tue Nov 24, 10am PT or Wed Nov 25, 2pm PT

    ## Opportunity Details
    $250k ARR, closing in Q4

    ## Outcome
    Replace Jenkins with GitLab CI

    ## Challenges
    Legacy build scripts, security sign-off

    ## Infrastructure
    Jenkins, Bitbucket, AWS EKS

    ## SA Tasks
    - [x] Demo
    - [ ] POC
    """
)


def _sections(style: str) -> str:
    """The same filled request in a given style."""
    values = [
        ("Customer Information", "Acme Corp, 500 seats"),
        ("Preferred Date Options", "Nov 24 10am PT"),
        ("Opportunity Details", "$250k, Q4"),
        ("Outcome", "Faster pipelines"),
        ("Challenges", "Jenkins sprawl"),
        ("Infrastructure", "Jenkins, GitHub"),
        ("SA Tasks", "Demo and deep-dive"),
    ]
    out = []
    for title, value in values:
        if style in ("h1", "h2", "h3", "h4", "h5", "h6"):
            out.append("#" * int(style[1]) + " " + title + "\n" + value + "\n")
        elif style == "setext1":
            out.append(title + "\n" + "=" * len(title) + "\n" + value + "\n")
        elif style == "setext2":
            out.append(title + "\n" + "-" * len(title) + "\n" + value + "\n")
        elif style == "bold_colon_outside":
            out.append(f"**{title}**: {value}\n")
        elif style == "bold_colon_inside":
            out.append(f"**{title}:** {value}\n")
        elif style == "underscore_dash":
            out.append(f"__{title}__ - {value}\n")
        elif style == "plain_same_line":
            out.append(f"{title}: {value}\n")
        elif style == "plain_next_line":
            out.append(f"{title}:\n{value}\n")
        elif style == "bold_own_line":
            out.append(f"**{title}**\n\n{value}\n")
        elif style == "numbered":
            out.append(f"{len(out) + 1}. {title}\n   {value}\n")
        elif style == "handbook_bullets":
            out.append(f"* **{title}**: {value}")
        elif style == "lower_case":
            out.append(f"## {title.lower()}:\n{value}\n")
        elif style == "upper_case":
            out.append(f"### {title.upper()}\n{value}\n")
        elif style == "numbered_headings":
            out.append(f"## {len(out) + 1}. {title}\n{value}\n")
        elif style == "emoji":
            out.append(f"## \U0001F3E2 {title}\n{value}\n")
        elif style == "shortcode":
            out.append(f"## :white_check_mark: {title}\n{value}\n")
        elif style == "italic_label":
            out.append(f"*{title}*: {value}\n")
        elif style == "one_paragraph":
            out.append(f"**{title}**: {value}")
        else:  # pragma: no cover
            raise AssertionError(style)
    return "\n".join(out) + "\n"


STYLES = [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "setext1",
    "setext2",
    "bold_colon_outside",
    "bold_colon_inside",
    "underscore_dash",
    "plain_same_line",
    "plain_next_line",
    "bold_own_line",
    "numbered",
    "handbook_bullets",
    "lower_case",
    "upper_case",
    "numbered_headings",
    "emoji",
    "shortcode",
    "italic_label",
    "one_paragraph",
]


@pytest.mark.parametrize("style", STYLES)
def test_every_style_reads_all_seven_fields(style):
    r = parse_request(_sections(style), FIELDS, PLACEHOLDERS)
    assert r.missing == ()
    assert r.fields[OU] == "Faster pipelines"
    assert r.fields[CI] == "Acme Corp, 500 seats"
    assert r.fields[PD] == "Nov 24 10am PT"
    assert r.found == ALL


# (id, description, expected missing, expected text for some fields)
CASES = [
    ("full_h2", FULL_H2, NONE, {OU: "Replace Jenkins with GitLab CI", SA: "- [x] Demo"}),
    (
        "template_file_untouched",
        (DATA / "sa_activity_template.md").read_text(),
        ALL,
        {},
    ),
    (
        "rich_text_file_filled",
        (DATA / "rich_text_filled.md").read_text(),
        NONE,
        {
            PD: "- Tue Nov 24, 10am PT\n  Wed Nov 25, 2pm PT",
            IN: "Jenkins | CI\nBitbucket | SCM",
            SA: "- [x] Technical deep-dive\n- [x] Services evaluation",
        },
    ),
    (
        "template_comments_only",
        d(
            """
            ## Customer Information
            <!-- customer name, opportunity size, SFDC link -->
            ## Preferred Date Options
            <!-- when? with
                 time zone -->
            ## Opportunity Details
            ## Outcome
            <!-- what's in it for them -->
            ## Challenges
            ## Infrastructure
            ## SA Tasks
            - [ ] Demo
            - [ ] Services evaluation
            """
        ),
        ALL,
        {},
    ),
    (
        "placeholders_everywhere",
        d(
            """
            ## Customer Information
            TBD
            ## Preferred Date Options
            <enter here>
            ## Opportunity Details
            n/a
            ## Outcome
            ...
            ## Challenges
            _
            ## Infrastructure
            ?
            ## SA Tasks
            None yet.
            """
        ),
        ALL,
        {},
    ),
    (
        "placeholder_list_items",
        d(
            """
            ## Customer Information
            - TBD
            - N/A
            -
            ## Preferred Date Options
            - Option 1: TBD
            - Option 2: <enter here>
            ## Opportunity Details
            - TODO
            - Size: 300 seats
            """
        ),
        frozenset({CI, PD, OU, CH, IN, SA}),
        {OD: "- Size: 300 seats"},
    ),
    (
        "sub_labels_without_values",
        d(
            """
            ## Customer Information
            Customer name:
            Opportunity size:
            Salesforce link:

            ## Infrastructure
            SCM:
            CI: GitLab CI
            """
        ),
        frozenset({CI, PD, OD, OU, CH, SA}),
        {IN: "SCM:\nCI: GitLab CI", CI: ""},
    ),
    (
        "partially_filled",
        d(
            """
            **Customer Information**: Initech, 80 devs
            **Preferred Date Options**: 2026-11-24 15:00 UTC
            **Opportunity Details**: TBD
            **Outcome**:
            **Challenges**: <enter here>
            """
        ),
        frozenset({OD, OU, CH, IN, SA}),
        {CI: "Initech, 80 devs", PD: "2026-11-24 15:00 UTC"},
    ),
    (
        "different_order_and_case",
        d(
            """
            ### sa tasks
            Demo of security dashboards
            ### OUTCOME
            Pass the audit
            ### infrastructure
            GitHub Actions
            ### Customer information
            Umbrella Corp
            ### challenges
            Compliance
            ### Opportunity DETAILS
            200 Ultimate seats
            ### preferred date options
            Dec 1 9am ET
            """
        ),
        NONE,
        {SA: "Demo of security dashboards", CI: "Umbrella Corp"},
    ),
    (
        "synonyms",
        d(
            """
            ## Customer Name
            Hooli
            ## Proposed Dates
            Nov 30 or Dec 2, afternoons CET
            ## Deal Details
            $1.2M TCV
            ## Goals
            Single platform
            ## Pain Points
            Tool sprawl
            ## Tech Stack
            GitHub, CircleCI, ArgoCD
            ## What do you need from the SA?
            Architecture review
            """
        ),
        NONE,
        {CH: "Tool sprawl", SA: "Architecture review"},
    ),
    (
        "synonyms_plain_labels",
        d(
            """
            Account: Pied Piper
            When: next Tuesday 3pm PT
            Opportunity Size: 40 seats
            Desired Outcome: move off SVN
            Blockers: none known, budget approved
            Environment: on-prem, RHEL 8
            Ask: demo
            """
        ),
        NONE,
        {CI: "Pied Piper", SA: "demo", CH: "none known, budget approved"},
    ),
    (
        "challenges_slash_roadblocks_heading",
        d(
            """
            ## Challenges / Roadblocks
            Jenkins plugins are unmaintained
            ## Customer Information (name, size, SFDC link)
            Massive Dynamic
            """
        ),
        frozenset({PD, OD, OU, IN, SA}),
        {CH: "Jenkins plugins are unmaintained", CI: "Massive Dynamic"},
    ),
    (
        "heading_with_inline_value",
        d(
            """
            ## Customer Information: Stark Industries
            ## Outcome: faster releases
            ## Challenges:
            """
        ),
        frozenset({PD, OD, CH, IN, SA}),
        {CI: "Stark Industries", OU: "faster releases"},
    ),
    (
        "two_column_table_with_field_header",
        d(
            """
            | Field | Value |
            |-------|-------|
            | Customer Information | Wayne Enterprises |
            | Preferred Date Options | Nov 24 10am PT |
            | Opportunity Details | 1000 seats |
            | Outcome | DevSecOps |
            | Challenges | TBD |
            | Infrastructure | N/A |
            | SA Tasks | Demo |
            """
        ),
        frozenset({CH, IN}),
        {CI: "Wayne Enterprises", SA: "Demo"},
    ),
    (
        "two_column_table_first_row_is_header",
        d(
            """
            | **Customer Information** | Cyberdyne |
            |---|---|
            | **Preferred Dates** | Nov 24 |
            | **Outcome** | Migrate |
            | **SA Tasks** | |
            """
        ),
        frozenset({OD, CH, IN, SA}),
        {CI: "Cyberdyne", PD: "Nov 24"},
    ),
    (
        "horizontal_table",
        d(
            """
            | Customer | When | Outcome | Challenges |
            |---|---|---|---|
            | Soylent | Dec 3 | Faster builds | TBD |
            """
        ),
        frozenset({OD, CH, IN, SA}),
        {CI: "Soylent", PD: "Dec 3", OU: "Faster builds"},
    ),
    (
        "table_under_heading",
        d(
            """
            ## Infrastructure
            | Tool | Purpose |
            |---|---|
            | Jenkins | CI |
            | Artifactory | packages |
            """
        ),
        frozenset({CI, PD, OD, OU, CH, SA}),
        {IN: "Jenkins | CI\nArtifactory | packages"},
    ),
    (
        "lists_under_headings_nested",
        d(
            """
            ## Preferred Date Options
            - Week of Nov 23
              - Tue 10am PT
              - Wed 2pm PT
            ## SA Tasks
            1. Demo
               - security scanning
               - compliance pipelines
            2. Services evaluation
            """
        ),
        frozenset({CI, OD, OU, CH, IN}),
        {
            PD: "- Week of Nov 23\n  - Tue 10am PT\n  - Wed 2pm PT",
            SA: "- Demo\n  - security scanning\n  - compliance pipelines\n- Services evaluation",
        },
    ),
    (
        "rich_text_br_and_escapes",
        "**Customer Information\\:** Vandelay Industries<br>**Outcome\\:** import/export automation<br>"
        "**SA Tasks\\:** demo\n",
        frozenset({PD, OD, CH, IN}),
        {CI: "Vandelay Industries", OU: "import/export automation", SA: "demo"},
    ),
    (
        "rich_text_escaped_label_lines",
        "Customer Information\\:\n\nGringotts\n\nChallenges\\:\n\nGoblin-grade compliance\n",
        frozenset({PD, OD, OU, IN, SA}),
        {CI: "Gringotts", CH: "Goblin-grade compliance"},
    ),
    (
        "rich_text_bold_lines_then_lists",
        d(
            """
            **SA Tasks**

            * [x] Services evaluation
            * [X] Demo
            * [ ] POC

            **Challenges**

            * budget freeze
            """
        ),
        frozenset({CI, PD, OD, OU, IN}),
        {SA: "- [x] Services evaluation\n- [x] Demo", CH: "- budget freeze"},
    ),
    (
        "unchecked_boxes_only",
        d(
            """
            ## SA Tasks
            - [ ] Demo
            - [ ] Technical deep-dive
            - [~] Services evaluation
            """
        ),
        ALL,
        {SA: ""},
    ),
    (
        "unknown_heading_ends_field",
        d(
            """
            ## Outcome
            ## Notes
            We talked to the customer last week.
            """
        ),
        ALL,
        {},
    ),
    (
        "deeper_unknown_heading_stays_inside",
        d(
            """
            ## Preferred Date Options
            ### Option A
            Nov 24 10am PT
            ### Option B
            Nov 25 10am PT
            ## Notes
            internal only
            """
        ),
        frozenset({CI, OD, OU, CH, IN, SA}),
        {PD: "Option A\nNov 24 10am PT\nOption B\nNov 25 10am PT"},
    ),
    (
        "unknown_heading_ends_bold_label_field",
        d(
            """
            **Outcome**: cut cycle time

            #### Internal notes
            this is not the outcome
            """
        ),
        frozenset({CI, PD, OD, CH, IN, SA}),
        {OU: "cut cycle time"},
    ),
    (
        "preface_before_first_field_is_ignored",
        "Hi team! Please help with this one, it's urgent.\n\n" + FULL_H2,
        NONE,
        {},
    ),
    (
        "quick_actions_are_not_content",
        d(
            """
            ## Outcome
            /close
            /label ~"SA Doing"
            ## Challenges
            /assign @someone
            Real challenge: SSO
            """
        ),
        frozenset({CI, PD, OD, OU, IN, SA}),
        {CH: "Real challenge: SSO"},
    ),
    (
        "slash_path_is_content",
        d(
            """
            ## Infrastructure
            /opt/gitlab on bare metal
            """
        ),
        frozenset({CI, PD, OD, OU, CH, SA}),
        {IN: "/opt/gitlab on bare metal"},
    ),
    (
        "at_all_and_mentions_kept_as_text",
        d(
            """
            **Customer Information**: @all please look, cc @alice #123 ~"SA Doing"
            """
        ),
        frozenset({PD, OD, OU, CH, IN, SA}),
        {CI: '@all please look, cc @alice #123 ~"SA Doing"'},
    ),
    (
        "jinja_is_literal_text",
        d(
            """
            ## Outcome
            {{ 7*7 }} and {% if x %}y{% endif %}
            """
        ),
        frozenset({CI, PD, OD, CH, IN, SA}),
        {OU: "{{ 7*7 }} and {% if x %}y{% endif %}"},
    ),
    (
        "non_latin_content",
        d(
            """
            ## Customer Information
            株式会社日本語テスト (日本語)
            ## Outcome
            Ελληνικά: ταχύτερες αναπτύξεις
            ## Challenges
            العربية: الامتثال
            """
        ),
        frozenset({PD, OD, IN, SA}),
        {CI: "株式会社日本語テスト (日本語)", CH: "العربية: الامتثال"},
    ),
    (
        "emoji_content_and_emoji_only_lines",
        d(
            """
            ## Outcome
            \U0001F680\U0001F680
            ## Challenges
            \U0001F525 on-call fatigue
            """
        ),
        frozenset({CI, PD, OD, OU, IN, SA}),
        {CH: "\U0001F525 on-call fatigue"},
    ),
    (
        "punctuation_only_lines",
        d(
            """
            ## Customer Information
            ---
            ## Outcome
            : - .
            ## Challenges
            ***
            """
        ),
        ALL,
        {},
    ),
    (
        "inline_comment_with_real_content",
        "**Outcome**: <!-- what's in it for them? --> faster onboarding\n",
        frozenset({CI, PD, OD, CH, IN, SA}),
        {OU: "faster onboarding"},
    ),
    (
        "inline_comment_only",
        "**Outcome**: <!-- what's in it for them? -->\n**Challenges**: <!-- roadblocks -->\n",
        ALL,
        {},
    ),
    (
        "multiline_comment_inside_paragraph",
        d(
            """
            Outcome: <!-- describe

            the outcome here -->
            Challenges: on-prem only
            """
        ),
        frozenset({CI, PD, OD, OU, IN, SA}),
        {CH: "on-prem only"},
    ),
    (
        "unterminated_comment_hides_rest",
        d(
            """
            ## Customer Information
            Acme
            <!-- the rest is hidden
            ## Outcome
            Faster
            """
        ),
        frozenset({PD, OD, OU, CH, IN, SA}),
        {CI: "Acme"},
    ),
    (
        "code_block_is_content_and_not_markers",
        d(
            """
            ## Infrastructure
            ```yaml
            ## Outcome
            runners: 40
            ```
            """
        ),
        frozenset({CI, PD, OD, OU, CH, SA}),
        {IN: "## Outcome\nrunners: 40"},
    ),
    (
        "blockquote_content",
        d(
            """
            ## Outcome
            > "We want one tool" - CTO
            """
        ),
        frozenset({CI, PD, OD, CH, IN, SA}),
        {OU: '"We want one tool" - CTO'},
    ),
    (
        "repeated_heading_merges",
        d(
            """
            ## Outcome
            TBD
            ## Challenges
            Budget
            ## Outcome
            Faster reviews
            """
        ),
        frozenset({CI, PD, OD, IN, SA}),
        {OU: "Faster reviews"},
    ),
    (
        "weaker_sub_label_stays_in_section",
        d(
            """
            ## Customer Information
            Customer: Acme
            Opportunity size: $250k

            ## Opportunity Details
            TBD
            """
        ),
        frozenset({PD, OD, OU, CH, IN, SA}),
        {CI: "Customer: Acme\nOpportunity size: $250k"},
    ),
    (
        "sub_label_counts_when_no_better_marker",
        d(
            """
            ## Customer Information
            Customer: Acme
            Opportunity size: $250k
            """
        ),
        frozenset({PD, OU, CH, IN, SA}),
        {CI: "Customer: Acme", OD: "$250k"},
    ),
    (
        "bold_sub_labels_under_heading",
        d(
            """
            ## Customer Information
            - **Customer Name:** Acme
            - **Account:** 0011N00001
            ## Outcome
            - **Goal:** faster
            """
        ),
        frozenset({PD, OD, CH, IN, SA}),
        {CI: "- Customer Name: Acme\n- Account: 0011N00001", OU: "- Goal: faster"},
    ),
    (
        "label_then_following_lines",
        d(
            """
            Preferred Date Options: one of
            - Nov 24 10am PT
            - Nov 25 10am PT
            SA Tasks: demo
            """
        ),
        frozenset({CI, OD, OU, CH, IN}),
        {PD: "one of\n- Nov 24 10am PT\n- Nov 25 10am PT", SA: "demo"},
    ),
    (
        "plain_name_alone_on_line",
        d(
            """
            Customer Information
            Tyrell Corp

            Outcome
            More replicants per sprint
            """
        ),
        frozenset({PD, OD, CH, IN, SA}),
        {CI: "Tyrell Corp", OU: "More replicants per sprint"},
    ),
    (
        "html_details_block",
        d(
            """
            <details>
            <summary>Customer Information</summary>
            Oscorp
            </details>

            <p><strong>Outcome</strong></p>
            """
        ),
        frozenset({PD, OD, OU, CH, IN, SA}),
        {CI: "Oscorp"},
    ),
    (
        "unbalanced_html",
        "## Customer Information\n<div><b>Acme <i>Corp\n\n## Outcome\n</span></div> faster </b\n",
        frozenset({PD, OD, CH, IN, SA}),
        {CI: "Acme Corp"},
    ),
    (
        "angle_bracket_prompt_is_placeholder",
        d(
            """
            **Customer Information**: <customer name>
            **Outcome**: <https://example.com/plan>
            """
        ),
        ALL,  # a link alone is "unsure": asked for by default (intake.unsure: ask)
        {OU: ""},
    ),
    (
        "links_keep_their_url",
        "**Customer Information**: [Acme in SFDC](https://gitlab.my.salesforce.com/0061N00000AbCdE)\n",
        frozenset({PD, OD, OU, CH, IN, SA}),
        {CI: "Acme in SFDC (https://gitlab.my.salesforce.com/0061N00000AbCdE)"},
    ),
    (
        "hard_breaks",
        "Customer Information:\\\nAcme\\\nOutcome:  \nfaster\n",
        frozenset({PD, OD, CH, IN, SA}),
        {CI: "Acme", OU: "faster"},
    ),
    (
        "crlf_line_endings",
        FULL_H2.replace("\n", "\r\n"),
        NONE,
        {OU: "Replace Jenkins with GitLab CI"},
    ),
    (
        "unicode_line_separators",
        "Customer Information: Acme\u2028Outcome: faster\u2029Challenges: SSO",
        frozenset({PD, OD, IN, SA}),
        {CI: "Acme", OU: "faster", CH: "SSO"},
    ),
    (
        "binaryish_input",
        "## Outcome\n\x00\x01\x02\ufffd\udc80 speed\x7f\n## Challenges\n\x00\n",
        frozenset({CI, PD, OD, CH, IN, SA}),
        {},
    ),
    ("empty_string", "", ALL, {}),
    ("whitespace_only", " \n\t\n   \n", ALL, {}),
    ("no_fields_at_all", "Please help with Acme's demo next week!", ALL, {}),
    (
        "field_name_mid_sentence_is_not_a_marker",
        "We need an SA. The customer outcome matters. Challenges: none\n",
        ALL,
        {},
    ),
    (
        "customer_facing_heading_is_not_customer_info",
        "## Customer-facing summary\nhello\n## Customer's environment\nworld\n",
        ALL,
        {},
    ),
    (
        "possessive_synonym_label",
        "**What do you need from the SA's (demo/technical shotgun/services evaluation/etc.)**: a demo\n",
        frozenset({CI, PD, OD, OU, CH, IN}),
        {SA: "a demo"},
    ),
    (
        "singular_and_plural_forms",
        "Challenge: SSO\nOutcome: speed\nCustomers: Acme and Acme EU\n",
        frozenset({PD, OD, IN, SA}),
        {CH: "SSO", CI: "Acme and Acme EU"},
    ),
    (
        "nested_list_label_items",
        d(
            """
            - **Preferred Date Options**
              - Nov 24 10am PT
              - Nov 25 2pm PT
            - **Outcome**
              - TBD
            """
        ),
        frozenset({CI, OD, OU, CH, IN, SA}),
        {PD: "- Nov 24 10am PT\n- Nov 25 2pm PT"},
    ),
    (
        "long_field_content",
        "## Infrastructure\n" + ("Jenkins, Nexus, SonarQube and a lot of bash. " * 400) + "\n## Outcome\nSpeed\n",
        frozenset({CI, PD, OD, CH, SA}),
        {OU: "Speed"},
    ),
    (
        "tabs_and_indentation",
        "\t## Outcome\n\n   Outcome:\tfaster\n",
        frozenset({CI, PD, OD, CH, IN, SA}),
        {OU: "faster"},
    ),
    (
        "tasks_synonym_with_checked_boxes",
        d(
            """
            Tasks:
            - [x] Demo
            - [x] Services evaluation
            """
        ),
        frozenset({CI, PD, OD, OU, CH, IN}),
        {SA: "- [x] Demo\n- [x] Services evaluation"},
    ),
    (
        "strikethrough_and_formatting_inside_content",
        "## Outcome\n*Faster* **builds** and `ci.yml` ~~slow~~\n",
        frozenset({CI, PD, OD, CH, IN, SA}),
        {OU: "Faster builds and ci.yml ~~slow~~"},
    ),
    (
        "label_like_prompt_with_parentheses",
        "Customer Information (name, size, link): Acme, 50, none\n",
        frozenset({PD, OD, OU, CH, IN, SA}),
        {CI: "Acme, 50, none"},
    ),
    (
        "sub_label_value_is_placeholder",
        "## Customer Information\nCustomer name: TBD\nSalesforce: N/A\n",
        ALL,
        {CI: ""},
    ),
]


@pytest.mark.parametrize(
    "description, expected_missing, expected_text",
    [pytest.param(desc, missing, text, id=case_id) for case_id, desc, missing, text in CASES],
)
def test_corpus(description, expected_missing, expected_text):
    r = parse_request(description, FIELDS, PLACEHOLDERS)
    assert isinstance(r, ParsedRequest)
    assert set(r.missing) == set(expected_missing)
    # missing is in FieldDef order, without duplicates
    assert list(r.missing) == [f.key for f in FIELDS if f.key in r.missing]
    for key, text in expected_text.items():
        assert r.fields.get(key, "") == text, key
    # consistency of the result
    for key in ALL:
        assert r.has(key) == (key not in r.missing)
        if key in r.missing:
            assert r.fields.get(key, "") == ""
        else:
            assert r.fields[key].strip() != ""
            assert key in r.found
    assert set(r.fields) == set(r.found)


def test_corpus_is_big_enough():
    assert len(CASES) + len(STYLES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


def test_checked_boxes_anywhere_and_without_marker():
    desc = d(
        """
        Intro
        - [x] Services evaluation
        ## SA Tasks
        - [X] Demo
        - [ ] POC
        - [~] Workshop
        ## Notes
        [x] Follow-up call
        """
    )
    r = parse_request(desc, FIELDS, PLACEHOLDERS)
    assert r.checked_boxes == ("Services evaluation", "Demo", "Follow-up call")
    assert r.fields[SA] == "- [x] Demo"


def test_template_file_unchecked_boxes_are_not_checked():
    r = parse_request((DATA / "sa_activity_template.md").read_text(), FIELDS, PLACEHOLDERS)
    assert r.checked_boxes == ()
    assert r.found == ALL
    assert all(r.fields[k] == "" for k in ALL)


def test_project_issue_template_untouched_is_all_missing():
    template = Path(__file__).resolve().parents[1] / "issue_templates" / "SA_Activity.md"
    if not template.exists():
        pytest.skip("no issue template in this checkout")
    text = template.read_text()
    r = parse_request(text, FIELDS, PLACEHOLDERS)
    assert r.missing == tuple(f.key for f in FIELDS)
    assert r.checked_boxes == ()
    filled = text.replace("- [ ] Demo", "- [x] Demo")
    assert parse_request(filled, FIELDS, PLACEHOLDERS).missing == tuple(f.key for f in FIELDS if f.key != SA)


def test_none_and_non_string_inputs_do_not_raise():
    for value in (None, b"## Outcome\nfaster \xff\xfe", 12345, bytearray(b"Outcome: x")):
        r = parse_request(value, FIELDS, PLACEHOLDERS)  # type: ignore[arg-type]
        assert isinstance(r, ParsedRequest)
    assert parse_request(None, FIELDS, PLACEHOLDERS).missing == tuple(f.key for f in FIELDS)
    assert parse_request(b"## Outcome\nfaster \xff", FIELDS, PLACEHOLDERS).has(OU)


def test_placeholders_are_configurable():
    desc = "## Outcome\nWhat's in it for them?\n## Challenges\nTBD\n"
    default = parse_request(desc, FIELDS, PLACEHOLDERS)
    assert default.has(OU) and not default.has(CH)
    custom = parse_request(desc, FIELDS, ["what\u2019s in it for them"])
    assert not custom.has(OU)
    assert custom.has(CH)  # TBD is content when not configured


def test_no_placeholders_and_no_fields_arguments():
    r = parse_request("## Outcome\nTBD\n", FIELDS, ())
    assert r.has(OU) and r.fields[OU] == "TBD"
    empty = parse_request("## Outcome\nfast\n", (), PLACEHOLDERS)
    assert empty.missing == () and empty.fields == {} and empty.found == frozenset()


@pytest.mark.parametrize(
    "text, key",
    [
        ("Customer Information", CI),
        ("customer information:", CI),
        ("1. Customer Information", CI),
        ("\U0001F4C5 Preferred Date Options", PD),
        ("Challenges / Roadblocks", CH),
        ("Challenges - what blocks them?", CH),
        ("SA TASKS", SA),
        ("■ SAへの依頼：デモ", SA),
        ("Ziel für den Kunden: eine Plattform", OU),
        ("Was ich vom SA brauche: Demo", SA),
        ("Tech-Stack", IN),
        ("Preferred Date", PD),
        ("Customers", CI),
        ("Opportunity Size Estimate", None),
        ("Customer-facing", None),
        ("Notes", None),
        ("", None),
    ],
)
def test_match_field_name(text, key):
    assert match_field_name(text, FIELDS) == key


def _long_description(seed: int, size: int = 100_000) -> str:
    rnd = random.Random(seed)
    words = "alpha beta gamma delta customer pipeline jenkins **bold** _it_ `code` <br> deploy runner".split()
    parts = [FULL_H2, "## Notes\n"]
    while sum(len(p) for p in parts) < size:
        kind = rnd.random()
        if kind < 0.4:
            parts.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(5, 60))) + "\n")
        elif kind < 0.7:
            parts.append("\n".join("- " + " ".join(rnd.choice(words) for _ in range(rnd.randint(2, 8))) for _ in range(10)) + "\n")
        elif kind < 0.8:
            parts.append("| a | b |\n|---|---|\n" + "\n".join(f"| {rnd.choice(words)} | {rnd.randint(0, 99)} |" for _ in range(10)) + "\n")
        elif kind < 0.9:
            parts.append("\n".join(rnd.choice(words) for _ in range(40)) + "\n")
        else:
            parts.append("Outcome: " + rnd.choice(words) + "\n")
        parts.append("\n")
    return "".join(parts) + "\n## SA Tasks\nthe final ask\n"


@pytest.mark.parametrize(
    "description",
    [
        pytest.param(_long_description(1), id="random-mixed-100k"),
        pytest.param(FULL_H2 * 260, id="repeated-template-100k"),
        pytest.param("## Outcome\n" + "word " * 20_000, id="one-huge-paragraph"),
        pytest.param("## Outcome\n" + "a\n" * 50_000, id="fifty-thousand-lines"),
        pytest.param("## Outcome\n" + "Outcome: x\n" * 9_000, id="many-labels"),
        pytest.param("## Outcome\nfaster\n" + "[" * 50_000 + "]" * 50_000, id="brackets"),
        pytest.param("## Outcome\n" + "*a **b " * 14_000, id="emphasis"),
        pytest.param("## Outcome\n" + "<!-- " * 20_000, id="unterminated-comments"),
        pytest.param("## Outcome\n```\n" + "x = 1\n" * 16_000, id="unterminated-fence"),
        pytest.param("| a " * 25_000 + "\n|" + "---|" * 25_000 + "\n", id="wide-table"),
        pytest.param(_long_description(3, 1_000_000), id="one-megabyte"),
    ],
)
def test_100kb_is_read(description):
    # speed is measured in benchmarks/bench_parse.py, not asserted here
    assert len(description) >= 90_000
    r = parse_request(description, FIELDS, PLACEHOLDERS)
    if description.startswith("## Outcome\n") and "<!--" not in description:
        assert r.has(OU)


def test_long_description_still_finds_late_fields():
    desc = _long_description(7)
    r = parse_request(desc, FIELDS, PLACEHOLDERS)
    assert r.missing == ()
    assert r.fields[SA] == "- [x] Demo\nthe final ask"
    assert r.fields[CI].startswith("Acme Corp")


TEMPLATE_BOXES = ["Discovery call", "Demo", "Technical deep-dive", "POC support", "Services evaluation"]


@pytest.mark.parametrize("tasks, missing", [
    ("- [ ] Demo\n- [ ] Services evaluation", True),  # the template's options, untouched
    ("- [ ] demo\n- [ ] Services Evaluation.", True),  # same options, other case/punctuation
    ("- [x] Demo\n- [ ] Services evaluation", False),  # a ticked option
    ("- [ ] Demo of MR pipelines for the platform team", False),  # the AE's own to-do item
    ("- [ ] Demo\n- [ ] Send the reference architecture", False),
])
def test_only_the_templates_own_unticked_options_are_leftovers(tasks, missing):
    desc = f"## SA Tasks\n{tasks}\n"
    r = parse_request(desc, FIELDS, PLACEHOLDERS, TEMPLATE_BOXES)
    assert (SA in r.missing) is missing
    # without a list of template options every unticked box is a leftover
    strict = parse_request(desc, FIELDS, PLACEHOLDERS)
    assert (SA in strict.missing) is ("[x]" not in tasks)


def test_a_bug_in_the_reader_raises_instead_of_reporting_everything_missing(monkeypatch):
    """Issue 7: a reader bug must cost one issue in the sync report, never a comment
    asking an AE for all seven fields she wrote."""
    import gl_cs.parse.fields as fields_module

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(fields_module, "units_for", broken)
    with pytest.raises(fields_module.FieldReadError, match="KeyError"):
        parse_request(FULL_H2, FIELDS, PLACEHOLDERS)


@pytest.mark.parametrize("signature", [
    "cheers mate - Liam (Sydney)", "Thanks all!", "Cheers, Jim", "thanks so much - Ana", "Danke!",
])
def test_a_sign_off_after_the_last_field_is_not_its_answer(signature):
    desc = f"## SA Tasks\n- [ ] Demo\n- [ ] Services evaluation\n\n{signature}\n"
    r = parse_request(desc, FIELDS, PLACEHOLDERS, TEMPLATE_BOXES)
    assert SA in r.missing, r.fields.get(SA)
    # a real answer before the sign-off stays the answer, without the sign-off
    answered = parse_request(f"## SA Tasks\nDemo of CI\n\n{signature}\n", FIELDS, PLACEHOLDERS, TEMPLATE_BOXES)
    assert SA not in answered.missing and answered.fields[SA] == "Demo of CI"


@pytest.mark.parametrize("line, tasks", [
    ("SA: demo of CI + migration story, and answer the Okta/SAML questions",
     "demo of CI + migration story, and answer the Okta/SAML questions"),
    ("SA: a technical deep-dive on runners", "a technical deep-dive on runners"),
    ("SA: @ana.sa", None),  # a person, not work
    ("SA: whoever's on triage", None),
])
def test_sa_followed_by_work_is_the_sa_tasks(line, tasks):
    desc = f"Customer: Initech\nInfra: Jenkins, Bitbucket\n{line}\n"
    r = parse_request(desc, FIELDS, PLACEHOLDERS, TEMPLATE_BOXES)
    if tasks is None:
        assert SA in r.missing
    else:
        assert r.fields[SA] == tasks and r.fields[IN] == "Jenkins, Bitbucket"


def test_a_table_with_the_fields_as_columns():
    """Headers name the fields by their first words ("Outcome they want"); a column no
    field heads is its own text, never the answer of the column before it."""
    desc = ("| Customer | Notes | When | Outcome they want | Challenges | Tools today | Need from SA |\n"
            "|---|---|---|---|---|---|---|\n"
            "| Initech | signs before Jan 22 | Dec-08 0800 EST | one platform | audits | Jenkins | Demo |\n")
    r = parse_request(desc, FIELDS, PLACEHOLDERS, TEMPLATE_BOXES)
    assert r.fields[CI] == "Initech" and r.fields[PD] == "Dec-08 0800 EST" and r.fields[OU] == "one platform"
    assert r.fields[SA] == "Demo" and r.missing == (OD,)


@pytest.mark.parametrize("answer", ["a confirmar com o time deles", "to be confirmed with their IT team",
                                    "noch zu klären mit dem Kunden"])
def test_an_answer_put_off_to_someone_else_is_missing(answer):
    r = parse_request(f"## Infrastructure\n{answer}\n\n## Outcome\nfaster releases\n", FIELDS, PLACEHOLDERS)
    assert IN in r.missing and r.reasons[IN] == "deferred" and OU not in r.missing


@pytest.mark.parametrize("answer, unsure", [
    ("see SFDC", True), ("it's all in Salesforce", True), ("see the opp", True), ("in SFDC", True),
    ("SFDC says $40k, closing in Q4", False), ("GitHub, Jenkins; see SFDC for the rest", False),
])
def test_an_answer_that_only_points_to_salesforce_is_unsure(answer, unsure):
    r = parse_request(f"## Opportunity Details\n{answer}\n\n## Outcome\nfaster releases\n", FIELDS, PLACEHOLDERS)
    assert (OD in r.unsure) is unsure and (OD in r.missing) is unsure
