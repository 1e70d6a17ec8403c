from django.contrib import admin

from .models import JuryMember


@admin.register(JuryMember)
class JuryMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "edition", "is_chair", "country", "organisation", "accepted_at"]
    list_filter = ["edition", "is_chair"]
    autocomplete_fields = ["user"]
