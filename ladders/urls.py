from django.urls import path

from ladders import editor_views, views

app_name = "ladders"

draft = "<slug:slug>/draft/"
urlpatterns = [
    path("", views.ladder_list, name="list"),
    path("new/", editor_views.ladder_new, name="new"),
    path("import/", editor_views.ladder_upload, name="import"),
    path("<slug:slug>/", views.ladder_detail, name="detail"),
    # Level codes may hold any character, "/" included, so a code always ends the path.
    path("<slug:slug>/levels/<path:code>/", views.level_detail, name="level"),
    path("<slug:slug>/competencies/<slug:key>/", views.competency_detail, name="competency"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/versions/", views.history, name="history"),
    path("<slug:slug>/versions/diff/", views.diff, name="diff"),
    path("<slug:slug>/export/", views.export, name="export"),
    path("<slug:slug>/start-draft/", editor_views.start_draft, name="start_draft"),
    path(draft, editor_views.editor, name="editor"),
    path(f"{draft}details/", editor_views.details, name="details"),
    path(f"{draft}cell/<slug:key>/<path:code>/", editor_views.cell, name="cell"),
    path(f"{draft}edit-cell/<slug:key>/<path:code>/", editor_views.cell_edit, name="cell_edit"),
    path(f"{draft}add/<slug:kind>/", editor_views.item_add, name="item_add"),
    path(f"{draft}edit/<slug:kind>/<path:ident>/", editor_views.item_edit, name="item_edit"),
    path(f"{draft}remove/<slug:kind>/<path:ident>/", editor_views.item_delete, name="item_remove"),
    path(f"{draft}move/<slug:kind>/<path:ident>/", editor_views.item_reorder, name="item_move"),
    path(f"{draft}preview/", editor_views.preview, name="preview"),
    path(f"{draft}publish/", editor_views.publish, name="publish"),
    path(f"{draft}discard/", editor_views.discard, name="discard"),
]
