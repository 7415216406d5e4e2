"""/public/: the same file names as the static site that `xiangcun publish` writes."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("index.html", views.index),
    path("<str:code>/", views.county, name="county"),
    path("<str:code>/index.html", views.county),
    path("<str:code>/funds.html", views.funds, name="funds"),
    path("<str:code>/funds-<int:year>.html", views.funds, name="funds_year"),
    path("<str:code>/progress.html", views.progress, name="progress"),
    path("<str:code>/assets.html", views.assets, name="assets"),
    path("<str:code>/income.html", views.income, name="income"),
    path("<str:code>/income-<int:year>.html", views.income, name="income_year"),
    path("<str:code>/targets.html", views.targets, name="targets"),
]
