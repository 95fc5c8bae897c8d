from django.urls import path

from people.views import calibration, checkins, evidence_log, home, insights, people, proposals

app_name = "people"

urlpatterns = [
    path("", home.home, name="home"),
    path("people/", people.directory, name="directory"),
    path("people/import/", people.import_people, name="import"),
    path("people/<uuid:uid>/", people.person_detail, name="detail"),
    path("people/<uuid:uid>/manager/", people.change_manager, name="change_manager"),
    path("people/<uuid:uid>/level/", people.set_level, name="set_level"),
    path("people/<uuid:uid>/leave/", people.deactivate, name="deactivate"),
    path("people/<uuid:uid>/return/", people.reactivate, name="reactivate"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<uuid:uid>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<uuid:uid>/evidence/", proposals.proposal_evidence, name="proposal_evidence"),
    path(
        "proposals/<uuid:uid>/evidence/<slug:key>/",
        proposals.evidence_autosave,
        name="evidence_autosave",
    ),
    path("proposals/<uuid:uid>/submit/", proposals.submit, name="proposal_submit"),
    path("proposals/<uuid:uid>/withdraw/", proposals.withdraw, name="proposal_withdraw"),
    path("proposals/<uuid:uid>/endorse/", proposals.endorse, name="proposal_endorse"),
    path("proposals/<uuid:uid>/return/", proposals.return_to_author, name="proposal_return"),
    path("proposals/<uuid:uid>/comment/", proposals.comment, name="proposal_comment"),
    path("proposals/<uuid:uid>/decide/", proposals.decide, name="proposal_decide"),
    path("cycles/", calibration.cycle_list, name="cycles"),
    path("cycles/new/", calibration.cycle_new, name="cycle_new"),
    path("cycles/<uuid:uid>/", calibration.cycle_queue, name="cycle"),
    path("cycles/<uuid:uid>/close/", calibration.cycle_finish, name="cycle_close"),
    path("cycles/<uuid:uid>/insights/", insights.cycle_insights, name="cycle_insights"),
    path("insights/parity/", insights.parity, name="parity"),
    path("people/<uuid:uid>/growth/", insights.growth, name="growth"),
    path("people/<uuid:uid>/check-ins/", checkins.check_ins, name="check_ins"),
    path("team/growth/", checkins.team, name="team_growth"),
    path("reminders/<str:token>/", checkins.reminders, name="reminders"),
    path("people/<uuid:uid>/check-ins/start/", checkins.start, name="check_in_start"),
    path("check-ins/<uuid:uid>/", checkins.detail, name="check_in"),
    path("check-ins/<uuid:uid>/rate/", checkins.rate, name="check_in_rate"),
    path("check-ins/<uuid:uid>/cancel/", checkins.cancel, name="check_in_cancel"),
    path(
        "check-ins/<uuid:uid>/notes/<slug:key>/redact/",
        checkins.redact_notes,
        name="check_in_redact",
    ),
    path("people/<uuid:uid>/log/", evidence_log.log, name="log"),
    path(
        "people/<uuid:uid>/log/<uuid:entry_uid>/edit/",
        evidence_log.edit_entry,
        name="log_entry_edit",
    ),
    path(
        "people/<uuid:uid>/log/<uuid:entry_uid>/redact/",
        evidence_log.redact_entry,
        name="log_entry_redact",
    ),
]
