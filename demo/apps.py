from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data: it sits above every other app and nothing imports it."""

    name = "demo"
    verbose_name = "Demo"
