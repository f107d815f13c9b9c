"""SQLAlchemy 2.0 typed models, split by aggregate."""

from matchmaker.orm.accounts import Role, User
from matchmaker.orm.agreements import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    AgreementFile,
    AgreementKind,
    AgreementStatus,
    Signatory,
    SignatoryStatus,
    Signature,
    SigningOrder,
)
from matchmaker.orm.api_tokens import ApiToken
from matchmaker.orm.auth_events import AuthEvent, AuthEventKind
from matchmaker.orm.base import Base, utcnow
from matchmaker.orm.briefing import BriefingFeature
from matchmaker.orm.company import Company, CompanyStatus, InterestProfile, ProfileStatus
from matchmaker.orm.engagements import (
    Engagement,
    EngagementKind,
    EngagementMode,
    EngagementStatus,
    FollowUp,
    Outcome,
    OutcomeKind,
)
from matchmaker.orm.imports import ImportBatch, ImportStatus
from matchmaker.orm.introductions import (
    Introduction,
    IntroductionBlock,
    IntroductionEvent,
    IntroductionMessage,
    IntroductionStage,
)
from matchmaker.orm.mfa import MfaCredential, MfaRecoveryCode
from matchmaker.orm.ops import BackgroundJob, EmailStatus, JobStatus, OutboxEmail
from matchmaker.orm.org import City, Office, OfficeKind
from matchmaker.orm.priority import Priority, PriorityStatus
from matchmaker.orm.rerank import IN_PROGRESS, RerankChunk, RerankRun, RerankStatus
from matchmaker.orm.routing import RoutingRule, SensitiveCountry
from matchmaker.orm.sessions import SessionEnd, UserSession
from matchmaker.orm.suggestion import RERANKABLE, ReviewEvent, Suggestion, SuggestionStatus

__all__ = [
    "ApiToken",
    "RERANKABLE",
    "Agreement",
    "AgreementDocument",
    "AgreementEvent",
    "AgreementFile",
    "AgreementKind",
    "AgreementStatus",
    "Signatory",
    "SignatoryStatus",
    "Signature",
    "SigningOrder",
    "AuthEvent",
    "AuthEventKind",
    "BackgroundJob",
    "Base",
    "BriefingFeature",
    "JobStatus",
    "City",
    "Company",
    "CompanyStatus",
    "EmailStatus",
    "Engagement",
    "EngagementKind",
    "EngagementMode",
    "EngagementStatus",
    "FollowUp",
    "Outcome",
    "OutcomeKind",
    "ImportBatch",
    "ImportStatus",
    "InterestProfile",
    "Introduction",
    "IntroductionBlock",
    "IntroductionEvent",
    "IntroductionMessage",
    "IntroductionStage",
    "Office",
    "OfficeKind",
    "OutboxEmail",
    "Priority",
    "IN_PROGRESS",
    "RerankChunk",
    "RerankRun",
    "RerankStatus",
    "PriorityStatus",
    "ProfileStatus",
    "ReviewEvent",
    "Role",
    "Suggestion",
    "SuggestionStatus",
    "User",
    "utcnow",
    "RoutingRule",
    "SensitiveCountry",
    "MfaCredential",
    "MfaRecoveryCode",
    "SessionEnd",
    "UserSession",
]
