from people.models.checkins import CheckIn, CheckInCadence, CheckInEvent, CheckInRating
from people.models.growth import LogEntry
from people.models.outbox import OutgoingEmail
from people.models.person import (
    LevelChange,
    Person,
    PersonAttribute,
    PersonQuerySet,
    reporting_line_problem,
)
from people.models.progression import (
    CalibrationCycle,
    Comment,
    Evidence,
    Proposal,
    ProposalEvent,
)
from people.models.tallies import CycleTally

__all__ = [
    "CalibrationCycle",
    "CheckIn",
    "CheckInCadence",
    "CheckInEvent",
    "CheckInRating",
    "Comment",
    "CycleTally",
    "Evidence",
    "LevelChange",
    "LogEntry",
    "OutgoingEmail",
    "Person",
    "PersonAttribute",
    "PersonQuerySet",
    "Proposal",
    "ProposalEvent",
    "reporting_line_problem",
]
