from django.contrib import admin

from .models import Edition, Organisation, OrganisationMembership


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "submission_deadline", "announcement_at"]
    prepopulated_fields = {"slug": ["title"]}


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    inlines = [MembershipInline]
