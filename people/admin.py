from django.contrib import admin

from people.models import Person


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
