"""The emulator's records. People and their login log are what the two APIs answer from."""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    """A citizen known to ID-porten: one who has logged in at least once."""

    pid = models.CharField(max_length=11, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.pid[:6]}*****"


class LoginEvent(models.Model):
    """One line of ID-porten's login log, as the login-history API returns it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="logins")
    timestamp = models.DateTimeField()
    service_name = models.CharField(max_length=200)  # "tjeneste"
    eid = models.CharField(max_length=50)  # "MinID PIN", "BankID", "Federated", ...
    integration_id = models.CharField(max_length=200)  # the client_id, "integrasjon_id"
    orgno = models.CharField(max_length=9)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            # "this person's logins, newest first" and the same "for one organisation".
            models.Index(fields=["person", "-timestamp"], name="login_person_time"),
            models.Index(fields=["person", "orgno", "-timestamp"], name="login_person_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.service_name} {self.eid}"
