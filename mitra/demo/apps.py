from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mitra.demo"
    label = "demo"
    verbose_name = "Demo data"
