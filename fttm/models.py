"""Every model of fttm in one import, for migrations, the shell and tests."""

from fttm.auth.models import FailedLogin, Role, Team, User
from fttm.board.models import (
    Action,
    ActionStatus,
    Goal,
    Note,
    Objective,
    SafetyRating,
    SafetyStep,
    SafetyStepKind,
    Strength,
    Worry,
)
from fttm.cases.models import Case
from fttm.family_map.models import (
    ConnectionStrength,
    EcomapConnection,
    EnergyFlow,
    Household,
    Person,
    Relationship,
    RelationshipKind,
    Sex,
)
from fttm.meetings.models import (
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Participant,
    ParticipantStatus,
)
from fttm.plans.models import (
    Agreement,
    AgreementResponse,
    CopyMethod,
    Endorsement,
    EndorsementDecision,
    FamilyCopy,
    PlanVersion,
)
from fttm.transcript.models import TranscriptEvent, TranscriptRead

__all__ = [
    "Action",
    "ActionStatus",
    "Agreement",
    "AgreementResponse",
    "Case",
    "ConnectionStrength",
    "CopyMethod",
    "EcomapConnection",
    "Endorsement",
    "EndorsementDecision",
    "EnergyFlow",
    "FailedLogin",
    "FamilyCopy",
    "Goal",
    "Household",
    "Meeting",
    "MeetingPurpose",
    "MeetingStatus",
    "Note",
    "Objective",
    "Participant",
    "ParticipantStatus",
    "Person",
    "PlanVersion",
    "Relationship",
    "RelationshipKind",
    "Role",
    "SafetyRating",
    "SafetyStep",
    "SafetyStepKind",
    "Sex",
    "Strength",
    "Team",
    "TranscriptEvent",
    "TranscriptRead",
    "User",
    "Worry",
]
