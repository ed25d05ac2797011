// The payment module's SQL: named queries in the subset both engines accept.
#pragma once

#include "db/database.hpp"

namespace motcua::payment::store {

/// Columns of kTransactionByReference / kTransactionById.
enum TxnCol { kTId, kTRequestId, kTReference, kTAccount, kTAmount, kTCurrency, kTState, kTPayUrl, kTPlatformTxn, kTCreatedAt,
              kTRequestState, kTDossierId, kTDossierCode, kTAgencyId, kTQueries, kTNextQueryAt, kTItems, kTTypeCode };

extern const db::Query kInsertRequest, kProcedureTypeCode, kOpenRequests, kRequestsOfDossier, kSetRequestState, kAnyOpenRequest, kRequestById;
extern const db::Query kInsertTransaction, kTransactionByReference, kPgTransactionForVerdict, kTransactionByKey, kTransactionsOfDossier, kSetPayUrl,
    kSettleTransaction, kPgSettleWithLedger, kPgSettleAndClose, kPgIssueReceipts, kFailTransaction, kCancelPendingOfRequest, kDueForQuery, kClaimQuery, kStopQuerying;
extern const db::Query kInsertLedger, kLedgerOfDossier, kLedger, kSettledBetween;
extern const db::Query kNextReceiptNumber, kNextReceiptNumbers2, kInsertReceipts2, kInsertReceipt, kReceiptsOfDossier, kReceiptByReference;
extern const db::Query kRefundsOfDossier, kMarkRefunded, kExpireTransaction, kAgencyOfReference;

}  // namespace motcua::payment::store
