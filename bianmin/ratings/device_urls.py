"""The rating device (评价器 / window tablet) kiosk, under /device/."""
from django.urls import path

from . import views_device

app_name = "device"
urlpatterns = [
    path("", views_device.screen, name="screen"),
    path("rate/", views_device.rate, name="rate"),
    path("thanks/", views_device.thanks, name="thanks"),
    path("sign-out/", views_device.sign_out, name="sign_out"),
]
