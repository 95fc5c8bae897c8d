from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """Mail written in the same transaction as the change it reports, sent after it
    commits. A mail server that fails leaves the row to retry; the change stands."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outgoing_email_unsent_idx",
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"
