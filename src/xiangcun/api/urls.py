from django.urls import path

from . import delivery, ledgers, tasks, views

app_name = "api"
urlpatterns = [
    path("v1/indicators/", views.indicators, name="indicators"),
    path("v1/observations/", views.observations, name="observations"),
    path("v1/projects/", delivery.projects, name="projects"),
    path("v1/projects/<int:pk>/", delivery.project, name="project"),
    path("v1/projects/<int:pk>/steps/", delivery.project_steps, name="project_steps"),
    path("v1/funds/", delivery.funds, name="funds"),
    path("v1/assets/", delivery.assets, name="assets"),
    path("v1/assets/<int:pk>/", delivery.asset, name="asset"),
    path("v1/incomes/", delivery.incomes, name="incomes"),
    path("v1/notices/", delivery.notices, name="notices"),
    path("v1/tasks/", tasks.tasks, name="tasks"),
    path("v1/tasks/<int:pk>/", tasks.task, name="task"),
    path("v1/tasks/<int:pk>/reports/", tasks.task_reports, name="task_reports"),
    path("v1/supervision/", tasks.supervision, name="supervision"),
    path("v1/scorecards/", tasks.scorecards, name="scorecards"),
    path("v1/ledgers/", ledgers.ledgers, name="ledgers"),
    path("v1/ledgers/toilets/progress/", ledgers.toilet_progress, name="toilet_progress"),
    path("v1/ledgers/<str:key>/rows/", ledgers.ledger_rows, name="ledger_rows"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
]
