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
