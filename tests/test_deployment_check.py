"""HTTPS=1 turns on everything `manage.py check --deploy` asks for (issue 14, deployment; SPEC §11)."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deploy_env(tmp_path, **extra) -> dict[str, str]:
    """The environment of a deployment: this process's, less what tests set for themselves (the browser tests'
    DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SECURE_", "SECRET_KEY", "DEBUG", "HTTPS", "BEHIND_PROXY", "ALLOWED_HOSTS",
                                  "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    env.update(DJANGO_SETTINGS_MODULE="bianmin.settings", BIANMIN_VAR_DIR=str(tmp_path),
               SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="example.gov.cn", **extra)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_https_on(tmp_path):
    result = check_deploy(deploy_env(tmp_path, HTTPS="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_the_check_names_what_is_missing(tmp_path):
    """The test above proves something: without the switch, HSTS, redirect and secure cookies are reported."""
    result = check_deploy(deploy_env(tmp_path))
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_https_settings_behind_a_proxy(tmp_path):
    """BEHIND_PROXY trusts the proxy's X-Forwarded-Proto (else the SSL redirect would loop forever)."""
    code = ("from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    on = subprocess.run(run, check=False, cwd=ROOT, env=deploy_env(tmp_path, HTTPS="1", BEHIND_PROXY="1"),
                        capture_output=True, text=True, timeout=120)
    assert on.stdout.split() == ["True"] * 5 + ["('HTTP_X_FORWARDED_PROTO',", "'https')"], on.stderr
    off = subprocess.run(run, check=False, cwd=ROOT, env=deploy_env(tmp_path), capture_output=True, text=True,
                         timeout=120)
    assert off.stdout.split() == ["False", "False", "False", "False", "False", "None"], off.stderr
