// The feedback module's SQL: named queries in the subset both engines accept.
#pragma once

#include "db/database.hpp"

namespace motcua::feedback::store {

/// Columns of the item queries (kByCode, kMine, kInbox*, …).
enum Col {
  kId, kCode, kSource, kAccountId, kEnteredBy, kApiKeyId, kFullName, kEmail, kPhone, kAddress, kCategory, kTitle,
  kContent, kProcedureCode, kDossierCode, kLocation, kLat, kLon, kMediaUrl, kDeviceId, kAgencyId, kStatus,
  kClassification, kDueAt, kMergedInto, kAnswer, kAnsweredAt, kPublicTitle, kPublicContent, kPublicAnswer,
  kPublishedAt, kRating, kRatingComment, kReceivedAt, kUpdatedAt, kAgencyCode, kAgencyName, kAgencyPath,
  kMergedIntoCode, kFolded, kAgencyNameEn
};

extern const db::Query kNextSequence, kInsert, kByCode, kById, kUpdate, kRate, kInsertEvent, kEvents;
extern const db::Query kMine, kCountMine, kInboxAll, kInboxOpen, kInboxAtRisk, kInboxOverdue, kInboxClosed, kCountInbox;
extern const db::Query kSimilarCandidates, kMergedOf, kAnswerMerged, kPublished, kOverdue, kClaimOverdue;
extern const db::Query kOpen311List;
extern const db::Query kInsertKey, kKeyByHash, kKeyUsed, kKeys, kRevokeKey;
extern const db::Query kLookupHash, kSetLookupHash;
extern const db::Query kAgencyByCode, kAgencyById, kRootAgency, kDossierAgency, kAccountContact;
extern const db::Query kAttachment, kAttachmentUsed, kInsertAttachment, kAttachmentsOf;
extern const db::Query kInsertQuestion, kQuestionById, kQuestionsOf, kQuestionInbox, kAnswerQuestion, kPublishQuestion;

}  // namespace motcua::feedback::store
