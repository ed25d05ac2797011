// The storage layer against both engines: queries, transactions, pool, migrations, blobs —
// including work interrupted half-way.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "db/blob_store.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "crypto/sha256.hpp"
#include "support/test_env.hpp"

namespace motcua::testing {
namespace {

using db::Query;

constexpr Query kCreate{"t_create",
                        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                        "price BIGINT, ratio DOUBLE PRECISION, data BYTEA)"};
constexpr Query kInsert{"t_insert",
                        "INSERT INTO items (id, name, price, ratio, data) VALUES ($1, $2, $3, $4, $5)"};
constexpr Query kSelect{"t_select", "SELECT id, name, price, ratio, data FROM items WHERE id = $1"};
constexpr Query kCount{"t_count", "SELECT count(*) FROM items"};
constexpr Query kByName{"t_by_name", "SELECT id FROM items WHERE name = $2 AND id > $1"};

class StorageTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    test_db_ = std::make_unique<TestDatabase>(GetParam());
    if (!test_db_->available()) GTEST_SKIP() << "MOTCUA_TEST_PG_URL is not set";
    db_ = db::Database::Open(test_db_->url(), {.size = 3, .acquire_timeout = std::chrono::milliseconds(300)});
  }
  void CreateItems() {
    auto conn = db_->Acquire();
    // SQLite has no BYTEA/DOUBLE PRECISION keywords as types but accepts any type name.
    conn->ExecuteScript(std::string(kCreate.sql));
  }
  std::int64_t Count() { return db_->Acquire()->Execute(kCount).Int(0, 0); }
  std::unique_ptr<TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, StorageTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

TEST_P(StorageTest, ValuesRoundTripWithTheirTypes) {
  CreateItems();
  auto conn = db_->Acquire();
  std::string binary("\x00\x01\xff\x80tail", 8);
  conn->Execute(kInsert, {std::int64_t{1}, std::string("Hộ tịch — khai sinh"), std::int64_t{8'000'000'000},
                          0.25, db::Bytes{binary}});
  conn->Execute(kInsert, {std::int64_t{2}, std::string("null fields"), nullptr, nullptr, nullptr});
  auto r = conn->Execute(kSelect, {std::int64_t{1}});
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.Int(0, 0), 1);
  EXPECT_EQ(r.Text(0, 1), "Hộ tịch — khai sinh");
  EXPECT_EQ(r.Int(0, 2), 8'000'000'000);
  EXPECT_DOUBLE_EQ(std::get<double>(r.rows[0][3]), 0.25);
  EXPECT_EQ(r.Blob(0, 4).data, binary);
  auto n = conn->Execute(kSelect, {std::int64_t{2}});
  EXPECT_TRUE(n.IsNull(0, 2));
  EXPECT_FALSE(n.OptText(0, 4).has_value());
  // Parameters may appear in any order in the SQL.
  auto by_name = conn->Execute(kByName, {std::int64_t{0}, std::string("null fields")});
  EXPECT_EQ(by_name.Int(0, 0), 2);
}

TEST_P(StorageTest, StatementsAreCachedByNameAndNamesAreUnique) {
  CreateItems();
  auto conn = db_->Acquire();
  for (std::int64_t i = 1; i <= 50; ++i) {  // one prepared statement, reused
    conn->Execute(kInsert, {i, "n" + std::to_string(i), nullptr, nullptr, nullptr});
  }
  EXPECT_EQ(conn->Execute(kCount).Int(0, 0), 50);
  constexpr Query kClash{"t_count", "SELECT 1"};  // same name, other SQL: a programming error
  EXPECT_THROW(conn->Execute(kClash), std::logic_error);
}

TEST_P(StorageTest, TransactionsCommitOrRollBackAsAWhole) {
  CreateItems();
  {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{1}, std::string("a"), nullptr, nullptr, nullptr});
    tx.Commit();
  }
  try {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{2}, std::string("b"), nullptr, nullptr, nullptr});
    // A failure half-way: the duplicate name aborts the unit of work.
    conn->Execute(kInsert, {std::int64_t{3}, std::string("a"), nullptr, nullptr, nullptr});
    tx.Commit();
    FAIL() << "duplicate accepted";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUniqueViolation) << e.what();
  }
  EXPECT_EQ(Count(), 1) << "nothing of the failed transaction remains";
  // The pool still works after the failure.
  {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{2}, std::string("b"), nullptr, nullptr, nullptr});
    // No Commit(): destroyed → rolled back.
  }
  EXPECT_EQ(Count(), 1);
}

// What one connection's open transaction wrote is seen by no other connection until it commits,
// and then by every one of them, whichever connection wrote — on SQLite every connection's
// writes go through one shared handle while reads stay on the connection's own.
TEST_P(StorageTest, WritesOfEveryConnectionAreIsolatedUntilCommitThenSeenByAll) {
  CreateItems();
  const db::Query by_name{"t_items_by_name", "SELECT count(*) FROM items WHERE name = $1"};
  auto a = db_->Acquire();
  auto b = db_->Acquire();
  auto c = db_->Acquire();
  auto seen = [&](db::Connection& conn, const std::string& name) { return conn.Execute(by_name, {name}).Int(0, 0); };
  {
    db::Transaction tx(*a);
    a->Execute(kInsert, {std::int64_t{1}, std::string("from-a"), nullptr, nullptr, nullptr});
    EXPECT_EQ(seen(*a, "from-a"), 1) << "a transaction sees its own write";
    EXPECT_EQ(seen(*b, "from-a"), 0) << "another connection does not see an open transaction";
    tx.Commit();
  }
  EXPECT_EQ(seen(*b, "from-a"), 1);
  EXPECT_EQ(seen(*c, "from-a"), 1);
  // A write outside a transaction, then a transaction that is rolled back on another connection.
  b->Execute(kInsert, {std::int64_t{2}, std::string("from-b"), nullptr, nullptr, nullptr});
  {
    db::Transaction tx(*c);
    EXPECT_EQ(seen(*c, "from-b"), 1);
    c->Execute(kInsert, {std::int64_t{3}, std::string("from-c"), nullptr, nullptr, nullptr});
  }
  EXPECT_EQ(seen(*a, "from-c"), 0) << "the rolled-back row is gone for everyone";
  EXPECT_EQ(seen(*c, "from-c"), 0);
  // A failed statement inside a transaction: the transaction rolls back and the next one, on
  // another connection, starts cleanly.
  try {
    db::Transaction tx(*a);
    a->Execute(kInsert, {std::int64_t{4}, std::string("kept-out"), nullptr, nullptr, nullptr});
    a->Execute(kInsert, {std::int64_t{5}, std::string("from-a"), nullptr, nullptr, nullptr});
    tx.Commit();
    FAIL() << "duplicate accepted";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUniqueViolation) << e.what();
  }
  {
    db::Transaction tx(*b);
    b->Execute(kInsert, {std::int64_t{6}, std::string("after"), nullptr, nullptr, nullptr});
    tx.Commit();
  }
  EXPECT_EQ(seen(*c, "kept-out"), 0);
  EXPECT_EQ(seen(*a, "after"), 1);
  EXPECT_EQ(c->Execute(kCount).Int(0, 0), 3);
}

// Writes queued with ExecuteLater keep their order with the statements around them; a failing
// one is thrown by the statement or the commit that carries it, and nothing of the transaction
// is committed.
TEST_P(StorageTest, QueuedWritesGoOutInOrderAndFailWithWhatCarriesThem) {
  CreateItems();
  const db::Query rename{"t_items_rename", "UPDATE items SET name = $2 WHERE id = $1"};
  const db::Query name_of{"t_items_name", "SELECT name FROM items WHERE id = $1"};
  {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->ExecuteLater(kInsert, {std::int64_t{1}, std::string("a"), nullptr, nullptr, nullptr});
    conn->ExecuteLater(rename, {std::int64_t{1}, std::string("b")});
    EXPECT_EQ(conn->Execute(name_of, {std::int64_t{1}}).Text(0, 0), "b") << "both queued writes ran first, in order";
    conn->ExecuteLater(kInsert, {std::int64_t{2}, std::string("c"), nullptr, nullptr, nullptr});
    tx.Commit();  // carries the last one
  }
  EXPECT_EQ(Count(), 2);
  // A queued duplicate fails the statement that carries it.
  try {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->ExecuteLater(kInsert, {std::int64_t{3}, std::string("d"), nullptr, nullptr, nullptr});
    conn->ExecuteLater(kInsert, {std::int64_t{4}, std::string("b"), nullptr, nullptr, nullptr});
    conn->Execute(name_of, {std::int64_t{1}});
    FAIL() << "duplicate accepted";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUniqueViolation) << e.what();
  }
  // ... or the commit that carries it.
  try {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{5}, std::string("e"), nullptr, nullptr, nullptr});
    conn->ExecuteLater(kInsert, {std::int64_t{6}, std::string("c"), nullptr, nullptr, nullptr});
    tx.Commit();
    FAIL() << "duplicate accepted";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUniqueViolation) << e.what();
  }
  EXPECT_EQ(Count(), 2) << "nothing of either failed transaction remains";
  // A transaction rolled back with writes still queued sends none of them; the connection
  // serves the next transaction normally, and outside a transaction a write runs at once.
  {
    auto conn = db_->Acquire();
    {
      db::Transaction tx(*conn);
      conn->ExecuteLater(kInsert, {std::int64_t{7}, std::string("f"), nullptr, nullptr, nullptr});
    }
    conn->ExecuteLater(kInsert, {std::int64_t{8}, std::string("g"), nullptr, nullptr, nullptr});
  }
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(db_->Acquire()->Execute(name_of, {std::int64_t{7}}).rows.size(), 0u);
}

// A queued write told how many rows it must change: a match goes through; a miss is thrown as
// kRowCount by the statement that carries it, once every statement before it has run, and the
// transaction rolls back with nothing kept.
TEST_P(StorageTest, AQueuedWriteThatMustChangeOneRowFailsWhenItChangesNone) {
  CreateItems();
  const db::Query take{"t_items_take", "UPDATE items SET name = $2 WHERE id = $1 AND name = 'free'"};
  const db::Query name_of{"t_items_name", "SELECT name FROM items WHERE id = $1"};
  db_->Acquire()->Execute(kInsert, {std::int64_t{1}, std::string("free"), nullptr, nullptr, nullptr});
  {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->ExecuteLater(take, {std::int64_t{1}, std::string("mine")}, 1);
    EXPECT_EQ(conn->Execute(name_of, {std::int64_t{1}}).Text(0, 0), "mine");
    tx.Commit();
  }
  try {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->ExecuteLater(kInsert, {std::int64_t{2}, std::string("b"), nullptr, nullptr, nullptr});
    conn->ExecuteLater(take, {std::int64_t{1}, std::string("theirs")}, 1);  // already taken
    conn->ExecuteLater(kInsert, {std::int64_t{3}, std::string("c"), nullptr, nullptr, nullptr});
    conn->Execute(name_of, {std::int64_t{1}});
    FAIL() << "a claim that changed nothing went through";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kRowCount) << e.what();
    EXPECT_NE(std::string(e.what()).find("t_items_take"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Count(), 1) << "nothing of the failed transaction remains";
  EXPECT_EQ(db_->Acquire()->Execute(name_of, {std::int64_t{1}}).Text(0, 0), "mine");
}

// A transaction that defers its durability commits like any other, with queued writes too,
// and the setting ends with it: the connection's next transaction waits for the disk again.
TEST_P(StorageTest, DeferredDurabilityCommitsAndEndsWithItsTransaction) {
  CreateItems();
  auto conn = db_->Acquire();
  // The tests' cluster runs without synchronous commit; this connection asks for it.
  if (conn->GetEngine() == db::Engine::kPostgres) conn->ExecuteScript("SET synchronous_commit TO on");
  {
    db::Transaction tx(*conn);
    conn->DeferDurability();
    conn->Execute(kInsert, {std::int64_t{1}, std::string("a"), nullptr, nullptr, nullptr});
    conn->ExecuteLater(kInsert, {std::int64_t{2}, std::string("b"), nullptr, nullptr, nullptr});
    tx.Commit();
  }
  {
    db::Transaction tx(*conn);
    conn->DeferDurability();
    conn->Execute(kInsert, {std::int64_t{3}, std::string("c"), nullptr, nullptr, nullptr});
    // not committed: rolled back, and the deferral goes with it
  }
  EXPECT_EQ(conn->Execute(kCount).Int(0, 0), 2);
  if (conn->GetEngine() == db::Engine::kSqlite) {
    // SQLite: NORMAL (1) for a transaction that deferred before its first statement, FULL (2)
    // again after it and for one that asked too late; the commits count either way.
    const db::Query level{"t_sqlite_synchronous", "PRAGMA synchronous"};
    {
      db::Transaction tx(*conn);
      EXPECT_EQ(conn->Execute(level).Int(0, 0), 2) << "the rolled-back deferral ended with its transaction";
    }
    {
      db::Transaction tx(*conn);
      conn->DeferDurability();
      conn->Execute(kInsert, {std::int64_t{5}, std::string("e"), nullptr, nullptr, nullptr});
      EXPECT_EQ(conn->Execute(level).Int(0, 0), 1);
      tx.Commit();
    }
    {
      db::Transaction tx(*conn);
      conn->Execute(kInsert, {std::int64_t{6}, std::string("f"), nullptr, nullptr, nullptr});
      conn->DeferDurability();
      EXPECT_EQ(conn->Execute(level).Int(0, 0), 2) << "asked after a statement: the commit stays durable";
      tx.Commit();
    }
    auto other = db_->Acquire();  // the file's other connections write through the same handle
    db::Transaction tx(*other);
    EXPECT_EQ(other->Execute(level).Int(0, 0), 2);
    EXPECT_EQ(other->Execute(kCount).Int(0, 0), 4);
  }
  if (conn->GetEngine() == db::Engine::kPostgres) {
    const db::Query setting{"t_synchronous_commit", "SELECT current_setting('synchronous_commit')"};
    EXPECT_EQ(conn->Execute(setting).Text(0, 0), "on");
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{4}, std::string("d"), nullptr, nullptr, nullptr});
    EXPECT_EQ(conn->Execute(setting).Text(0, 0), "on") << "a transaction that did not defer waits for the disk";
    tx.Commit();
  }
}

// Group commits: writers that all take one counter row commit every increment, none lost or
// doubled, with the flush that makes each durable (PostgreSQL: the connection's own write after
// the commit, counted in its row of commit_barriers) done after the lock is let go.
TEST_P(StorageTest, GroupCommitsOfWritersThatShareARowAllLandAndEachIsFlushed) {
  auto migrations = db::MigrationsFor(db_->GetEngine(), db::EmbeddedMigrations());
  ASSERT_TRUE(db::Migrate(*db_, migrations).has_value());
  CreateItems();
  db_->Acquire()->Execute(kInsert, {std::int64_t{1}, std::string("counter"), std::int64_t{0}, nullptr, nullptr});
  const db::Query bump{"t_items_bump", "UPDATE items SET price = price + 1 WHERE id = 1"};
  const db::Query price{"t_items_price", "SELECT price FROM items WHERE id = 1"};
  const db::Query flushed{"t_barrier_n", "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM commit_barriers"};
  const bool pg = db_->GetEngine() == db::Engine::kPostgres;
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto conn = db_->Acquire();
        db::Transaction tx(*conn);
        conn->GroupCommit();
        conn->ExecuteLater(bump, {}, 1);
        std::int64_t id = 100 + t * 100 + i;
        // Half go out with the COMMIT (PostgreSQL: the flush in the same pipeline), half before.
        if (i % 2 == 0) conn->ExecuteLater(kInsert, {id, "item-" + std::to_string(id), nullptr, nullptr, nullptr});
        else conn->Execute(kInsert, {id, "item-" + std::to_string(id), nullptr, nullptr, nullptr});
        tx.Commit();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(db_->Acquire()->Execute(price).Int(0, 0), 60);
  EXPECT_EQ(Count(), 61);
  if (pg) {
    EXPECT_EQ(db_->Acquire()->Execute(flushed).Int(0, 0), 60) << "one durable write after every group commit";
  }
  // A rolled-back group commit flushes nothing and leaves the connection as it was.
  {
    auto conn = db_->Acquire();
    {
      db::Transaction tx(*conn);
      conn->GroupCommit();
      conn->Execute(bump);
    }
    db::Transaction tx(*conn);
    conn->Execute(bump);
    tx.Commit();
  }
  EXPECT_EQ(db_->Acquire()->Execute(price).Int(0, 0), 61);
  if (pg) {
    EXPECT_EQ(db_->Acquire()->Execute(flushed).Int(0, 0), 60);
  }
}

// When the flush after a group commit fails, the caller hears that the transaction committed
// but is not known to be on disk (kUnavailable), and its writes are there; the next one flushes.
TEST_P(StorageTest, AGroupCommitWhoseFlushFailsSaysSoAndStaysCommitted) {
  auto migrations = db::MigrationsFor(db_->GetEngine(), db::EmbeddedMigrations());
  ASSERT_TRUE(db::Migrate(*db_, migrations).has_value());
  CreateItems();
  const bool pg = db_->GetEngine() == db::Engine::kPostgres;
  // Make the flush fail: the barrier's row refused by a constraint, or the WAL file's name gone.
  std::string wal = test_db_->url().substr(std::string("sqlite:").size()) + "-wal";
  auto break_flush = [&] {
    if (pg) db_->Acquire()->ExecuteScript("ALTER TABLE commit_barriers ADD CONSTRAINT t_refuse CHECK (n < 0)");
    else std::filesystem::rename(wal, wal + ".away");
  };
  auto mend_flush = [&] {
    if (pg) db_->Acquire()->ExecuteScript("ALTER TABLE commit_barriers DROP CONSTRAINT t_refuse");
    else std::filesystem::rename(wal + ".away", wal);
  };
  db_->Acquire()->Execute(kInsert, {std::int64_t{1}, std::string("a"), nullptr, nullptr, nullptr});  // the WAL exists
  auto writer = db_->Acquire();  // opened before the WAL's name goes away
  break_flush();
  try {
    auto& conn = writer;
    db::Transaction tx(*conn);
    conn->GroupCommit();
    conn->ExecuteLater(kInsert, {std::int64_t{2}, std::string("b"), nullptr, nullptr, nullptr});
    tx.Commit();
    ADD_FAILURE() << "a group commit answered without its flush";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUnavailable) << e.what();
    EXPECT_NE(std::string(e.what()).find("not known to be on disk"), std::string::npos) << e.what();
  }
  mend_flush();
  EXPECT_EQ(Count(), 2) << "the transaction committed";
  auto conn = db_->Acquire();
  db::Transaction tx(*conn);
  conn->GroupCommit();
  conn->Execute(kInsert, {std::int64_t{3}, std::string("c"), nullptr, nullptr, nullptr});
  tx.Commit();
  conn->AwaitDurable();
  EXPECT_EQ(Count(), 3);
}

// The last statement sent with the commit (PostgreSQL: one pipeline): its rows are answered and
// committed; when it fails, nothing of the transaction is committed, the error is the
// statement's, and the connection serves the next transaction normally.
TEST_P(StorageTest, ALastStatementSentWithTheCommitCommitsOrFailsWithIt) {
  CreateItems();
  const db::Query returning{"storage_insert_returning", "INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id"};
  {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{1}, std::string("a"), nullptr, nullptr, nullptr});
    auto r = tx.ExecuteThenCommit(returning, {std::int64_t{2}, std::string("b")});
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.Int(0, 0), 2);
  }
  EXPECT_EQ(Count(), 2);
  try {
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{3}, std::string("c"), nullptr, nullptr, nullptr});
    tx.ExecuteThenCommit(returning, {std::int64_t{4}, std::string("a")});  // the duplicate name
    FAIL() << "duplicate accepted";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUniqueViolation) << e.what();
  }
  EXPECT_EQ(Count(), 2) << "nothing of the failed transaction remains";
  for (int i = 0; i < 3; ++i) {  // the connections that ran it still work, in and out of transactions
    auto conn = db_->Acquire();
    db::Transaction tx(*conn);
    conn->Execute(kInsert, {std::int64_t{10 + i}, std::string("n") + std::to_string(i), nullptr, nullptr, nullptr});
    tx.Commit();
  }
  EXPECT_EQ(Count(), 5);
}

TEST_P(StorageTest, AReadBatchSeesOneSnapshotOnSqliteAndRefusesWrites) {
  CreateItems();
  const Query count{"t_items_count", "SELECT count(*) FROM items"};
  {
    auto conn = db_->Acquire();
    conn->Execute(kInsert, {std::int64_t{1}, std::string("a"), nullptr, nullptr, nullptr});
  }
  {
    auto reader = db_->Acquire();
    db::ReadBatch batch(*reader);
    EXPECT_EQ(reader->Execute(count).Int(0, 0), 1);
    {
      auto writer = db_->Acquire();  // another connection commits meanwhile
      writer->Execute(kInsert, {std::int64_t{2}, std::string("b"), nullptr, nullptr, nullptr});
    }
    if (GetParam() == "sqlite") {
      EXPECT_EQ(reader->Execute(count).Int(0, 0), 1) << "one snapshot for the whole batch";
      EXPECT_THROW(reader->Execute(kInsert, {std::int64_t{3}, std::string("c"), nullptr, nullptr, nullptr}), db::DbError);
    } else {
      EXPECT_EQ(reader->Execute(count).Int(0, 0), 2) << "each read on its own";
    }
  }
  // After the batch the connection reads the latest data and writes again.
  auto conn = db_->Acquire();
  EXPECT_EQ(conn->Execute(count).Int(0, 0), 2);
  {
    db::Transaction tx(*conn);
    db::ReadBatch inside(*conn);  // nothing inside a transaction
    conn->Execute(kInsert, {std::int64_t{4}, std::string("d"), nullptr, nullptr, nullptr});
    tx.Commit();
  }
  EXPECT_EQ(Count(), 3);
}

TEST_P(StorageTest, PoolIsBoundedAndTimesOut) {
  auto a = db_->Acquire();
  auto b = db_->Acquire();
  auto c = db_->Acquire();
  EXPECT_EQ(db_->InUse(), 3u);
  try {
    auto d = db_->Acquire();
    FAIL() << "a fourth connection was handed out";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::DbError::Kind::kUnavailable);
  }
  std::thread release([l = std::move(a)]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto gone = std::move(l);
  });
  auto d = db_->Acquire();  // waits for the released one
  release.join();
  EXPECT_EQ(db_->InUse(), 3u);
}

TEST_P(StorageTest, ConcurrentWritersAllLand) {
  CreateItems();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        auto conn = db_->Acquire();
        db::Transaction tx(*conn);
        std::int64_t id = t * 1000 + i;
        conn->Execute(kInsert, {id, "item-" + std::to_string(id), nullptr, nullptr, nullptr});
        tx.Commit();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Count(), 100);
}

// SQLite: commits no longer copy the WAL back into the database file themselves; a thread of
// the database does, and the WAL starts over even while writers never pause (db/sqlite.cpp).
TEST(SqliteStorage, CheckpointsBehindSteadyWritersAndTheWalStartsOver) {
  TestDatabase test_db("sqlite");
  auto db = db::Database::Open(test_db.url(), {.size = 2});
  auto conn = db->Acquire();
  conn->ExecuteScript(std::string(kCreate.sql));
  const std::string wal = test_db.url().substr(std::string("sqlite:").size()) + "-wal";
  const std::string page(4000, 'x');  // about a page a row
  constexpr int kTransactions = 640, kRows = 64;  // about 160 MiB of WAL written in all
  std::uintmax_t largest = 0;
  for (int t = 0; t < kTransactions; ++t) {
    db::Transaction tx(*conn);
    for (int r = 0; r < kRows; ++r) {
      std::int64_t id = std::int64_t{t} * kRows + r;
      conn->ExecuteLater(kInsert, {id, "item-" + std::to_string(id), nullptr, nullptr, db::Bytes{page}});
    }
    tx.Commit();
    largest = std::max(largest, std::filesystem::file_size(wal));
  }
  EXPECT_EQ(conn->Execute(kCount).Int(0, 0), std::int64_t{kTransactions} * kRows);
  const std::uintmax_t written = std::uintmax_t{kTransactions} * kRows * page.size();
  EXPECT_LT(largest, written / 2) << "the WAL started over (" << largest << " bytes at most, " << written << " written)";
}

TEST_P(StorageTest, MigrationsApplyOnceAndDetectEdits) {
  auto migrations = db::MigrationsFor(db_->GetEngine(), db::EmbeddedMigrations());
  EXPECT_EQ(db::PendingMigrations(*db_, migrations), static_cast<int>(migrations.size()));
  auto first = db::Migrate(*db_, migrations);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->applied.size(), migrations.size());
  auto again = db::Migrate(*db_, migrations);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(db::PendingMigrations(*db_, migrations), 0);

  auto edited = migrations;
  edited.front().sql += "\n-- edited";
  edited.front().checksum = "0000";
  auto refused = db::Migrate(*db_, edited);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, core::ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("changed after it was applied"), std::string::npos);
}

TEST_P(StorageTest, AFailingMigrationLeavesNoTrace) {
  std::vector<db::Migration> set = {
      {1, "0001_ok", "CREATE TABLE ok_table (id INTEGER PRIMARY KEY)", "c1"},
      {2, "0002_broken", "CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1)", "c2"},
  };
  EXPECT_THROW((void)db::Migrate(*db_, set), db::DbError);
  auto conn = db_->Acquire();
  EXPECT_NO_THROW(conn->ExecuteScript("SELECT * FROM ok_table"));
  EXPECT_THROW(conn->ExecuteScript("SELECT * FROM half_done"), db::DbError)
      << "the broken migration's first statement was rolled back with it";
  EXPECT_EQ(db::PendingMigrations(*db_, set), 1);
}

class BlobTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    if (IsSkipped()) return;
    auto migrations = db::MigrationsFor(db_->GetEngine(), db::EmbeddedMigrations());
    ASSERT_TRUE(db::Migrate(*db_, migrations).has_value());
    if (GetParam() == "sqlite") {
      blobs_ = db::MakeFilesystemBlobStore(*db_, dir_.path() / "blobs");
    } else {
      blobs_ = db::MakePostgresBlobStore(*db_);
    }
  }
  TempDir dir_;
  std::unique_ptr<db::BlobStore> blobs_;
};

INSTANTIATE_TEST_SUITE_P(Engines, BlobTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

TEST_P(BlobTest, StreamedWritesAreContentAddressed) {
  std::string content;
  for (int i = 0; i < 300000; ++i) content += static_cast<char>('A' + i % 53);  // > 1 chunk of pg
  auto writer = blobs_->NewWriter(10 << 20);
  for (std::size_t off = 0; off < content.size(); off += 65536) {
    ASSERT_TRUE(writer->Write(std::string_view(content).substr(off, 65536)).has_value());
  }
  auto info = writer->Commit("application/pdf");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, static_cast<std::int64_t>(content.size()));
  EXPECT_TRUE(db::IsBlobAddress(info->sha256));
  auto read = blobs_->ReadAll(info->sha256);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, content);

  // The same content again is the same blob; metadata keeps the first content type.
  auto dup = blobs_->Put(content, "application/octet-stream", 10 << 20);
  ASSERT_TRUE(dup.has_value());
  EXPECT_EQ(dup->sha256, info->sha256);
  EXPECT_EQ(dup->content_type, "application/pdf");
  EXPECT_EQ(db_->Acquire()->Execute(Query{"t_blob_count", "SELECT count(*) FROM blobs"}).Int(0, 0), 1);
}

TEST_P(BlobTest, SizeLimitIsEnforcedWhileStreaming) {
  auto writer = blobs_->NewWriter(1000);
  ASSERT_TRUE(writer->Write(std::string(600, 'x')).has_value());
  auto over = writer->Write(std::string(600, 'x'));
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, core::ErrorCode::kPayloadTooLarge);
  EXPECT_FALSE(writer->Commit("text/plain").has_value());
}

TEST_P(BlobTest, AnAbandonedWriteLeavesNothingBehind) {
  std::string content(5000, 'q');
  {
    auto writer = blobs_->NewWriter(1 << 20);
    ASSERT_TRUE(writer->Write(content).has_value());
    // The upload is interrupted: the writer goes away without Commit().
  }
  auto sha = crypto::Sha256::Hex(content);
  EXPECT_FALSE(blobs_->Stat(sha).has_value());
  EXPECT_EQ(blobs_->ReadAll(sha).error().code, core::ErrorCode::kNotFound);
  if (GetParam() == "sqlite") {
    EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "blobs" / "tmp"));
  } else {
    EXPECT_EQ(db_->Acquire()->Execute(Query{"t_chunks", "SELECT count(*) FROM blob_chunks"}).Int(0, 0), 0);
  }
  EXPECT_FALSE(blobs_->Stat("../../etc/passwd").has_value());
}

TEST_P(BlobTest, ABlobIsStoredUnderItsAddressWithNothingLeftOver) {
  std::string content(100 * 1024, 'p');
  auto info = blobs_->Put(content, "application/pdf", 10 << 20);
  ASSERT_TRUE(info.has_value());
  if (GetParam() == "sqlite") {
    const auto& sha = info->sha256;
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / "blobs" / sha.substr(0, 2) / sha));
    EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "blobs" / "tmp")) << "no part file left";
  } else {
    // Under one chunk: written under its address in the metadata's transaction, no temporary key.
    EXPECT_EQ(db_->Acquire()->Execute(Query{"t_chunk_keys", "SELECT count(*) FROM blob_chunks WHERE blob_key = $1"}, {info->sha256}).Int(0, 0), 1);
    EXPECT_EQ(db_->Acquire()->Execute(Query{"t_chunks", "SELECT count(*) FROM blob_chunks"}).Int(0, 0), 1);
  }
  EXPECT_EQ(blobs_->ReadAll(info->sha256).value(), content);
}

TEST_P(BlobTest, WhatTheCallerWritesWithTheBlobCommitsOrFailsWithIt) {
  db_->Acquire()->ExecuteScript("CREATE TABLE t_refs (sha256 TEXT NOT NULL)");
  const Query insert{"t_ref_insert", "INSERT INTO t_refs (sha256) VALUES ($1)"};
  for (std::size_t size : {std::size_t{5000}, std::size_t{3000000}}) {  // one chunk, and several
    std::string good(size, 'g'), bad(size, 'b');
    auto writer = blobs_->NewWriter(10 << 20);
    ASSERT_TRUE(writer->Write(good).has_value());
    auto info = writer->Commit("image/png", [&](db::Connection& c, const db::BlobInfo& stored) { c.Execute(insert, {stored.sha256}); });
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(db_->Acquire()->Execute(Query{"t_refs_count", "SELECT count(*) FROM t_refs WHERE sha256 = $1"}, {info->sha256}).Int(0, 0), 1);

    // The caller's write fails: the blob's metadata is not recorded either.
    writer = blobs_->NewWriter(10 << 20);
    ASSERT_TRUE(writer->Write(bad).has_value());
    EXPECT_THROW(writer->Commit("image/png", [](db::Connection&, const db::BlobInfo&) { throw std::runtime_error("refused"); }),
                 std::runtime_error);
    EXPECT_FALSE(blobs_->Stat(crypto::Sha256::Hex(bad)).has_value()) << size;
  }
}

TEST_P(BlobTest, PartsLeftByACrashAreSweptAtStart) {
  if (GetParam() == "sqlite") {
    // A process died half-way through an upload: its part file is still in tmp/.
    std::ofstream(dir_.path() / "blobs" / "tmp" / "crashed.part") << "half an upload";
    blobs_ = db::MakeFilesystemBlobStore(*db_, dir_.path() / "blobs");
    EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "blobs" / "tmp"));
  } else {
    db_->Acquire()->Execute(Query{"t_orphan_chunk",
                                  "INSERT INTO blob_chunks (blob_key, seq, data) VALUES ($1, 0, $2)"},
                            {std::string("tmp:crashed"), db::Bytes{"half an upload"}});
    blobs_ = db::MakePostgresBlobStore(*db_);
    EXPECT_EQ(db_->Acquire()->Execute(Query{"t_chunks", "SELECT count(*) FROM blob_chunks"}).Int(0, 0), 0);
  }
  // Committed blobs survive the sweep.
  auto kept = blobs_->Put("kept", "text/plain", 100);
  ASSERT_TRUE(kept.has_value());
  if (GetParam() == "sqlite") {
    blobs_ = db::MakeFilesystemBlobStore(*db_, dir_.path() / "blobs");
  } else {
    blobs_ = db::MakePostgresBlobStore(*db_);
  }
  EXPECT_EQ(blobs_->ReadAll(kept->sha256).value(), "kept");
}

// The filesystem backend's own layout (its metadata here in SQLite).
class FsBlobTest : public BlobTest {};

INSTANTIATE_TEST_SUITE_P(Engines, FsBlobTest, ::testing::Values("sqlite"),
                         [](const auto& param_info) { return param_info.param; });

TEST_P(FsBlobTest, TheFanOutIsMadeWhenTheStoreOpensAndNoUploadMakesADirectory) {
  const auto root = dir_.path() / "blobs";
  int fan_out = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    const auto name = entry.path().filename().string();
    if (entry.is_directory() && name != "tmp") {
      EXPECT_EQ(name.size(), 2U) << name;
      ++fan_out;
    }
  }
  EXPECT_EQ(fan_out, 256);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(blobs_->Put("blob " + std::to_string(i), "text/plain", 100).has_value());
  for (const auto& fan : std::filesystem::directory_iterator(root)) {
    if (fan.path().filename() == "tmp" || !fan.is_directory()) continue;
    for (const auto& entry : std::filesystem::directory_iterator(fan.path())) {
      EXPECT_TRUE(entry.is_regular_file()) << entry.path();
    }
  }
}

TEST_P(FsBlobTest, AStoreInTheTwoLevelLayoutIsMovedToOneLevelWhenItOpens) {
  const auto root = dir_.path() / "blobs";
  std::vector<std::string> shas;
  for (int i = 0; i < 30; ++i) {
    auto info = blobs_->Put("legacy " + std::to_string(i), "text/plain", 100);
    ASSERT_TRUE(info.has_value());
    shas.push_back(info->sha256);
  }
  // Make it look like a store written by an earlier release: `ab/cd/<sha256>`, no layout mark.
  for (const auto& sha : shas) {
    const auto old_dir = root / sha.substr(0, 2) / sha.substr(2, 2);
    std::filesystem::create_directories(old_dir);
    std::filesystem::rename(root / sha.substr(0, 2) / sha, old_dir / sha);
  }
  std::filesystem::remove(root / "LAYOUT");
  // A crash had already moved one of them up before the mark was written.
  std::filesystem::rename(root / shas[0].substr(0, 2) / shas[0].substr(2, 2) / shas[0], root / shas[0].substr(0, 2) / shas[0]);

  blobs_ = db::MakeFilesystemBlobStore(*db_, root);
  for (int i = 0; i < 30; ++i) {
    const auto& sha = shas[static_cast<std::size_t>(i)];
    EXPECT_EQ(blobs_->ReadAll(sha).value(), "legacy " + std::to_string(i));
    EXPECT_TRUE(std::filesystem::is_regular_file(root / sha.substr(0, 2) / sha));
    EXPECT_FALSE(std::filesystem::exists(root / sha.substr(0, 2) / sha.substr(2, 2))) << "the old directory is gone";
  }
  EXPECT_TRUE(std::filesystem::exists(root / "LAYOUT"));
  EXPECT_TRUE(std::filesystem::is_empty(root / "tmp"));
}

}  // namespace
}  // namespace motcua::testing
