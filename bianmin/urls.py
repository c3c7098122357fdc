from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bianmin.api import api
from bianmin.core.views import LoginView, display_settings
from bianmin.core.views_language import set_language
from bianmin.core.views_notifications import notifications

urlpatterns = [
    path("", include("bianmin.portal.urls")),
    # /comments/… (citizens) and /workbench/{comments,assessments,surveys}/… (staff)
    path("", include("bianmin.ratings.feedback_urls")),
    path("workbench/ratings/", include("bianmin.ratings.staff_urls")),
    path("workbench/tickets/", include("bianmin.rectification.urls")),
    path("workbench/notifications/", notifications, name="notifications"),
    path("workbench/hotline/", include("bianmin.hotline.urls")),
    path("workbench/stats/", include("bianmin.stats.urls")),
    path("workbench/alerts/", include("bianmin.alerts.urls")),
    path("workbench/exchange/", include("bianmin.exchange.urls")),
    path("workbench/reports/", include("bianmin.reports.urls")),
    path("workbench/catalog/", include("bianmin.catalog.urls")),
    path("workbench/hall/", include("bianmin.hall.urls")),
    path("public/", include("bianmin.disclosure.urls")),
    # scores/, warnings/, rules/, awards/, inspections/, checklist/, quality-records/ (bianmin.staffops)
    path("workbench/", include("bianmin.staffops.urls")),
    # registers/, visits/, batches/ (bianmin.visits): no overlap with the case pages below.
    path("workbench/", include("bianmin.visits.urls")),
    path("workbench/appointments/", include("bianmin.appointments.urls_staff")),
    path("appointments/", include("bianmin.appointments.urls_public")),
    path("workbench/queue/", include("bianmin.queueing.urls_calling")),  # the clerk's calling panel
    path("hall/", include("bianmin.queueing.urls_public")),  # kiosk, 线上取号, ticket page, hall display
    path("workbench/", include("bianmin.cases.urls")),
    path("r/", include("bianmin.ratings.urls")),
    path("followup/", include("bianmin.rectification.followup_urls")),
    path("device/", include("bianmin.ratings.device_urls")),
    path("open311/v2/", include("bianmin.hotline.open311_urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's language switch (all django.conf.urls.i18n holds), keeping a signed-in person's choice.
    path("i18n/setlang/", set_language, name="set_language"),
    path("display/", display_settings, name="display"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "bianmin.core.views.bad_request"
handler403 = "bianmin.core.views.forbidden"
handler404 = "bianmin.core.views.not_found"
handler500 = "bianmin.core.views.server_error"
