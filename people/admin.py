from django.contrib import admin

from people.models import Person, Proposal


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "manager", "is_hr"]
    list_filter = ["is_hr"]
    search_fields = ["name", "email"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager", "user"]
    ordering = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # The email is also the account's sign-in; the CSV import matches people by it.
        return ["email", "user"] if obj else []


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read-only: proposals change only through their workflow, which keeps the trail."""

    list_display = ["person", "kind", "target_level", "state", "cycle", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["person", "target_level", "cycle"]
    list_per_page = 50
    search_fields = ["person__name"]
    ordering = ["-created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
