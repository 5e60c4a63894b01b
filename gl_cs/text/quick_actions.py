"""GitLab's quick-action command names: one list for gl-cs and its sandbox.

A line ``/<command>`` in a description or comment is a quick action when GitLab knows the
command. gl-cs's field reader skips such lines (they are never a field's content); the
sandbox runs the ones GitLab runs on issues. gl-cs's own quick actions (the label, assignee
and due-date changes it appends to its comments) are ``gl_cs.act.writer.OWN_QUICK_ACTION``.
"""

from __future__ import annotations

#: Every command GitLab knows (issues, merge requests, epics, incidents).
ALL_COMMANDS = frozenset(
    """
    add_child add_contacts add_email approve assign assign_reviewer award blocked_by
    blocks board_move cc clear_health_status clear_weight clone close confidential
    convert_to_ticket copy_metadata create_merge_request done draft due duplicate epic
    estimate estimate_time health_status iteration label labels link lock merge
    milestone move page promote promote_to promote_to_incident publish react ready
    reassign reassign_reviewer rebase relabel relate remove_child remove_contacts
    remove_due_date remove_email remove_epic remove_estimate remove_iteration
    remove_label remove_milestone remove_parent remove_reviewer remove_time_estimate
    remove_time_spent remove_zoom reopen request_review reviewer set_parent severity
    ship shrug spend spend_time status submit_review subscribe tableflip tag
    target_branch timeline title todo unapprove unassign unassign_reviewer unlabel
    unlink unlock unsubscribe weight wip zoom
    """.split()
)

#: The commands GitLab runs on an issue (note or description).
ISSUE_COMMANDS = frozenset(
    """
    add_contacts assign award blocked_by blocks board_move clear_health_status
    clear_weight clone close confidential convert_to_ticket copy_metadata
    create_merge_request done due duplicate epic estimate estimate_time health_status
    iteration label labels lock milestone move promote promote_to_incident react
    reassign relabel relate remove_contacts remove_due_date remove_epic remove_estimate
    remove_iteration remove_label remove_milestone remove_parent remove_time_estimate
    remove_time_spent reopen set_parent severity spend spend_time status subscribe
    title todo unassign unlabel unlink unlock unsubscribe weight
    """.split()
)

assert ISSUE_COMMANDS <= ALL_COMMANDS
