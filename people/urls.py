from django.urls import path

from people import cycle_views, insight_views, proposal_views, views

app_name = "people"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.directory, name="directory"),
    path("people/import/", views.import_people, name="import"),
    path("people/<uuid:uid>/", views.person_detail, name="detail"),
    path("people/<uuid:uid>/manager/", views.change_manager, name="change_manager"),
    path("people/<uuid:uid>/level/", views.set_level, name="set_level"),
    path("proposals/", proposal_views.proposal_list, name="proposals"),
    path("proposals/new/", proposal_views.proposal_new, name="proposal_new"),
    path("proposals/<uuid:uid>/", proposal_views.proposal_detail, name="proposal"),
    path(
        "proposals/<uuid:uid>/evidence/", proposal_views.proposal_evidence, name="proposal_evidence"
    ),
    path(
        "proposals/<uuid:uid>/evidence/<slug:key>/",
        proposal_views.evidence_autosave,
        name="evidence_autosave",
    ),
    path("proposals/<uuid:uid>/submit/", proposal_views.submit, name="proposal_submit"),
    path("proposals/<uuid:uid>/withdraw/", proposal_views.withdraw, name="proposal_withdraw"),
    path("proposals/<uuid:uid>/endorse/", proposal_views.endorse, name="proposal_endorse"),
    path("proposals/<uuid:uid>/return/", proposal_views.return_to_author, name="proposal_return"),
    path("proposals/<uuid:uid>/comment/", proposal_views.comment, name="proposal_comment"),
    path("proposals/<uuid:uid>/decide/", cycle_views.decide, name="proposal_decide"),
    path("cycles/", cycle_views.cycle_list, name="cycles"),
    path("cycles/new/", cycle_views.cycle_new, name="cycle_new"),
    path("cycles/<uuid:uid>/", cycle_views.cycle_queue, name="cycle"),
    path("cycles/<uuid:uid>/close/", cycle_views.cycle_finish, name="cycle_close"),
    path("cycles/<uuid:uid>/insights/", insight_views.cycle_insights, name="cycle_insights"),
    path("insights/parity/", insight_views.parity, name="parity"),
    path("people/<uuid:uid>/growth/", insight_views.growth, name="growth"),
]
