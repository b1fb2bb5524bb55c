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
from fttm.family_time.models import DraftStatus, FamilyDraft
from fttm.meetings.models import (
    Meeting,
    MeetingPurpose,
    MeetingStatus,
    Participant,
    ParticipantStatus,
    PlusDelta,
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
from fttm.voices.models import AbsentVoice, VoiceSource

__all__ = [
    "AbsentVoice",
    "Action",
    "ActionStatus",
    "Agreement",
    "AgreementResponse",
    "Case",
    "ConnectionStrength",
    "CopyMethod",
    "DraftStatus",
    "EcomapConnection",
    "Endorsement",
    "EndorsementDecision",
    "EnergyFlow",
    "FailedLogin",
    "FamilyCopy",
    "FamilyDraft",
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
    "PlusDelta",
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
    "VoiceSource",
    "Worry",
]
