"""`grant_caseworker`, and the grant applied at a real login through the emulator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from caseworker.models import CaseworkerGrant
from tests.caseworker.support import CASEWORKER_PID, CITIZEN_PID
from tests.idporten.portal_flow import Portal

PREVIEW = "caseworker.preview_citizen"


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # has_perm caches on the instance


@pytest.mark.django_db
class TestTheCommand:
    def test_it_grants_by_number_and_is_idempotent(self, capsys):
        call_command("grant_caseworker", CASEWORKER_PID)
        call_command("grant_caseworker", CASEWORKER_PID)

        assert CaseworkerGrant.objects.get().pid == CASEWORKER_PID
        out = capsys.readouterr().out
        assert "Granted 278588*****." in out
        assert "278588***** already had a grant." in out
        assert CASEWORKER_PID not in out

    def test_it_refuses_a_bad_number(self):
        with pytest.raises(CommandError):
            call_command("grant_caseworker", "27858815025")
        assert not CaseworkerGrant.objects.exists()


@pytest.mark.django_db(transaction=True)
class TestTheGrantAtLogin:
    def test_it_gives_the_permission_to_whoever_logs_in_with_the_number(self, portal: Portal):
        call_command("grant_caseworker", CASEWORKER_PID)

        browser, _ = portal.login(pid=CASEWORKER_PID, eid="BankID")

        caseworker = CaseworkerGrant.objects.get().user
        assert caseworker is not None and caseworker.has_perm(PREVIEW)
        start = browser.get(f"{portal.url}/saksbehandler/", allow_redirects=False, timeout=10)
        assert start.status_code == 200

    def test_it_gives_nothing_to_anyone_else(self, portal: Portal):
        call_command("grant_caseworker", CASEWORKER_PID)

        browser, _ = portal.login(pid=CITIZEN_PID, eid="BankID")

        assert not any(user.has_perm(PREVIEW) for user in User.objects.all())
        start = browser.get(f"{portal.url}/saksbehandler/", allow_redirects=False, timeout=10)
        assert start.status_code == 404

    def test_a_substantial_login_is_stepped_up_at_id_porten(self, portal: Portal):
        call_command("grant_caseworker", CASEWORKER_PID)
        browser, _ = portal.login(pid=CASEWORKER_PID, eid="MinID")

        start = browser.get(f"{portal.url}/saksbehandler/", allow_redirects=False, timeout=10)
        assert start.headers["Location"] == "/logg-inn/?next=%2Fsaksbehandler%2F&level=high"
        page = portal.follow(browser, start)
        done = portal.submit(browser, page, pid=CASEWORKER_PID, eid="BankID")

        assert portal.path_of(done) == "/saksbehandler/"
        assert done.status_code == 200

    def test_a_revoke_takes_the_permission_back_at_once(self, portal: Portal):
        call_command("grant_caseworker", CASEWORKER_PID)
        browser, _ = portal.login(pid=CASEWORKER_PID, eid="BankID")
        caseworker = CaseworkerGrant.objects.get().user

        call_command("grant_caseworker", CASEWORKER_PID, "--revoke")

        assert not fresh(caseworker).has_perm(PREVIEW)
        start = browser.get(f"{portal.url}/saksbehandler/", allow_redirects=False, timeout=10)
        assert start.status_code == 404
