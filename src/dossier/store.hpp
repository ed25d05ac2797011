// The dossier module's SQL: named queries in the subset both engines accept.
#pragma once

#include "db/database.hpp"

namespace motcua::dossier::store {

/// Columns of kDossierByCode / kDossierById, in this order.
enum Col {
  kId, kCode, kProcedureCode, kProcedureName, kCaseCode, kCaseName, kChannel, kAgencyId, kAgencyPath,
  kHandlingAgencyId, kHandlingPath, kOwner, kApplicantName, kApplicantIdNumber, kBody, kSummary,
  kStatus, kStage, kResumeStatus, kResumeStage, kAssignee, kSubmittedAt, kReceivedAt, kDueAt, kStepDueAt,
  kFinishedAt, kReturnedAt, kDurationMinutes, kDurationUnit, kSupplements, kApologies, kAtRisk, kOverdue,
  kBundleId, kVersion,
};

extern const db::Query kInsertAttachment, kFindAttachment, kClaimAttachment;
extern const db::Query kAgencyByCode, kAgencyById, kAccountProfile, kAccountByPersonalId, kOfficers;
extern const db::Query kFindConfig, kConfigRevision, kUpsertConfig, kUpsertConfigIf;
extern const db::Query kNextSequence, kFindIdempotency, kInsertIdempotency;
extern const db::Query kInsertDossier, kDossierCode, kTrackRowsPg, kTrackRowsSqlite, kDossierByCode, kDossierById, kUpdateDossier, kSetResume;
extern const db::Query kInsertEvent, kEvents, kMaxEventSeq;
extern const db::Query kInsertParticipant, kParticipants, kAnswerParticipant;
extern const db::Query kInsertStep, kFinishStep, kOpenStep, kSteps, kMarkLateSteps;
extern const db::Query kDrafts, kInsertDraft, kUpdateDraft, kFindDraft, kDeleteDraft;
extern const db::Query kFindRating, kInsertRating, kUpdateRating;
extern const db::Query kMine, kCountMine, kInbox, kCountInbox, kRegister;
extern const db::Query kWatchCandidates, kMarkAtRisk, kMarkOverdue;
extern const db::Query kInsertBundle, kFindBundle, kBundleChildren, kCloneAttachment;

}  // namespace motcua::dossier::store
