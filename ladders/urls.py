from django.urls import path

from ladders.views import browse, editor

app_name = "ladders"

draft = "<slug:slug>/draft/"
urlpatterns = [
    path("", browse.ladder_list, name="list"),
    path("new/", editor.ladder_new, name="new"),
    path("import/", editor.ladder_upload, name="import"),
    path("<slug:slug>/", browse.ladder_detail, name="detail"),
    # Level codes may hold any character, "/" included, so a code always ends the path.
    path("<slug:slug>/levels/<path:code>/", browse.level_detail, name="level"),
    path("<slug:slug>/competencies/<slug:key>/", browse.competency_detail, name="competency"),
    path("<slug:slug>/compare/", browse.compare, name="compare"),
    path("<slug:slug>/versions/", browse.history, name="history"),
    path("<slug:slug>/versions/diff/", browse.diff, name="diff"),
    path("<slug:slug>/export/", browse.export, name="export"),
    path("<slug:slug>/start-draft/", editor.start_draft, name="start_draft"),
    path(draft, editor.editor, name="editor"),
    path(f"{draft}details/", editor.details, name="details"),
    path(f"{draft}cell/<slug:key>/<path:code>/", editor.cell, name="cell"),
    path(f"{draft}edit-cell/<slug:key>/<path:code>/", editor.cell_edit, name="cell_edit"),
    path(f"{draft}add/<slug:kind>/", editor.item_add, name="item_add"),
    path(f"{draft}edit/<slug:kind>/<path:ident>/", editor.item_edit, name="item_edit"),
    path(f"{draft}remove/<slug:kind>/<path:ident>/", editor.item_delete, name="item_remove"),
    path(f"{draft}move/<slug:kind>/<path:ident>/", editor.item_reorder, name="item_move"),
    path(f"{draft}preview/", editor.preview, name="preview"),
    path(f"{draft}publish/", editor.publish, name="publish"),
    path(f"{draft}discard/", editor.discard, name="discard"),
]
