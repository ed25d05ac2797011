// The sync module's SQL. The relay's read joins the dossier module's tables (dossiers,
// dossier_events, agencies) read-only: the national record is built from them at publish time.
#pragma once

#include "db/database.hpp"

namespace motcua::sync::store {

// Member side.
extern const db::Query kTakeLease, kPendingEvents, kMarkSent, kOutboxDepth, kPurgeSent, kResync;
extern const db::Query kMemberLatest, kPaidItems, kProcedureRecord;
// Portal side.
extern const db::Query kUpsertDossiersPg, kUpsertDossiersSqlite, kInsertProgressPg, kInsertProgressSqlite;
extern const db::Query kMemberEventsPg, kMemberEventsSqlite, kMemberRejected, kMemberByClient, kUpsertMember, kMembers;
extern const db::Query kCurrentSeq, kNationalByCode, kNationalProgress, kNationalMine, kCountNationalMine, kAccountPersonalId;
extern const db::Query kNationalOthers, kCountNationalOthers;
extern const db::Query kStatsByMember, kStatsByProcedure, kStatsByStatus, kMemberDossiers;

}  // namespace motcua::sync::store
