// National status synchronisation with real nats-server processes (JetStream), on both
// engines: dossier events of a member reach the portal's national view exactly once; NATS down
// (the outbox grows and drains); duplicated, reordered and forged deliveries; a relay that
// crashed between publishing and marking; an ingest that crashed between commit and ack; a
// batch the portal's database refused (given back, not left to the ack wait); a
// 3-node cluster losing a node while publishing (R3); the HTTP sync API in the national format.
// After each, a checker compares the national view with the member's own data.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "crypto/encoding.hpp"
#include "integration/api_user.hpp"
#include "integration/refuse.hpp"
#include "integration/test_app.hpp"
#include "sync/nats.hpp"
#include "sync/record.hpp"

namespace motcua::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// A port below Linux's ephemeral range (32768–60999) that binds now. A port the kernel hands
// out for bind(0) comes from that range, the same as the source ports of outgoing connections:
// a cluster node dialling its peers' routes could take the client port chosen for the next
// node before that node starts.
sockaddr_in Loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

std::uint16_t FreePort() {
  static std::mt19937 random{std::random_device{}()};
  for (;;) {
    auto port = static_cast<std::uint16_t>(std::uniform_int_distribution<int>(20000, 32767)(random));
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = Loopback(port);
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) return port;
  }
}

bool PortOpen(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = Loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// Polls `done` until it holds or `limit` passes (the work under test is asynchronous).
template <typename F>
bool Eventually(F done, std::chrono::milliseconds limit = 20s) {
  for (auto until = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(25ms);
  }
  return done();
}

// One `nats-server -js` process on a free port with its own store directory.
class NatsServer {
 public:
  explicit NatsServer(std::uint16_t port = 0, std::vector<std::string> cluster = {})
      : port_(port ? port : FreePort()), monitor_(FreePort()) {
    Start(cluster);
  }
  ~NatsServer() { Stop(); }
  void Start(const std::vector<std::string>& cluster = {}) {
    std::vector<std::string> args{"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(port_), "-sd", dir_.path().string(),
                                  "-m", std::to_string(monitor_)};
    args.insert(args.end(), cluster.begin(), cluster.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string log = (dir_.path() / "nats.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execvp("nats-server", argv.data());
      ::_exit(127);
    }
    ASSERT_TRUE(Eventually([&] { return PortOpen(port_); }, 10s)) << "nats-server did not start";
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string Url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }

  // The server's own account of its consumers and of each connection's subscriptions and
  // pending pull requests, from its monitoring port: for a wait that gave up.
  std::string State() const {
    return "\nnats consumers: " + Monitor("/jsz?consumers=true") + "\nnats connections: " + Monitor("/connz?subs=detail");
  }

 private:
  // HTTP/1.0, read to the close: the server answers it with the whole body, not in chunks,
  // which the tests' HTTP client (Fetch) does not read.
  std::string Monitor(const std::string& path) const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = Loopback(monitor_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return "(monitoring port closed)";
    }
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      ::close(fd);
      return "(monitoring request not sent)";
    }
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    auto body = out.find("\r\n\r\n");
    return body == std::string::npos ? out : out.substr(body + 4);
  }

  std::uint16_t port_, monitor_;
  TempDir dir_;
  pid_t pid_ = -1;
};

// A deployment that is both a member (H99, the demo province) and the national portal; without
// a NATS URL it has no relay (records come over the HTTP API), with relay_ms 0 the test drives it.
std::unique_ptr<TestApp> Federation(const std::string& engine, const std::string& nats_url = "", int replicas = 1,
                                    std::size_t relay_ms = 50) {
  return std::make_unique<TestApp>(engine, false, [&](config::Config& c) {
    c.sync_member = "H99";
    c.sync_portal = true;
    c.sync_nats_url = nats_url;
    c.sync_relay_ms = relay_ms;
    c.sync_stream_replicas = static_cast<std::size_t>(replicas);
  });
}

// A member that relays its events to `nats_url` and runs no ingest of its own: a test runs a
// portal ingest worker on the same database, with `PortalSettings` (a short ack wait).
std::unique_ptr<TestApp> RelayingMember(const std::string& engine, const std::string& nats_url) {
  return std::make_unique<TestApp>(engine, false, [&](config::Config& c) {
    c.sync_member = "H99";
    c.sync_nats_url = nats_url;
    c.sync_relay_ms = 50;
  });
}

sync::Settings PortalSettings(TestApp& member, std::chrono::seconds ack_wait) {
  sync::Settings s = app::SyncSettings(member.config());
  s.portal = true;
  s.ack_wait = ack_wait;
  return s;
}

std::string Submit(const User& citizen, const std::string& summary) { return SubmitCriminalRecord(citizen, summary); }

// `n` dossiers submitted by citizen.demo on `member`, returned once its relay has published their
// events (none returned when it has not within the wait).
std::vector<std::string> SubmittedAndPublished(TestApp& member, int n) {
  User citizen = SignIn(member.port(), "citizen.demo");
  std::vector<std::string> codes;
  for (int i = 0; i < n; ++i) codes.push_back(Submit(citizen, "lần " + std::to_string(i)));
  auto& relay = *member.app().sync_relay;
  if (!Eventually([&] { return relay.Depth() == 0 && relay.Published() == n; })) return {};
  return codes;
}

// The member's own data: each dossier's code, latest event seq and status.
std::vector<std::tuple<std::string, std::int64_t, int>> Truth(app::App& a) {
  auto c = a.db->Acquire();
  auto r = c->Execute({"test_sync_truth",
                       "SELECT d.code, MAX(e.seq), d.status FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id "
                       "GROUP BY d.code, d.status ORDER BY d.code"});
  std::vector<std::tuple<std::string, std::int64_t, int>> out;
  for (std::size_t i = 0; i < r.rows.size(); ++i) out.emplace_back(r.Text(i, 0), r.Int(i, 1), static_cast<int>(r.Int(i, 2)));
  return out;
}

std::int64_t Count(app::App& a, std::string_view sql) {
  auto c = a.db->Acquire();
  return c->Execute({sql, sql}).Int(0, 0);  // the SQL names itself: one name per text
}

std::int64_t Events(app::App& a) { return Count(a, "SELECT COUNT(*) FROM dossier_events"); }
std::int64_t ProgressRows(app::App& a) { return Count(a, "SELECT COUNT(*) FROM national_progress"); }

// The national view equals the member's data, and every event is one progress record.
// Work the portal has not heard of: `dossiers` copies of the dossier `model` (ids `<prefix>1…`,
// codes 000.00.02.H99-261120-1001…, at `status`/`stage`), each with `steps` events; dossier i
// works on 20 + i % 5 November (Vietnam), step j at j:00 UTC. Written as the dossier module
// writes them: the outbox trigger queues every event.
void InsertBackdatedWork(db::Database& database, const std::string& model, const std::string& prefix, int dossiers, int steps,
                         int status, const std::string& stage) {
  auto c = database.Acquire();
  db::Transaction tx(*c);
  c->Execute({"test_sync_backdated_dossiers",
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2) "
              "INSERT INTO dossiers (id, code, procedure_code, procedure_name, case_code, channel, agency_id, agency_path, "
              "handling_agency_id, handling_path, owner_account, applicant_name, applicant_id_number, body, status, stage, "
              "submitted_at, version, updated_at) "
              "SELECT $3 || n.i, '000.00.02.H99-261120-' || (1000 + n.i), d.procedure_code, d.procedure_name, "
              "d.case_code, d.channel, d.agency_id, d.agency_path, d.handling_agency_id, d.handling_path, d.owner_account, "
              "d.applicant_name, d.applicant_id_number, d.body, $4, $5, '2026-11-20T01:00:00.000Z', 1, "
              "'2026-11-24T10:00:00.000Z' FROM dossiers d, n WHERE d.code = $1"},
             {model, std::int64_t{dossiers}, prefix, std::int64_t{status}, stage});
  c->Execute({"test_sync_backdated_events",
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1), "
              "s(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM s WHERE j < $2) "
              "INSERT INTO dossier_events (dossier_id, seq, at, action, status_to, stage) "
              "SELECT $3 || n.i, s.j, '2026-11-2' || (n.i % 5) || 'T' || CASE WHEN s.j < 10 THEN '0' ELSE '' END || s.j "
              "|| ':00:00.000Z', 'step', s.j, 'processing' FROM n, s"},
             {std::int64_t{dossiers}, std::int64_t{steps}, prefix});
  tx.Commit();
}

bool Converged(app::App& a) {
  return a.sync->Compare("H99", Truth(a)).empty() && ProgressRows(a) == Events(a);
}

// The portal consumer's counters, for a wait that gave up.
std::string IngestState(const sync::IngestWorker& w) {
  return "ingested " + std::to_string(w.Ingested()) + ", refused " + std::to_string(w.Refused()) + ", consumer pending " +
         std::to_string(w.ConsumerPending()) + ", awaiting acknowledgement " + std::to_string(w.AckPending()) + "; " + w.Describe();
}

std::string Diff(app::App& a, const NatsServer* nats = nullptr) {
  std::string out;
  for (const auto& d : a.sync->Compare("H99", Truth(a))) out += d + "\n";
  out += "progress " + std::to_string(ProgressRows(a)) + " events " + std::to_string(Events(a));
  // Where the events stopped: the relay (outbox, NATS connection) or the portal's consumer.
  if (a.sync_relay) {
    out += "; relay: connected " + std::to_string(a.sync_relay->Connected()) + ", published " +
           std::to_string(a.sync_relay->Published()) + ", outbox " + std::to_string(a.sync_relay->Depth());
  }
  if (a.sync_ingest) out += "; ingest: " + IngestState(*a.sync_ingest);
  if (nats) out += nats->State();
  return out;
}

// Makes the portal's database refuse rows of `table` (national_dossiers, national_progress) for the
// dossier `code`, as it would a record that breaks a rule the record checks do not know of.
void RefuseRecordsOf(app::App& a, const std::string& engine, const std::string& table, const std::string& code) {
  RefuseRows(*a.db->Acquire(), engine, "INSERT", table, "NEW.MaHoSo = '" + code + "'", "a rule this record breaks");
}

class Sync : public ::testing::TestWithParam<std::string> {};

TEST_P(Sync, DossierEventsReachTheNationalViewExactlyOnce) {
  NatsServer nats;
  auto app = Federation(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo"), receiver = SignIn(app->port(), "receiver.demo");
  std::string a = Submit(citizen, "một"), b = Submit(citizen, "hai");
  receiver.Act(a, "accept", {{"note", "Đủ"}});
  receiver.Act(b, "refuse", {{"reason", "Không thuộc thẩm quyền"}});
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); })) << Diff(app->app(), &nats);

  // Public national tracking: the state for anyone, the steps for the owner.
  auto anon = Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/" + a));
  EXPECT_EQ(anon.at("TrangThaiHoSo"), 2);
  EXPECT_EQ(anon.at("madonvi"), "H99");
  EXPECT_FALSE(anon.at("details").as_bool());
  EXPECT_FALSE(anon.as_object().contains("CapNhatTienDoHoSoMC"));
  auto owner = Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/" + a + "?id_number=001085012345"));
  ASSERT_TRUE(owner.at("details").as_bool()) << owner;
  EXPECT_EQ(owner.at("CapNhatTienDoHoSoMC").as_array().size(), 2u);
  EXPECT_EQ(owner.at("DongBoHoSoMC").at("MaTTHC"), "2.913001");
  EXPECT_EQ(owner.at("DongBoHoSoMC").at("SoGiayToChuHoSo"), "001085012345");
  auto rejected = Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/" + b));
  EXPECT_EQ(rejected.at("TrangThaiHoSo"), 3);
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.02.H99-000101-0001").status, 404);
  // "My dossiers" at every member, and the statistics.
  auto mine = Json(citizen.Call("GET", "/api/v1/national/mine"));
  EXPECT_EQ(mine.at("total"), 2) << mine;
  auto stats = Json(Fetch(app->port(), "GET", "/api/v1/national/stats?by=member"));
  EXPECT_EQ(stats.at("total"), 2);
  EXPECT_EQ(stats.at("rows").at(0).at("key"), "H99");
  EXPECT_EQ(stats.at("rows").at(0).at("by_status").at("3"), 1);
  EXPECT_EQ(Json(Fetch(app->port(), "GET", "/api/v1/national/stats?by=procedure")).at("rows").at(0).at("key"), "2.913001");
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/stats?by=nothing").status, 400);
  // Lag on /metrics: the per-member figures are read again every 2 s by the ingest loop.
  std::string metrics;
  EXPECT_TRUE(Eventually([&] {
    metrics = Fetch(app->port(), "GET", "/metrics").body;
    return metrics.find("motcua_sync_member_events{member=\"H99\"}") != std::string::npos;
  })) << metrics.substr(0, 300);
  EXPECT_NE(metrics.find("motcua_sync_outbox_depth 0"), std::string::npos);
  EXPECT_NE(metrics.find("motcua_sync_consumer_pending"), std::string::npos);
  EXPECT_TRUE(Eventually([&] {
    metrics = Fetch(app->port(), "GET", "/metrics").body;
    return metrics.find("motcua_sync_member_stream_lag{member=\"H99\"} 0") != std::string::npos;
  })) << "caught up: no lag";
  auto members = Json(SignIn(app->port(), "sysadmin.demo").Call("GET", "/api/v1/admin/sync/members"));
  EXPECT_EQ(members.at("items").at(0).at("stream_lag"), 0) << members;
  EXPECT_GE(members.at("items").at(0).at("last_stream_seq").as_int64(), 3) << members;
}

// The whole national record: every field of DongBoHoSoMC the member's data has.
bool RecordsConverged(app::App& a) { return a.sync->CompareRecords("H99", a.sync->MemberRecords()).empty(); }

std::string RecordDiff(app::App& a) {
  std::string out;
  for (const auto& d : a.sync->CompareRecords("H99", a.sync->MemberRecords())) out += d + "\n";
  return out;
}

TEST_P(Sync, TheNationalRecordCarriesDocumentsFeesSupplementsResultsAndTheField) {
  NatsServer nats;
  auto app = Federation(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo"), receiver = SignIn(app->port(), "receiver.demo");
  User specialist = SignIn(app->port(), "specialist.demo"), leader = SignIn(app->port(), "leader.demo");
  std::string code = Submit(citizen, "đủ trường quốc gia");
  receiver.Act(code, "accept");
  auto officers = leader.Call("GET", "/api/v1/agencies/000.00.02.H99/officers?role=specialist");
  ASSERT_EQ(officers.status, 200) << officers.body;
  leader.Act(code, "assign", {{"assignee_id", Json(officers).at("items").at(0).at("id")}});
  specialist.Act(code, "request_supplement", {{"reason", "Thiếu bản chụp căn cước"}, {"documents", json::array{"GT.2913001.1.02"}}});
  std::string extra = citizen.Upload("can-cuoc.pdf", "application/pdf", Pdf("cc"));
  citizen.Act(code, "supplement", {{"documents", json::array{json::object{{"code", "GT.2913001.1.02"},
                                                                          {"attachment_ids", json::array{json::string(extra)}}}}}});
  specialist.Act(code, "appraise", {{"opinion", "Đủ điều kiện cấp"}});
  leader.Act(code, "approve");
  // A fee paid through the payment platform (how a request gets paid is the payment module's
  // and its tests'): the record says the dossier was paid online and lists the item.
  {
    auto c = app->app().db->Acquire();
    c->Execute({"test_sync_paid", "INSERT INTO payment_requests (id, dossier_id, dossier_code, agency_id, amount, reason, items, state, "
                                  "created_at, paid_at) SELECT 'pr-1', id, code, handling_agency_id, 50000, 'Phí', "
                                  "'[{\"kind\":\"le_phi\",\"code\":\"LP.1\",\"name\":\"Lệ phí cấp bản sao\",\"amount\":50000}]', "
                                  "'paid', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z' FROM dossiers WHERE code = $1"},
               {code});
  }
  std::string result = specialist.Upload("phieu-lltp.pdf", "application/pdf", Pdf("ket qua"));
  specialist.Act(code, "issue_result", {{"results", json::array{json::object{{"name", "Phiếu lý lịch tư pháp số 1"}, {"number", "123/LLTP"},
                                                                             {"attachment_ids", json::array{json::string(result)}}}}}});
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()) && RecordsConverged(app->app()); })) << Diff(app->app(), &nats) << RecordDiff(app->app());

  auto owner = Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/" + code + "?id_number=001085012345"));
  ASSERT_TRUE(owner.at("details").as_bool()) << owner;
  const auto& r = owner.at("DongBoHoSoMC");
  EXPECT_EQ(r.at("MaLinhVuc"), "G15-LLTP");
  EXPECT_EQ(r.at("TenLinhVuc"), "Lý lịch tư pháp");
  EXPECT_EQ(r.at("HoSoCoThanhPhanSoHoa"), 1);
  EXPECT_EQ(r.at("DuocThanhToanTrucTuyen"), 1);
  const auto& files = r.at("TaiLieuNop").as_array();
  ASSERT_EQ(files.size(), 2u) << r;
  EXPECT_EQ(files[0].at("TenTepDinhKem"), "to-khai.pdf");
  EXPECT_EQ(files[0].at("MaThanhPhanHoSo"), "GT.2913001.1.01");
  EXPECT_EQ(files[1].at("TenTepDinhKem"), "can-cuoc.pdf");
  std::string link(files[1].at("DuongDanTaiTepTin").as_string());
  EXPECT_TRUE(link.ends_with("/api/v1/attachments/" + extra)) << link;
  EXPECT_EQ(citizen.Call("GET", link.substr(link.find("/api/"))).status, 200) << "the link is the member's file";
  const auto& supplements = r.at("DanhSachHoSoBoSung").as_array();
  ASSERT_EQ(supplements.size(), 1u);
  EXPECT_EQ(supplements[0].at("NoiDungBoSung"), "Thiếu bản chụp căn cước");
  EXPECT_EQ(supplements[0].at("TrangThaiBoSung"), 1);
  EXPECT_EQ(supplements[0].at("DanhSachGiayToBoSung").at(0).at("MaThanhPhanHoSo"), "GT.2913001.1.02");
  EXPECT_TRUE(sync::ValidNationalTime(supplements[0].at("NgayBoSung").as_string())) << supplements[0];
  EXPECT_TRUE(sync::ValidNationalTime(supplements[0].at("NgayTiepNhanBoSung").as_string())) << supplements[0];
  const auto& results = r.at("DanhSachGiayToKetQua").as_array();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].at("TenGiayTo"), "Phiếu lý lịch tư pháp số 1");
  EXPECT_EQ(results[0].at("MaGiayToKetQua"), "123/LLTP");
  EXPECT_EQ(results[0].at("GiayToId"), json::value(result));
  const auto& fees = r.at("DanhSachLePhi").as_array();
  ASSERT_FALSE(fees.empty()) << r;
  EXPECT_EQ(fees.back().at("MaPhiLePhi"), "LP.1");
  EXPECT_EQ(fees.back().at("Gia"), 50000);
  // Result delivery from the e-form (in person: 0), where it was submitted, and the account.
  EXPECT_EQ(r.at("HinhThuc"), 0) << r;
  {
    auto c = app->app().db->Acquire();
    auto a = c->Execute({"test_sync_submitted_to", "SELECT a.name FROM dossiers d JOIN agencies a ON a.id = d.agency_id WHERE d.code = $1"}, {code});
    ASSERT_FALSE(a.Empty());
    EXPECT_EQ(r.at("NoiNopHoSo"), json::value(a.Text(0, 0)));
    auto level = c->Execute({"test_sync_assurance", "SELECT assurance_level FROM accounts WHERE login = 'citizen.demo'"});
    EXPECT_EQ(r.at("TaiKhoanDuocXacThucVoiVNeID"), level.Int(0, 0) >= 2 ? 1 : 0) << r;
  }

  // The checker sees a national field that differs from the member's data.
  {
    auto c = app->app().db->Acquire();
    c->Execute({"test_sync_tamper", "UPDATE national_dossiers SET record = replace(record, '123/LLTP', '999/LLTP') WHERE MaHoSo = $1"}, {code});
  }
  auto diffs = app->app().sync->CompareRecords("H99", app->app().sync->MemberRecords());
  ASSERT_EQ(diffs.size(), 1u) << RecordDiff(app->app());
  EXPECT_NE(diffs[0].find("DanhSachGiayToKetQua"), std::string::npos) << diffs[0];
  // The checker compares the fields added from the member's data too.
  {
    auto c = app->app().db->Acquire();
    c->Execute({"test_sync_tamper_delivery", "UPDATE national_dossiers SET record = replace(record, '\"HinhThuc\":0', '\"HinhThuc\":1') WHERE MaHoSo = $1"}, {code});
  }
  diffs = app->app().sync->CompareRecords("H99", app->app().sync->MemberRecords());
  ASSERT_EQ(diffs.size(), 2u) << RecordDiff(app->app());
  EXPECT_NE(diffs[1].find("HinhThuc"), std::string::npos) << diffs[1];
}

// A nats-server configuration where each member's user may publish only to its own subject
// (and read the stream's state, make or update it); the portal's user may do anything.
std::string MemberPermissions(const std::filesystem::path& dir) {
  auto member = [](const std::string& user, const std::string& code) {
    return "  {user: " + user + ", password: " + user + "-pw, permissions: {publish: {allow: [\"" + sync::SubjectFor(code) +
           "\", \"$JS.API.STREAM.INFO.MOTCUA_SYNC\", \"$JS.API.STREAM.CREATE.MOTCUA_SYNC\", \"$JS.API.STREAM.UPDATE.MOTCUA_SYNC\"]}, "
           "subscribe: {allow: [\"_INBOX.>\"]}}}\n";
  };
  std::string path = (dir / "nats.conf").string();
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::string text = "authorization {\n users = [\n  {user: portal, password: portal-pw}\n" + member("h99", "H99") + member("h22", "H22") + " ]\n}\n";
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
  return path;
}

std::string H22Message(std::int64_t seq, const std::string& madonvi = "H22") {
  sync::DossierFacts f;
  f.code = "000.00.01.H22-261201-0001";
  f.procedure_code = "1.005129";
  f.status = 2;
  f.seq = seq;
  f.event_status = 2;
  f.event_at = "2026-12-01T01:00:00.000Z";
  f.action = "accept";
  return json::serialize(sync::EventMessage(madonvi, "H22:x:" + std::to_string(seq), f));
}

TEST_P(Sync, NatsLetsEachMemberPublishOnlyItsOwnSubjectAndThePortalReportsLagPerMember) {
  TempDir conf;
  NatsServer nats(0, {"-c", MemberPermissions(conf.path())});
  // The member H99 connects as its own user, limited to its subject.
  auto app = std::make_unique<TestApp>(GetParam(), false, [&](config::Config& c) {
    c.sync_member = "H99";
    c.sync_nats_url = nats.Url();
    c.sync_nats_user = "h99";
    c.sync_nats_password = "h99-pw";
    c.sync_relay_ms = 50;
  });
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo");
  for (int i = 0; i < 3; ++i) Submit(citizen, "quyền NATS " + std::to_string(i));
  ASSERT_TRUE(Eventually([&] { return app->app().sync_relay->Published() == 3; })) << app->app().sync_relay->Published();  // stream 1..3

  // No user, or a wrong password: NATS refuses the connection.
  EXPECT_FALSE(sync::Nats::Connect({.servers = {nats.Url()}, .timeout = 1s}));
  EXPECT_FALSE(sync::Nats::Connect({.servers = {nats.Url()}, .timeout = 1s, .user = "h22", .password = "wrong"}));
  auto h22 = sync::Nats::Connect({.servers = {nats.Url()}, .user = "h22", .password = "h22-pw"});
  ASSERT_TRUE(h22) << h22.error().message;
  // H22 publishing on H99's subject: NATS refuses it (never stored, never ingested).
  sync::DossierFacts f;
  f.code = "000.00.02.H99-261201-0009";
  f.procedure_code = "1.005129";
  f.status = 10;
  f.seq = 1;
  f.event_status = 10;
  f.event_at = "2026-12-01T01:00:00.000Z";
  std::vector<sync::OutMessage> foreign{{sync::SubjectFor("H99"), "h22-as-h99", json::serialize(sync::EventMessage("H99", "H99:x:1", f))}};
  EXPECT_FALSE((*h22)->Publish(foreign, 2s).at(0)) << "NATS must refuse another member's subject";
  // On its own subject: a record whose body names another member (stored by the stream,
  // refused by the portal), then one of its own.
  std::vector<sync::OutMessage> own{{sync::SubjectFor("H22"), "h22-names-h99", H22Message(1, "H99")},
                                    {sync::SubjectFor("H22"), "h22-1", H22Message(1)}};  // stream 4..5
  auto stored = (*h22)->Publish(own, 5s);
  EXPECT_TRUE(stored.at(0) && stored.at(1));

  // The portal (its own user) knows both members; before it ingests, each one's lag is the
  // distance from its last message in the stream.
  sync::Settings s = app::SyncSettings(app->config());
  s.member.clear();
  s.portal = true;
  sync::Service portal(*app->app().db, s);
  {
    auto c = app->app().db->Acquire();
    for (const char* code : {"H99", "H22"}) {
      c->Execute({"test_sync_member", "INSERT INTO sync_members (code, created_at) VALUES ($1, '2026-12-01T00:00:00.000Z')"}, {code});
    }
  }
  auto as_portal = sync::Nats::Connect({.servers = {nats.Url()}, .user = "portal", .password = "portal-pw"});
  ASSERT_TRUE(as_portal) << as_portal.error().message;
  portal.RefreshLag();
  ASSERT_TRUE(portal.RefreshStreamLag(**as_portal));
  auto lag_of = [&](const std::string& code) {
    for (const auto& m : portal.Lag()) {
      if (m.code == code) return static_cast<std::int64_t>(m.stream_lag);
    }
    return std::int64_t{-1};
  };
  EXPECT_EQ(lag_of("H99"), 3);
  EXPECT_EQ(lag_of("H22"), 5);
  {
    sync::IngestWorker worker(portal, {.servers = {nats.Url()}, .user = "portal", .password = "portal-pw"});
    ASSERT_TRUE(Eventually([&] { return worker.Ingested() == 4 && worker.Refused() == 1; })) << worker.Ingested() << " " << worker.Refused();
    // The ingest loop refreshes the lag in the background (every 2 s).
    EXPECT_TRUE(Eventually([&] { return lag_of("H99") == 0 && lag_of("H22") == 0; })) << lag_of("H99") << " " << lag_of("H22");
  }
  EXPECT_TRUE(app->app().sync->Compare("H99", Truth(app->app())).empty()) << Diff(app->app(), &nats);
  EXPECT_EQ(Count(app->app(), "SELECT rejected FROM sync_members WHERE code = 'H22'"), 1) << "the body named another member";
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers WHERE member_code = 'H22'"), 1);
  EXPECT_EQ(Count(app->app(), "SELECT last_stream_seq FROM sync_members WHERE code = 'H22'"), 5);
  // More from H99 while no portal runs: its lag grows by exactly those messages.
  Submit(citizen, "sau khi cổng dừng");
  ASSERT_TRUE(Eventually([&] { return app->app().sync_relay->Published() == 4; }));
  portal.RefreshLag();
  ASSERT_TRUE(portal.RefreshStreamLag(**as_portal));
  EXPECT_EQ(lag_of("H99"), 3) << "stream 6 against 3 taken";
  EXPECT_EQ(lag_of("H22"), 0);
}

TEST_P(Sync, MembersKeepWorkingWhileNatsIsDownAndTheOutboxDrainsLater) {
  std::uint16_t port = FreePort();
  auto app = Federation(GetParam(), "nats://127.0.0.1:" + std::to_string(port));
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo"), receiver = SignIn(app->port(), "receiver.demo");
  std::vector<std::string> codes;
  for (int i = 0; i < 5; ++i) codes.push_back(Submit(citizen, "khi NATS ngừng " + std::to_string(i)));
  receiver.Act(codes[0], "accept");
  ASSERT_TRUE(Eventually([&] { return app->app().sync_relay->Depth() == 6; }, 5s)) << app->app().sync_relay->Depth();
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 0);
  NatsServer nats(port);  // NATS comes back
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 30s)) << Diff(app->app(), &nats);
  EXPECT_TRUE(Eventually([&] { return app->app().sync_relay->Depth() == 0; }));
  // It goes away again (a restart): events wait, then flow.
  nats.Stop();
  receiver.Act(codes[1], "accept");
  nats.Start();
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 30s)) << Diff(app->app(), &nats);
}

TEST_P(Sync, AMemberOfflineForDaysCatchesUpInOrderWithoutLossOrDuplicates) {
  std::uint16_t port = FreePort();
  auto app = Federation(GetParam(), "nats://127.0.0.1:" + std::to_string(port));
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo");
  std::string model = Submit(citizen, "mẫu");
  // Five days of work while NATS is unreachable (20–24 Nov): 300 dossiers of 10 events each.
  constexpr int kDossiers = 300, kSteps = 10;
  InsertBackdatedWork(*app->app().db, model, "offline-", kDossiers, kSteps, 10, "done");
  const std::int64_t events = kDossiers * kSteps + 1;
  ASSERT_TRUE(Eventually([&] { return app->app().sync_relay->Depth() == events; }, 10s)) << app->app().sync_relay->Depth();
  EXPECT_GT(app->app().sync_relay->OldestAgeSeconds(), 86400.0) << "the oldest waits since 20 Nov";
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 0);

  NatsServer nats(port);  // back after days
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 90s)) << Diff(app->app(), &nats);
  EXPECT_TRUE(Eventually([&] { return app->app().sync_relay->Depth() == 0; }));
  // Each event once: the stream delivered exactly as many messages as there are events.
  ASSERT_TRUE(Eventually([&] { return app->app().sync_ingest->Ingested() == events; })) << app->app().sync_ingest->Ingested();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(app->app().sync_ingest->Ingested(), events);
  // In order: every dossier holds its last step, and every step of every day is there once.
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers WHERE MaHoSo LIKE '%-261120-%' AND seq = 10 AND TrangThaiHoSo = 10"),
            kDossiers);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(DISTINCT substr(ThoiDiemXuLy, 1, 8)) FROM national_progress WHERE MaHoSo LIKE '%-261120-%'"), 5);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_progress WHERE MaHoSo LIKE '%-261120-%'"), kDossiers * kSteps);
  EXPECT_TRUE(RecordsConverged(app->app())) << RecordDiff(app->app());
  EXPECT_EQ(Count(app->app(), "SELECT events FROM sync_members WHERE code = 'H99'"), events);

  // Re-sync of two of those days (22 and 23 Nov in Vietnam, as `motcua sync-resync --from
  // 2026-11-22 --to 2026-11-23` asks): published again under a new generation, stored once.
  auto& svc = *app->app().sync;
  EXPECT_EQ(svc.Resync("2026-11-21T17:00:00.000Z", "2026-11-23T17:00:00.000Z"), 2 * kDossiers / 5 * kSteps);
  ASSERT_TRUE(Eventually([&] { return app->app().sync_ingest->Ingested() == events + 2 * kDossiers / 5 * kSteps; }, 60s))
      << app->app().sync_ingest->Ingested();
  EXPECT_TRUE(Converged(app->app())) << Diff(app->app(), &nats);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_progress WHERE MaHoSo LIKE '%-261120-%'"), kDossiers * kSteps);
}

TEST_P(Sync, DuplicatedReorderedAndForgedDeliveriesLeaveTheNewestState) {
  NatsServer nats;
  auto app = Federation(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  auto& svc = *app->app().sync;
  auto message = [](std::int64_t seq, int status, const std::string& code = "000.00.02.H99-261201-0001") {
    sync::DossierFacts f;
    f.code = code;
    f.procedure_code = "1.005129";
    f.status = status;
    f.seq = seq;
    f.event_status = status;
    f.event_at = "2026-12-01T0" + std::to_string(seq) + ":00:00.000Z";
    f.action = "step" + std::to_string(seq);
    return json::serialize(sync::EventMessage("H99", "H99:x:" + std::to_string(seq), f));
  };
  std::vector<std::string> bytes{message(3, 4), message(1, 1), message(2, 2), message(3, 4), message(1, 1)};
  std::vector<sync::Incoming> batch;
  for (const auto& b : bytes) batch.push_back({"H99", b, false, {}});
  svc.Ingest(batch);
  for (const auto& in : batch) EXPECT_TRUE(in.accepted) << in.reason;
  // Later, separately: an old one again, and the same one again.
  std::vector<sync::Incoming> later{{"H99", bytes[1], false, {}}, {"H99", bytes[0], false, {}}};
  svc.Ingest(later);
  auto row = Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.02.H99-261201-0001"));
  EXPECT_EQ(row.at("TrangThaiHoSo"), 4) << "an older event never overwrites a newer state";
  EXPECT_EQ(Count(app->app(), "SELECT seq FROM national_dossiers"), 3);
  EXPECT_EQ(ProgressRows(app->app()), 3) << "each event once";

  // Forged or malformed: refused for good, with the reason; the rest of the batch is stored.
  std::string forged = message(1, 1, "000.00.01.H22-261201-0001");
  std::string newest = message(4, 9);  // Incoming holds a view: the bytes must outlive it
  // A member's SQLite may hold a NUL character, which the portal's PostgreSQL would cut the
  // text short at: refused, naming where it is.
  std::string nul = message(4, 9, "000.00.02.H99-261201-0002");
  auto at = nul.find("\"step4\"");
  ASSERT_NE(at, std::string::npos);
  nul.replace(at, 7, "\"st\\u0000ep4\"");
  std::vector<sync::Incoming> mixed{{"H99", forged, false, {}}, {"H22", newest, false, {}}, {"H99", "{not json", false, {}},
                                    {"H99", newest, false, {}}, {"H99", nul, false, {}}};
  svc.Ingest(mixed);
  EXPECT_FALSE(mixed[0].accepted);
  EXPECT_NE(mixed[0].reason.find("MaHoSo"), std::string::npos) << mixed[0].reason;
  EXPECT_FALSE(mixed[1].accepted);
  EXPECT_NE(mixed[1].reason.find("madonvi"), std::string::npos) << mixed[1].reason;
  EXPECT_FALSE(mixed[2].accepted);
  EXPECT_TRUE(mixed[3].accepted) << mixed[3].reason;
  EXPECT_FALSE(mixed[4].accepted);
  EXPECT_NE(mixed[4].reason.find("NUL"), std::string::npos) << mixed[4].reason;
  EXPECT_EQ(Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.02.H99-261201-0001")).at("TrangThaiHoSo"), 9);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 1);
  EXPECT_EQ(Count(app->app(), "SELECT rejected FROM sync_members WHERE code = 'H99'"), 3);

  // Through NATS: the same event published under two ids (two relays of a re-sync) and a
  // forged one; the consumer terminates the forged one and stores the rest once.
  auto client = sync::Nats::Connect({.servers = {nats.Url()}});
  ASSERT_TRUE(client) << client.error().message;
  // The stream may not be made yet (the portal's consumer makes it when it starts): a relay
  // makes sure of it before it publishes, and so does this test.
  auto made = (*client)->EnsureStream(app::SyncSettings(app->config()).stream);
  ASSERT_TRUE(made) << made.error().message;
  std::vector<sync::OutMessage> out{{sync::SubjectFor("H99"), "a", message(5, 10)},
                                    {sync::SubjectFor("H99"), "b", message(5, 10)},
                                    {sync::SubjectFor("H99"), "c", forged}};
  auto stored = (*client)->Publish(out, 5s);
  EXPECT_TRUE(stored[0] && stored[1] && stored[2]);
  auto& ingest = *app->app().sync_ingest;
  ASSERT_TRUE(Eventually([&] { return ingest.Ingested() >= 2 && ingest.Refused() >= 1; }))
      << IngestState(ingest);
  EXPECT_EQ(Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.02.H99-261201-0001")).at("TrangThaiHoSo"), 10);
  EXPECT_EQ(ProgressRows(app->app()), 5);
}

TEST_P(Sync, ARelayCrashBetweenPublishAndMarkIsDeduplicatedByMsgId) {
  NatsServer nats;
  // The relay is off: this test drives it by hand.
  auto app = Federation(GetParam(), nats.Url(), 1, 0);
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo");
  for (int i = 0; i < 3; ++i) Submit(citizen, "sập giữa chừng " + std::to_string(i));
  auto& svc = *app->app().sync;
  auto client = sync::Nats::Connect({.servers = {nats.Url()}});
  ASSERT_TRUE(client) << client.error().message;
  // What a relay publishes before it dies, without marking the rows sent.
  auto pending = svc.PendingMessages(100);
  ASSERT_EQ(pending.size(), 3u);
  auto stored = (*client)->Publish(pending, 5s);
  EXPECT_EQ(std::count(stored.begin(), stored.end(), true), 3);
  // The next relay publishes them again (same Nats-Msg-Id), marks them, and more.
  Submit(citizen, "sau khi khởi động lại");
  auto report = svc.RelayOnce(**client, "relay-2");
  EXPECT_EQ(report.published, 4u);
  EXPECT_EQ(svc.OutboxDepth().first, 0);
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); })) << Diff(app->app(), &nats);
  // The stream delivered 4 messages, not 7: the portal stored each event once.
  ASSERT_TRUE(Eventually([&] { return app->app().sync_ingest->Ingested() == 4; })) << app->app().sync_ingest->Ingested();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(app->app().sync_ingest->Ingested(), 4);
  // A second relay holding no lease publishes nothing while the first holds it.
  EXPECT_FALSE(svc.RelayOnce(**client, "relay-3").leased);

  // Re-sync of a date range: published again under a new generation, stored idempotently.
  EXPECT_EQ(svc.Resync("2000-01-01T00:00:00.000Z", "2999-01-01T00:00:00.000Z"), 4);
  EXPECT_EQ(svc.RelayOnce(**client, "relay-2").published, 4u);
  ASSERT_TRUE(Eventually([&] { return app->app().sync_ingest->Ingested() == 8; })) << app->app().sync_ingest->Ingested();
  EXPECT_TRUE(Converged(app->app())) << Diff(app->app(), &nats);
}

TEST_P(Sync, AnIngestCrashBeforeTheAckIsRedeliveredIdempotently) {
  NatsServer nats;
  auto app = RelayingMember(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  ASSERT_EQ(SubmittedAndPublished(*app, 3).size(), 3u);
  // A portal worker on the same database that commits and then "dies" before acknowledging.
  sync::Service portal(*app->app().db, PortalSettings(*app, 1s));
  {
    sync::IngestWorker crashing(portal, {.servers = {nats.Url()}}, 1, [] { return false; });
    ASSERT_TRUE(Eventually([&] { return ProgressRows(app->app()) == 3; })) << ProgressRows(app->app());
    // Stored again at each redelivery, never acknowledged: the worker says the consumer is
    // stalled, for longer at each look (every 2 s).
    ASSERT_TRUE(Eventually([&] { return crashing.StalledSeconds() >= 1.5; })) << crashing.StalledSeconds();
    double first = crashing.StalledSeconds();
    ASSERT_TRUE(Eventually([&] { return crashing.StalledSeconds() > first; })) << crashing.StalledSeconds();
  }
  EXPECT_TRUE(Converged(app->app())) << Diff(app->app(), &nats);
  sync::IngestWorker again(portal, {.servers = {nats.Url()}});
  ASSERT_TRUE(Eventually([&] { return again.Ingested() == 3; })) << "redelivered after the ack wait: " << again.Ingested();
  // Acknowledged: nothing awaits, no stall.
  EXPECT_TRUE(Eventually([&] { return again.AckPending() == 0 && again.StalledSeconds() == 0; }))
      << again.AckPending() << " " << again.StalledSeconds();
  EXPECT_TRUE(Converged(app->app())) << Diff(app->app(), &nats);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 3);
}

// A batch holding a message the database refuses is stored in halves, one transaction each,
// which together may take longer than the ack wait (here 1 s; each transaction 0.4 s): its
// messages are told to be in progress meanwhile, so the server does not hand them to the other
// consumer thread, which would store them again. Each is acknowledged once.
TEST_P(Sync, ABatchSplitOverSeveralTransactionsIsNotRedeliveredMeanwhile) {
  NatsServer nats;
  auto app = RelayingMember(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  auto codes = SubmittedAndPublished(*app, 6);
  ASSERT_EQ(codes.size(), 6u);
  RefuseRecordsOf(app->app(), GetParam(), "national_progress", codes[2]);
  sync::Service portal(*app->app().db, PortalSettings(*app, 1s));
  std::atomic<int> transactions{0};
  sync::IngestWorker slow(portal, {.servers = {nats.Url()}}, 2, {}, [&] {
    ++transactions;
    std::this_thread::sleep_for(400ms);
  });
  ASSERT_TRUE(Eventually([&] { return ProgressRows(app->app()) == 5; }, 20s)) << ProgressRows(app->app());
  ASSERT_TRUE(Eventually([&] { return slow.Ingested() == 5; }, 5s)) << slow.Ingested();
  EXPECT_GE(transactions.load(), 4) << "the batch was split";
  std::this_thread::sleep_for(1500ms);  // longer than the ack wait: nothing comes twice
  EXPECT_EQ(slow.Ingested(), 5);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_progress WHERE MaHoSo = '" + codes[2] + "'"), 0);
}

TEST_P(Sync, ABatchWhoseOneTransactionOutlastsTheAckWaitIsNotRedeliveredMeanwhile) {
  NatsServer nats;
  auto app = RelayingMember(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  ASSERT_EQ(SubmittedAndPublished(*app, 3).size(), 3u);
  // Nothing is refused: each batch is stored in one transaction, which (a large batch on a slow
  // disk) lasts two and a half times the ack wait.
  sync::Service portal(*app->app().db, PortalSettings(*app, 1s));
  std::atomic<int> transactions{0};
  sync::IngestWorker slow(portal, {.servers = {nats.Url()}}, 2, {}, [&] {
    ++transactions;
    std::this_thread::sleep_for(2500ms);
  });
  ASSERT_TRUE(Eventually([&] { return ProgressRows(app->app()) == 3; }, 20s)) << ProgressRows(app->app());
  ASSERT_TRUE(Eventually([&] { return slow.Ingested() == 3; }, 5s)) << slow.Ingested();
  // A redelivery after the first ack wait would have been stored and acknowledged again by now.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(slow.Ingested(), 3);
  EXPECT_LE(transactions.load(), 3) << "each message is stored by one transaction";
}

TEST_P(Sync, ABatchThePortalCannotStoreComesBackWithinSecondsNotAfterTheAckWait) {
  NatsServer nats;
  auto app = Federation(GetParam(), nats.Url());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  // The portal's database refuses national progress rows while test_fail_ingest has a row.
  {
    auto c = app->app().db->Acquire();
    c->ExecuteScript("CREATE TABLE test_fail_ingest (x INTEGER); INSERT INTO test_fail_ingest VALUES (1)");
    if (GetParam() == "postgres") {
      c->ExecuteScript(
          "CREATE FUNCTION test_fail_ingest() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          "IF EXISTS (SELECT 1 FROM test_fail_ingest) THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$; "
          "CREATE TRIGGER test_fail_ingest BEFORE INSERT ON national_progress FOR EACH ROW EXECUTE FUNCTION test_fail_ingest()");
    } else {
      c->ExecuteScript(
          "CREATE TRIGGER test_fail_ingest BEFORE INSERT ON national_progress WHEN EXISTS (SELECT 1 FROM test_fail_ingest) "
          "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END");
    }
  }
  User citizen = SignIn(app->port(), "citizen.demo"), receiver = SignIn(app->port(), "receiver.demo");
  std::string code = Submit(citizen, "khi cơ sở dữ liệu lỗi");
  receiver.Act(code, "accept");
  auto& ingest = *app->app().sync_ingest;
  ASSERT_TRUE(Eventually([&] { return ingest.FailedBatches() >= 2; })) << Diff(app->app(), &nats);
  EXPECT_EQ(ingest.Ingested(), 0);
  EXPECT_EQ(ProgressRows(app->app()), 0);
  // Each of the two consumer threads says what it is doing.
  EXPECT_NE(ingest.Describe().find("thread 0 "), std::string::npos) << ingest.Describe();
  EXPECT_NE(ingest.Describe().find("; thread 1 "), std::string::npos) << ingest.Describe();
  auto metrics = Fetch(app->port(), "GET", "/metrics").body;
  auto at = metrics.find("\nmotcua_sync_ingest_failed_batches ");
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stod(metrics.substr(at + std::string_view("\nmotcua_sync_ingest_failed_batches ").size())), 2.0) << metrics;
  // The database is back: the events are stored once each, well inside the consumer's 30 s
  // ack wait, which is when an unacknowledged batch would otherwise come back.
  {
    auto c = app->app().db->Acquire();
    c->ExecuteScript("DELETE FROM test_fail_ingest");
  }
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 10s)) << Diff(app->app(), &nats);
  EXPECT_EQ(ingest.Ingested(), Events(app->app()));
  std::this_thread::sleep_for(1s);  // nothing more comes: what was given back came once
  EXPECT_EQ(ingest.Ingested(), Events(app->app()));
  EXPECT_EQ(ingest.Refused(), 0);
}

TEST_P(Sync, AMessageTheDatabaseRefusesHoldsBackOnlyItselfNotItsBatch) {
  std::uint16_t port = FreePort();
  auto app = Federation(GetParam(), "nats://127.0.0.1:" + std::to_string(port));
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo");
  std::string model = Submit(citizen, "mẫu");
  // A day of work queued while NATS is unreachable, so that it comes in large batches: 40
  // dossiers of 5 events each. The portal's database refuses one dossier's records, as it would
  // a record that breaks a constraint the checks before it do not know of.
  constexpr int kDossiers = 40, kSteps = 5;
  InsertBackdatedWork(*app->app().db, model, "poison-", kDossiers, kSteps, 10, "done");
  const std::string poisoned = "000.00.02.H99-261120-1007";
  RefuseRecordsOf(app->app(), GetParam(), "national_progress", poisoned);
  const std::int64_t events = Events(app->app());
  ASSERT_TRUE(Eventually([&] { return app->app().sync_relay->Depth() == events; }, 10s)) << app->app().sync_relay->Depth();

  NatsServer nats(port);
  auto& ingest = *app->app().sync_ingest;
  // Every other dossier's records are stored, though they came in the same batches.
  ASSERT_TRUE(Eventually([&] { return ProgressRows(app->app()) == events - kSteps; }, 30s))
      << Diff(app->app(), &nats) << "; isolated " << ingest.Isolated();
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_progress WHERE MaHoSo = '000.00.02.H99-261120-1007'"), 0);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers WHERE MaHoSo LIKE '%-261120-%' AND seq = 5"), kDossiers - 1);
  // Counted once the batch is settled, just after its rows commit.
  EXPECT_TRUE(Eventually([&] { return ingest.Isolated() >= kSteps; })) << ingest.Isolated();
  EXPECT_EQ(ingest.Refused(), 0) << "a message the database refuses is given back, not thrown away";
  auto metrics = Fetch(app->port(), "GET", "/metrics").body;
  auto at = metrics.find("\nmotcua_sync_ingest_isolated_deliveries ");
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stod(metrics.substr(at + std::string_view("\nmotcua_sync_ingest_isolated_deliveries ").size())), kSteps) << metrics;

  // The operator removes the cause: the held-back records come again and are stored, once each
  // (Converged: one progress row per event). Delivery is at least once, so the acknowledged
  // deliveries may exceed the events (an ASan run once acknowledged 202 of 200: a batch being
  // split outlasted the ack wait and was redelivered to the other thread, before the worker said
  // such batches were in progress; ABatchSplitOverSeveralTransactionsIsNotRedeliveredMeanwhile);
  // a record that comes twice is stored once.
  StopRefusingRows(*app->app().db->Acquire(), GetParam(), "national_progress");
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 40s)) << Diff(app->app(), &nats);
  ASSERT_TRUE(Eventually([&] { return ingest.Ingested() >= events; })) << IngestState(ingest);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_progress WHERE MaHoSo = '000.00.02.H99-261120-1007'"), kSteps);
  EXPECT_EQ(ingest.Refused(), 0);
}

TEST_P(Sync, TheStreamSurvivesLosingANodeOfAThreeNodeCluster) {
  std::vector<std::uint16_t> cluster_ports{FreePort(), FreePort(), FreePort()};
  std::string routes;
  for (auto p : cluster_ports) routes += (routes.empty() ? "" : ",") + std::string("nats://127.0.0.1:") + std::to_string(p);
  std::vector<std::unique_ptr<NatsServer>> nodes;
  std::string urls;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(std::make_unique<NatsServer>(0, std::vector<std::string>{
        "-n", "n" + std::to_string(i), "--cluster_name", "motcua", "--cluster", "nats://127.0.0.1:" + std::to_string(cluster_ports[i]),
        "--routes", routes}));
    urls += (urls.empty() ? "" : ",") + nodes.back()->Url();
  }
  // JetStream needs its meta leader before a replicated stream can be made.
  auto probe = sync::Nats::Connect({.servers = {nodes[0]->Url()}});
  ASSERT_TRUE(probe) << probe.error().message;
  sync::StreamOptions r3;
  r3.replicas = 3;
  ASSERT_TRUE(Eventually([&] { return (*probe)->EnsureStream(r3).has_value(); }, 30s)) << "no R3 stream";
  probe->reset();

  auto app = Federation(GetParam(), urls, 3);
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo"), receiver = SignIn(app->port(), "receiver.demo");
  std::vector<std::string> codes;
  for (int i = 0; i < 4; ++i) codes.push_back(Submit(citizen, "cụm " + std::to_string(i)));
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 30s)) << Diff(app->app(), nodes[1].get());
  nodes[0]->Stop();  // the node both clients connected to first
  for (int i = 0; i < 4; ++i) codes.push_back(Submit(citizen, "sau khi mất một nút " + std::to_string(i)));
  receiver.Act(codes[0], "accept");
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 40s)) << Diff(app->app(), nodes[1].get());
}

TEST_P(Sync, TheHttpApiTakesNationalRecordsWithPerRecordResults) {
  auto app = std::make_unique<TestApp>(GetParam(), false, [&](config::Config& c) { c.sync_portal = true; });
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  auto token_of = [&](const std::string& id, const std::string& secret) {
    auto r = Fetch(app->port(), "POST", "/oauth2/token",
                   {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic " + crypto::Base64Encode(id + ":" + secret)}},
                   "grant_type=client_credentials");
    EXPECT_EQ(r.status, 200) << r.body;
    return "Bearer " + std::string(Json(r).at("access_token").as_string());
  };
  std::string bearer = token_of("demo-service", "demo-service-secret");
  auto post = [&](const json::object& body, const std::string& auth) {
    return Fetch(app->port(), "POST", "/api/v1/national/sync", {{"Authorization", auth}, {"Content-Type", "application/json"}},
                 json::serialize(body));
  };
  json::object good{{"MaHoSo", "000.00.01.H41-261201-0001"}, {"MaTTHC", "1.005129"}, {"TenTTHC", "Đăng ký khai sinh"},
                    {"TrangThaiHoSo", "2"}, {"NgayTiepNhan", "20261201080000"}, {"SoGiayToChuHoSo", "001085012345"}, {"seq", 2}};
  json::object batch{{"madonvi", "H41"}, {"service", "DongBoHoSoMC"}, {"data", json::array{good}}};
  // Not yet a member: refused.
  EXPECT_EQ(post(batch, bearer).status, 403);
  User sysadmin = SignIn(app->port(), "sysadmin.demo");
  auto reg = sysadmin.Call("PUT", "/api/v1/admin/sync/members/H41", R"({"name":"UBND tỉnh Nghệ An","client_id":"demo-service"})");
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_EQ(SignIn(app->port(), "admin.demo").Call("PUT", "/api/v1/admin/sync/members/H41", "{}").status, 403);
  EXPECT_EQ(sysadmin.Call("PUT", "/api/v1/admin/sync/members/h41", "{}").status, 400);
  // A cookie session is not a sync client.
  EXPECT_EQ(sysadmin.Call("POST", "/api/v1/national/sync", json::serialize(batch)).status, 403);

  json::object forged = good;
  forged["MaHoSo"] = "000.00.01.H22-261201-0001";
  json::object bad_status = good;
  bad_status["MaHoSo"] = "000.00.01.H41-261201-0002";
  bad_status["TrangThaiHoSo"] = 12;
  // A NUL character (which PostgreSQL's text cannot hold) refuses its own record, not the request.
  json::object nul = good;
  nul["MaHoSo"] = "000.00.01.H41-261201-0003";
  static constexpr char kNulName[] = "Đăng ký\0khai sinh";
  nul["TenTTHC"] = std::string(kNulName, sizeof kNulName - 1);
  batch["data"] = json::array{good, forged, bad_status, json::string("x"), nul};
  auto r = post(batch, bearer);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = Json(r);
  EXPECT_EQ(out.at("error_code"), "01");
  EXPECT_EQ(out.at("accepted"), 1);
  EXPECT_EQ(out.at("refused"), 4);
  EXPECT_EQ(out.at("results").at(0).at("status"), "accepted");
  EXPECT_EQ(out.at("results").at(1).at("status"), "refused");
  EXPECT_EQ(out.at("results").at(1).at("errors").at(0).at("field"), "MaHoSo");
  EXPECT_EQ(out.at("results").at(2).at("errors").at(0).at("field"), "TrangThaiHoSo");
  EXPECT_EQ(out.at("results").at(4).at("status"), "refused");
  EXPECT_EQ(out.at("results").at(4).at("errors").at(0).at("field"), "TenTTHC") << out;
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.01.H41-261201-0003").status, 404);
  // The same again: a duplicate; an older one: stale; a newer one wins.
  json::object older = good;
  older["seq"] = 1;
  older["TrangThaiHoSo"] = 1;
  json::object newer = good;
  newer["seq"] = 3;
  newer["TrangThaiHoSo"] = 4;
  batch["data"] = json::array{good, older, newer};
  out = Json(post(batch, bearer));
  EXPECT_EQ(out.at("error_code"), "00") << out;
  EXPECT_EQ(out.at("results").at(0).at("status"), "duplicate");
  EXPECT_EQ(out.at("results").at(1).at("status"), "stale");
  EXPECT_EQ(out.at("results").at(2).at("status"), "accepted");
  EXPECT_EQ(Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.01.H41-261201-0001")).at("TrangThaiHoSo"), 4);
  // Progress records; the same record twice is stored once.
  json::object step{{"MaHoSo", "000.00.01.H41-261201-0001"}, {"NguoiXuLy", "Lê Thị Thu"}, {"ThoiDiemXuLy", "20261201090000"},
                    {"TrangThai", 4}, {"NoiDungXuLy", "Chuyển xử lý"}};
  json::object progress{{"service", "CapNhatTienDoHoSoMC"}, {"data", json::array{step, step}}};
  out = Json(post(progress, bearer));
  EXPECT_EQ(out.at("accepted"), 2) << out;
  EXPECT_EQ(ProgressRows(app->app()), 1);
  // The lists of the record (DOMAIN.md §2.6) are stored as sent, and checked.
  json::object full = good;
  full["MaHoSo"] = "000.00.01.H41-261201-0003";
  full["MaLinhVuc"] = "G09-HT";
  full["HoSoCoThanhPhanSoHoa"] = 1;
  full["DuocThanhToanTrucTuyen"] = 1;
  full["TaiLieuNop"] = json::array{json::object{{"TepDinhKemId", "f1"}, {"TenTepDinhKem", "to-khai.pdf"}, {"IsDeleted", false},
                                                {"MaThanhPhanHoSo", "TP1"}, {"DuongDanTaiTepTin", "https://h41.example/f1"}, {"DuocSoHoa", 1}}};
  full["DanhSachLePhi"] = json::array{json::object{{"TenPhiLePhi", "Lệ phí"}, {"MaPhiLePhi", "LP"}, {"HinhThucThu", 1}, {"Gia", 8000}}};
  full["DanhSachHoSoBoSung"] = json::array{json::object{{"HoSoBoSungId", "b1"}, {"NoiDungBoSung", "Thiếu"}, {"NgayBoSung", "20261201100000"},
                                                        {"TrangThaiBoSung", 0}}};
  full["DanhSachGiayToKetQua"] = json::array{json::object{{"TenGiayTo", "Trích lục"}, {"GiayToId", "k1"}, {"MaGiayToKetQua", "KQ1"}}};
  json::object lists_bad = full;
  lists_bad["MaHoSo"] = "000.00.01.H41-261201-0004";
  lists_bad["TaiLieuNop"] = "to-khai.pdf";
  lists_bad["DanhSachLePhi"] = json::array{json::object{{"Gia", -5}}};
  lists_bad["DanhSachHoSoBoSung"] = json::array{json::object{{"NgayBoSung", "hôm qua"}}};
  lists_bad["DanhSachGiayToKetQua"] = json::array{json::string("KQ1")};
  lists_bad["DuocThanhToanTrucTuyen"] = 2;
  batch["data"] = json::array{full, lists_bad};
  out = Json(post(batch, bearer));
  EXPECT_EQ(out.at("results").at(0).at("status"), "accepted") << out;
  ASSERT_EQ(out.at("results").at(1).at("status"), "refused") << out;
  std::set<std::string> fields;
  for (const auto& e : out.at("results").at(1).at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  for (const char* f : {"TaiLieuNop", "DanhSachLePhi/0/Gia", "DanhSachHoSoBoSung/0/NgayBoSung", "DanhSachGiayToKetQua/0", "DuocThanhToanTrucTuyen"}) {
    EXPECT_TRUE(fields.contains(f)) << f << " in " << out.at("results").at(1);
  }
  auto held = Json(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.01.H41-261201-0003?id_number=001085012345"));
  ASSERT_TRUE(held.at("details").as_bool()) << held;
  EXPECT_EQ(held.at("DongBoHoSoMC").at("TaiLieuNop"), full.at("TaiLieuNop"));
  EXPECT_EQ(held.at("DongBoHoSoMC").at("DanhSachGiayToKetQua").at(0).at("MaGiayToKetQua"), "KQ1");
  for (const auto& d : app->app().sync->CompareRecords("H41", {full})) {
    EXPECT_EQ(d.find("-0003"), std::string::npos) << "the checker compares the lists as sent: " << d;
  }
  // A record the database refuses (a rule the checks above do not know of; here a trigger) holds
  // back only itself: it is answered `failed`, to be sent again, and the others are stored.
  const std::string poisoned = "000.00.01.H41-261201-0006";
  RefuseRecordsOf(app->app(), GetParam(), "national_dossiers", poisoned);
  json::array three;
  for (const char* n : {"0005", "0006", "0007"}) {
    json::object x = good;
    x["MaHoSo"] = std::string("000.00.01.H41-261201-") + n;
    three.push_back(std::move(x));
  }
  batch["data"] = three;
  r = post(batch, bearer);
  ASSERT_EQ(r.status, 200) << r.body;
  out = Json(r);
  EXPECT_EQ(out.at("error_code"), "01") << out;
  EXPECT_EQ(out.at("accepted"), 2);
  EXPECT_EQ(out.at("failed"), 1);
  EXPECT_EQ(out.at("refused"), 0);
  EXPECT_EQ(out.at("results").at(0).at("status"), "accepted");
  EXPECT_EQ(out.at("results").at(1).at("status"), "failed");
  EXPECT_EQ(out.at("results").at(2).at("status"), "accepted");
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.01.H41-261201-0005").status, 200);
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/dossiers/" + poisoned).status, 404);
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/dossiers/000.00.01.H41-261201-0007").status, 200);
  StopRefusingRows(*app->app().db->Acquire(), GetParam(), "national_dossiers");
  out = Json(post(batch, bearer));  // sent again once the cause is gone
  EXPECT_EQ(out.at("error_code"), "00") << out;
  EXPECT_EQ(out.at("results").at(0).at("status"), "duplicate");
  EXPECT_EQ(out.at("results").at(1).at("status"), "accepted");
  EXPECT_EQ(out.at("results").at(2).at("status"), "duplicate");
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/national/dossiers/" + poisoned).status, 200);
  batch["data"] = json::array{good};  // the record of the first dossier again (seq 2): a duplicate
  // Envelope errors, and speaking for another member.
  EXPECT_EQ(post(json::object{{"service", "TraCuuHoSo"}, {"data", json::array{good}}}, bearer).status, 400);
  EXPECT_EQ(post(json::object{{"service", "DongBoHoSoMC"}, {"data", json::array{}}}, bearer).status, 400);
  EXPECT_EQ(post(json::object{{"madonvi", "H22"}, {"service", "DongBoHoSoMC"}, {"data", json::array{good}}}, bearer).status, 403);
  auto members = Json(sysadmin.Call("GET", "/api/v1/admin/sync/members"));
  EXPECT_EQ(members.at("items").at(0).at("code"), "H41");
  EXPECT_EQ(members.at("items").at(0).at("rejected"), 5);
}

// "My dossiers" on the national portal: the applicant's local dossiers and those other members
// publish (here over the HTTP sync API), merged newest submission first, each dossier once.
TEST_P(Sync, MyDossiersOnThePortalListOtherMembersDossiersOnceInOrder) {
  auto app = Federation(GetParam());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  auto& svc = *app->app().sync;
  User citizen = SignIn(app->port(), "citizen.demo");  // ID number 001085012345
  std::string early = Submit(citizen, "nộp giữa tháng"), late = Submit(citizen, "nộp hôm nay");
  ASSERT_FALSE(early.empty());
  ASSERT_FALSE(late.empty());
  {
    auto c = app->app().db->Acquire();
    c->Execute({"test_sync_backdate", "UPDATE dossiers SET submitted_at = '2026-11-15T01:00:00.000Z' WHERE code = $1"}, {early});
  }
  // This deployment is a member too: its own dossiers reach its national view (and must not
  // be listed twice).
  auto pending = svc.PendingMessages(100);
  std::vector<sync::Incoming> own;
  for (const auto& m : pending) own.push_back({"H99", m.data, false, {}});
  svc.Ingest(own);
  ASSERT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers WHERE member_code = 'H99'"), 2);

  User sysadmin = SignIn(app->port(), "sysadmin.demo");
  ASSERT_EQ(sysadmin.Call("PUT", "/api/v1/admin/sync/members/H41", R"({"name":"UBND tỉnh Nghệ An","client_id":"demo-service"})").status, 200);
  auto token = Fetch(app->port(), "POST", "/oauth2/token",
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"Authorization", "Basic " + crypto::Base64Encode("demo-service:demo-service-secret")}},
                     "grant_type=client_credentials");
  ASSERT_EQ(token.status, 200) << token.body;
  std::string bearer = "Bearer " + std::string(Json(token).at("access_token").as_string());
  auto record = [](const std::string& n, const std::string& submitted, int status, const std::string& id_number) {
    return json::object{{"MaHoSo", "000.00.01.H41-2611" + n}, {"MaTTHC", "1.005129"}, {"TenTTHC", "Đăng ký khai sinh"},
                        {"TrangThaiHoSo", status}, {"NgayNopHoSo", submitted}, {"NgayTiepNhan", submitted},
                        {"NgayHenTra", "20261230170000"}, {"DonViXuLy", "UBND xã Hưng Lộc"}, {"SoGiayToChuHoSo", id_number}};
  };
  json::object batch{{"madonvi", "H41"}, {"service", "DongBoHoSoMC"},
                     {"data", json::array{record("10-0001", "20261110080000", 2, "001085012345"),
                                          record("20-0002", "20261120080000", 4, "001085012345"),
                                          record("21-0003", "20261121080000", 4, "079190123456")}}};
  auto posted = Fetch(app->port(), "POST", "/api/v1/national/sync", {{"Authorization", bearer}, {"Content-Type", "application/json"}},
                      json::serialize(batch));
  ASSERT_EQ(posted.status, 200) << posted.body;
  ASSERT_EQ(Json(posted).at("accepted"), 3) << posted.body;

  std::vector<std::string> want{late, "000.00.01.H41-261120-0002", early, "000.00.01.H41-261110-0001"};
  auto mine = Json(citizen.Call("GET", "/api/v1/me/dossiers"));
  EXPECT_EQ(mine.at("total"), 4) << mine;
  std::vector<std::string> got;
  for (const auto& it : mine.at("items").as_array()) got.emplace_back(it.at("code").as_string());
  EXPECT_EQ(got, want) << mine;
  // Another member's dossier is marked with its member and agency, and links to national tracking.
  const auto& other = mine.at("items").at(1).as_object();
  EXPECT_EQ(other.at("source"), "national");
  EXPECT_EQ(other.at("member").at("code"), "H41");
  EXPECT_EQ(other.at("member").at("name"), "UBND tỉnh Nghệ An");
  EXPECT_EQ(other.at("agency").at("name"), "UBND xã Hưng Lộc");
  EXPECT_EQ(other.at("tracking_url"), "/api/v1/national/dossiers/000.00.01.H41-261120-0002");
  EXPECT_EQ(other.at("submitted_at"), "2026-11-20T08:00:00+07:00");
  EXPECT_EQ(other.at("status"), 4);
  EXPECT_FALSE(std::string(other.at("status_label").as_string()).empty());
  EXPECT_FALSE(mine.at("items").at(0).as_object().contains("source")) << "a local dossier is the dossier module's own";
  EXPECT_EQ(Json(citizen.Call("GET", "/api/v1/national/dossiers/000.00.01.H41-261120-0002")).at("details"), true);

  // Paging one at a time walks the same order, each dossier once.
  std::vector<std::string> walked;
  std::string cursor = "0";
  for (int i = 0; i < 10 && !cursor.empty(); ++i) {
    auto page = Json(citizen.Call("GET", "/api/v1/me/dossiers?limit=1&cursor=" + cursor));
    ASSERT_EQ(page.at("items").as_array().size(), 1u) << page;
    walked.emplace_back(page.at("items").at(0).at("code").as_string());
    cursor = page.at("next_cursor").is_null() ? std::string() : std::string(page.at("next_cursor").as_string());
  }
  EXPECT_EQ(walked, want);
  auto tail = Json(citizen.Call("GET", "/api/v1/me/dossiers?limit=3&cursor=3"));
  EXPECT_EQ(tail.at("items").as_array().size(), 1u) << tail;
  EXPECT_TRUE(tail.at("next_cursor").is_null());
  EXPECT_TRUE(Json(citizen.Call("GET", "/api/v1/me/dossiers?cursor=9")).at("items").as_array().empty());
  // The status filter applies to both.
  auto in_progress = Json(citizen.Call("GET", "/api/v1/me/dossiers?status=4"));
  EXPECT_EQ(in_progress.at("total"), 1) << in_progress;
  EXPECT_EQ(in_progress.at("items").at(0).at("code"), "000.00.01.H41-261120-0002");
  auto fresh = Json(citizen.Call("GET", "/api/v1/me/dossiers?status=1"));
  EXPECT_EQ(fresh.at("total"), 2) << fresh;
  // Bad paging is refused; another applicant sees only theirs.
  EXPECT_EQ(citizen.Call("GET", "/api/v1/me/dossiers?limit=0").status, 400);
  EXPECT_EQ(citizen.Call("GET", "/api/v1/me/dossiers?cursor=x").status, 400);
  auto second = Json(SignIn(app->port(), "citizen2.demo").Call("GET", "/api/v1/me/dossiers"));
  EXPECT_EQ(second.at("total"), 1) << second;
  EXPECT_EQ(second.at("items").at(0).at("code"), "000.00.01.H41-261121-0003");
  EXPECT_EQ(Fetch(app->port(), "GET", "/api/v1/me/dossiers").status, 401);
}

// The roll-up (national_stats) against a direct count of the national view, bucket by bucket.
std::string RollUpDiff(app::App& a) {
  auto c = a.db->Acquire();
  auto direct = c->Execute({"test_sync_stats_direct",
                            "SELECT member_code, MaTTHC, TrangThaiHoSo, substr(COALESCE(NgayTiepNhan, NgayNopHoSo, ''), 1, 8), COUNT(*) "
                            "FROM national_dossiers GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"});
  auto rolled = c->Execute({"test_sync_stats_rolled",
                            "SELECT member_code, MaTTHC, TrangThaiHoSo, day, n FROM national_stats WHERE n <> 0 ORDER BY 1, 2, 3, 4"});
  auto text = [](const db::ResultSet& r) {
    std::string out;
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      out += r.Text(i, 0) + " " + r.Text(i, 1) + " " + std::to_string(r.Int(i, 2)) + " " + r.Text(i, 3) + " = " + std::to_string(r.Int(i, 4)) + "\n";
    }
    return out;
  };
  std::string d = text(direct), r = text(rolled);
  return d == r ? std::string() : "direct:\n" + d + "roll-up:\n" + r;
}

TEST_P(Sync, TheStatisticsRollUpEqualsADirectCountAfterDuplicatedReorderedAndHttpRecords) {
  auto app = Federation(GetParam());
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  auto& svc = *app->app().sync;
  // Dossier n of procedure p moves through statuses 1 → 2 → 4 → 10; received (NgayTiepNhan) on
  // 1 or 2 Dec from its second event on; before that only submitted (30 Nov).
  auto message = [](int n, std::int64_t seq) {
    static const int kStatus[] = {0, 1, 2, 4, 10};
    sync::DossierFacts f;
    f.code = "000.00.02.H99-261130-" + std::to_string(1000 + n);
    f.procedure_code = n % 3 == 0 ? "1.005129" : "2.913001";
    f.status = kStatus[seq];
    f.event_status = f.status;
    f.seq = seq;
    f.submitted_at = "2026-11-30T02:00:00.000Z";
    if (seq >= 2) f.received_at = n % 2 == 0 ? "2026-12-01T02:00:00.000Z" : "2026-12-02T02:00:00.000Z";
    f.event_at = "2026-12-0" + std::to_string(seq) + "T03:00:00.000Z";
    f.action = "step" + std::to_string(seq);
    return json::serialize(sync::EventMessage("H99", "H99:s" + std::to_string(n) + ":" + std::to_string(seq), f));
  };
  std::vector<std::string> bytes;  // every event of 12 dossiers, then again, shuffled
  for (int n = 0; n < 12; ++n) {
    for (int seq = 1; seq <= 4 - n % 3; ++seq) bytes.push_back(message(n, seq));
  }
  std::vector<std::string> deliveries = bytes;
  deliveries.insert(deliveries.end(), bytes.begin(), bytes.end());
  std::mt19937 rng(20261204);
  std::shuffle(deliveries.begin(), deliveries.end(), rng);
  for (std::size_t at = 0; at < deliveries.size(); at += 7) {  // batches of 7, duplicates inside some
    std::vector<sync::Incoming> batch;
    for (std::size_t i = at; i < std::min(at + 7, deliveries.size()); ++i) batch.push_back({"H99", deliveries[i], false, {}});
    batch.push_back({"H99", deliveries[at], false, {}});
    svc.Ingest(batch);
    ASSERT_EQ(RollUpDiff(app->app()), "") << "after the batch at " << at;
  }
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 12);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers WHERE TrangThaiHoSo = 10"), 4) << "n % 3 == 0 reach 10";

  // HTTP API records: accepted, duplicate, stale, newer, without seq.
  User sysadmin = SignIn(app->port(), "sysadmin.demo");
  ASSERT_EQ(sysadmin.Call("PUT", "/api/v1/admin/sync/members/H41", R"({"name":"Nghệ An","client_id":"demo-service"})").status, 200);
  auto token = Fetch(app->port(), "POST", "/oauth2/token",
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"Authorization", "Basic " + crypto::Base64Encode("demo-service:demo-service-secret")}},
                     "grant_type=client_credentials");
  ASSERT_EQ(token.status, 200) << token.body;
  std::string bearer = "Bearer " + std::string(Json(token).at("access_token").as_string());
  auto record = [](const std::string& n, int status, const std::string& received, std::optional<int> seq) {
    json::object r{{"MaHoSo", "000.00.01.H41-261201-" + n}, {"MaTTHC", "1.005129"}, {"TrangThaiHoSo", status},
                   {"NgayNopHoSo", "20261201080000"}};
    if (!received.empty()) r["NgayTiepNhan"] = received;
    if (seq) r["seq"] = *seq;
    return r;
  };
  auto post = [&](json::array data) {
    auto r = Fetch(app->port(), "POST", "/api/v1/national/sync", {{"Authorization", bearer}, {"Content-Type", "application/json"}},
                   json::serialize(json::object{{"madonvi", "H41"}, {"service", "DongBoHoSoMC"}, {"data", std::move(data)}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  };
  post({record("0001", 2, "20261201090000", 2), record("0002", 1, "", std::nullopt), record("0003", 4, "20261202090000", 3)});
  auto out = post({record("0001", 2, "20261201090000", 2), record("0001", 1, "", 1), record("0001", 4, "20261203090000", 5),
                   record("0002", 2, "20261202090000", std::nullopt), record("0003", 9, "20261202090000", 2)});
  EXPECT_EQ(out.at("results").at(0).at("status"), "duplicate") << out;
  EXPECT_EQ(out.at("results").at(1).at("status"), "stale") << out;
  EXPECT_EQ(out.at("results").at(2).at("status"), "accepted") << out;
  EXPECT_EQ(out.at("results").at(4).at("status"), "stale") << out;
  EXPECT_EQ(RollUpDiff(app->app()), "");

  // The API serves the roll-up: totals equal a direct count, per member and per day.
  auto stats = Json(Fetch(app->port(), "GET", "/api/v1/national/stats?by=member"));
  EXPECT_EQ(stats.at("total"), 15) << stats;
  EXPECT_EQ(stats.at("rows").at(0).at("key"), "H41");
  EXPECT_EQ(stats.at("rows").at(0).at("by_status").at("4"), 2) << stats;
  EXPECT_EQ(stats.at("rows").at(1).at("total"), 12);
  auto day = Json(Fetch(app->port(), "GET", "/api/v1/national/stats?by=status&from=2026-12-02&to=2026-12-02"));
  EXPECT_EQ(day.at("total"), Count(app->app(), "SELECT COUNT(*) FROM national_dossiers WHERE COALESCE(NgayTiepNhan, NgayNopHoSo) LIKE '20261202%'"))
      << day;
  EXPECT_GT(day.at("total").as_int64(), 0);
  auto procedure = Json(Fetch(app->port(), "GET", "/api/v1/national/stats?by=procedure&from=2026-11-30"));
  EXPECT_EQ(procedure.at("total"), 15) << procedure;
  for (const char* bad : {"?by=agency", "?from=2026-13", "?from=2026-12-0x", "?to=02/12/2026", "?from=2026-12-03&to=2026-12-01"}) {
    auto r = Fetch(app->port(), "GET", std::string("/api/v1/national/stats") + bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }

  // A transaction that fails half-way leaves the roll-up as it was (same transaction).
  {
    auto c = app->app().db->Acquire();
    db::Transaction tx(*c);
    c->Execute({"test_sync_stats_abort", "UPDATE national_dossiers SET TrangThaiHoSo = 9 WHERE member_code = 'H41'"});
    EXPECT_EQ(c->Execute({"test_sync_stats_inside", "SELECT CAST(SUM(n) AS BIGINT) FROM national_stats WHERE member_code = 'H41' AND TrangThaiHoSo = 9"})
                  .Int(0, 0), 3) << "inside the transaction the roll-up moved with the rows";
  }  // not committed: rolled back
  EXPECT_EQ(RollUpDiff(app->app()), "");
  EXPECT_EQ(Json(Fetch(app->port(), "GET", "/api/v1/national/stats?by=member")).at("total"), 15);

  // Two ingests at once (PostgreSQL: two writers) over the same buckets: no deadlock, exact.
  std::vector<std::string> more;
  for (int n = 12; n < 60; ++n) {
    for (int seq = 1; seq <= 4; ++seq) more.push_back(message(n, seq));
  }
  std::shuffle(more.begin(), more.end(), rng);
  auto half = [&](std::size_t from) {
    for (std::size_t at = from; at < more.size(); at += 20) {
      std::vector<sync::Incoming> batch;
      for (std::size_t i = at; i < std::min(at + 10, more.size()); ++i) batch.push_back({"H99", more[i], false, {}});
      svc.Ingest(batch);
    }
  };
  std::thread a(half, 0), b(half, 10);
  a.join();
  b.join();
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 63);
  EXPECT_EQ(RollUpDiff(app->app()), "");
}

// Runs the motcua binary to its end: its exit status and its output (stdout and stderr).
std::pair<int, std::string> RunMotcua(std::vector<std::string> args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {-1, "pipe"};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    std::string bin = MOTCUA_BINARY;
    std::vector<char*> argv{bin.data()};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

// `motcua sync-resync` as an operator runs it, against the member's database and NATS: a
// member whose five days of work never reached the portal (longer than the stream keeps
// events), then a portal that lost two of those days. Bad arguments publish nothing.
TEST_P(Sync, TheResyncCommandRepublishesAMemberDateRangeUntilThePortalEqualsTheMember) {
  NatsServer nats;
  auto app = Federation(GetParam(), nats.Url(), 1, 0);  // no relay in the server: only the command publishes
  if (!app->available()) GTEST_SKIP() << "PostgreSQL not available";
  User citizen = SignIn(app->port(), "citizen.demo");
  std::string model = Submit(citizen, "mẫu");
  constexpr int kDossiers = 100, kSteps = 5;
  InsertBackdatedWork(*app->app().db, model, "resync-", kDossiers, kSteps, 5, "processing");
  const std::string db = app->db_url(), url = nats.Url();
  auto resync = [&](std::vector<std::string> more) {
    std::vector<std::string> args{"sync-resync", "--db", db, "--sync-nats-url", url, "--public-url",
                                  "http://127.0.0.1:" + std::to_string(app->port())};
    args.insert(args.end(), more.begin(), more.end());
    return RunMotcua(args);
  };
  auto republished = [&] { return Count(app->app(), "SELECT COUNT(*) FROM sync_outbox WHERE generation > 0 OR sent_at IS NOT NULL"); };

  // Bad arguments: a clear error, a non-zero exit, nothing queued or published.
  struct Bad {
    std::vector<std::string> args;
    std::string says;
  };
  std::vector<Bad> bad{
      {{"--sync-member", "H99", "--from", "2026-11-24", "--to", "2026-11-20"}, "from not after to"},
      {{"--sync-member", "H99", "--from", "2026-13-01", "--to", "2026-11-24"}, "YYYY-MM-DD"},
      {{"--sync-member", "H99", "--from", "20/11/2026", "--to", "2026-11-24"}, "YYYY-MM-DD"},
      {{"--sync-member", "H99", "--member", "H41", "--from", "2026-11-20", "--to", "2026-11-24"}, "not H41"},
      {{"--from", "2026-11-20", "--to", "2026-11-24"}, "sync_member is not set"},
      {{"--sync-member", "H99", "--from", "2026-11-20"}, "--to"},
  };
  for (const auto& b : bad) {
    auto [status, out] = resync(b.args);
    EXPECT_NE(status, 0) << out;
    EXPECT_NE(out.find(b.says), std::string::npos) << out;
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(republished(), 0);
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 0);
  EXPECT_EQ(app->app().sync_ingest->Ingested(), 0);

  // The five days: every event of them published; the portal ends equal to the member.
  auto [status, out] = resync({"--sync-member", "H99", "--member", "H99", "--from", "2026-11-20", "--to", "2026-11-24"});
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find(std::to_string(kDossiers * kSteps) + " events queued for H99"), std::string::npos) << out;
  EXPECT_NE(out.find(" published, 0 waiting"), std::string::npos) << out;
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 60s)) << Diff(app->app(), &nats);
  EXPECT_TRUE(RecordsConverged(app->app())) << RecordDiff(app->app());

  // The portal loses 22 and 23 Nov; a re-sync of those two days restores them, each event once.
  {
    auto c = app->app().db->Acquire();
    db::Transaction tx(*c);
    c->Execute({"test_sync_resync_lose_progress",
                "DELETE FROM national_progress WHERE MaHoSo IN (SELECT code FROM dossiers WHERE id LIKE 'resync-%' AND "
                "CAST(substr(id, 8) AS INTEGER) % 5 IN (2, 3))"});
    c->Execute({"test_sync_resync_lose_dossiers",
                "DELETE FROM national_dossiers WHERE MaHoSo IN (SELECT code FROM dossiers WHERE id LIKE 'resync-%' AND "
                "CAST(substr(id, 8) AS INTEGER) % 5 IN (2, 3))"});
    tx.Commit();
  }
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_dossiers"), 1 + kDossiers * 3 / 5);
  auto again = resync({"--sync-member", "H99", "--from", "2026-11-22", "--to", "2026-11-23"});
  ASSERT_EQ(again.first, 0) << again.second;
  EXPECT_NE(again.second.find(std::to_string(kDossiers * 2 / 5 * kSteps) + " events queued"), std::string::npos) << again.second;
  ASSERT_TRUE(Eventually([&] { return Converged(app->app()); }, 60s)) << Diff(app->app(), &nats);
  EXPECT_TRUE(RecordsConverged(app->app())) << RecordDiff(app->app());
  EXPECT_EQ(Count(app->app(), "SELECT COUNT(*) FROM national_progress WHERE MaHoSo LIKE '%-261120-%'"), kDossiers * kSteps);
}

INSTANTIATE_TEST_SUITE_P(Engines, Sync, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace motcua::testing
