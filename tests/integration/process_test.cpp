// The motcua binary as an operator runs it: commands, help, configuration errors, and a
// graceful stop on SIGTERM with exit status 0.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "db/database.hpp"
#include "integration/api_user.hpp"
#include "integration/notify_fakes.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace motcua::testing {
namespace {

using namespace std::chrono_literals;

/// A child process with its stdout+stderr captured.
class Child {
 public:
  Child(std::vector<std::string> args, std::vector<std::string> env = {}) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv;
      std::string bin = MOTCUA_BINARY;
      argv.push_back(bin.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  /// Reads output until `pattern` matches or the timeout; returns the first capture group.
  std::optional<std::string> WaitFor(const std::regex& pattern, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::smatch m;
    while (!std::regex_search(output_, m, pattern)) {
      if (!Pump(deadline)) return std::nullopt;
    }
    return m.size() > 1 ? m[1].str() : m[0].str();
  }
  /// Waits for exit; returns the status, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        while (Pump(std::chrono::steady_clock::now() + 100ms)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      Pump(std::chrono::steady_clock::now() + 20ms);
    }
    return -1;
  }
  void Signal(int sig) { ::kill(pid_, sig); }
  /// The port a `serve` child logged as listening on; nullopt when it did not start in time.
  std::optional<std::uint16_t> ListeningPort(std::chrono::milliseconds timeout = 20s) {
    auto port = WaitFor(std::regex(R"re("msg":"listening".*"port":(\d+))re"), timeout);
    if (!port) return std::nullopt;
    return static_cast<std::uint16_t>(std::stoi(*port));
  }
  const std::string& output() const { return output_; }

 private:
  bool Pump(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  std::string output_;
};

TEST(Process, VersionAndHelp) {
  Child version({"version"});
  EXPECT_EQ(version.Wait(10s), 0);
  EXPECT_NE(version.output().find(std::string("motcua ") + MOTCUA_VERSION), std::string::npos);
  for (const char* cmd : {"serve", "migrate", "seed", "version"}) {
    Child help({cmd, "--help"});
    EXPECT_EQ(help.Wait(10s), 0) << cmd;
    EXPECT_NE(help.output().find("Usage"), std::string::npos) << help.output();
  }
  Child serve_help({"serve", "--help"});
  serve_help.Wait(10s);
  EXPECT_NE(serve_help.output().find("--listen"), std::string::npos);
  EXPECT_NE(serve_help.output().find("MOTCUA_DB"), std::string::npos);
  Child none({});
  EXPECT_NE(none.Wait(10s), 0);
}

TEST(Process, BadConfigurationIsRefusedNamingTheKey) {
  Child flag({"serve", "--listen", "nowhere"});
  EXPECT_EQ(flag.Wait(10s), 2);
  EXPECT_NE(flag.output().find("'listen'"), std::string::npos) << flag.output();
  Child env({"serve"}, {"MOTCUA_IO_THREADS=lots"});
  EXPECT_EQ(env.Wait(10s), 2);
  EXPECT_NE(env.output().find("MOTCUA_IO_THREADS"), std::string::npos) << env.output();
  Child secret({"migrate", "--db", "mysql://root:hunter2@db/x"});
  EXPECT_EQ(secret.Wait(10s), 2);
  EXPECT_EQ(secret.output().find("hunter2"), std::string::npos) << secret.output();
  Child unreachable({"migrate", "--db", "postgresql://nobody:hunter2@127.0.0.1:1/none"});
  EXPECT_EQ(unreachable.Wait(10s), 1);
  EXPECT_EQ(unreachable.output().find("hunter2"), std::string::npos) << unreachable.output();
}

TEST(Process, ConfigFileIsReadAndFlagsWin) {
  TestDatabase db("sqlite");
  TempDir dir;
  auto file = dir.path() / "motcua.conf";
  std::ofstream(file) << "# test configuration\n"
                      << "db = \"" << db.url() << "\"\n"
                      << "listen = 127.0.0.1:1\n"
                      << "blob_dir = " << (dir.path() / "blobs").string() << "\n"
                      << "web_dir = /nonexistent\n";
  // From the file via MOTCUA_CONFIG; the flag overrides the file's port.
  Child server({"serve", "--listen", "127.0.0.1:0"}, {"MOTCUA_CONFIG=" + file.string()});
  auto port = server.ListeningPort();
  ASSERT_TRUE(port.has_value()) << server.output();
  EXPECT_EQ(Fetch(*port, "GET", "/readyz").status, 200);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);

  std::ofstream(file, std::ios::app) << "listen_port = 80\n";
  Child bad({"--config", file.string(), "serve"});
  EXPECT_EQ(bad.Wait(10s), 2);
  EXPECT_NE(bad.output().find("unknown configuration key 'listen_port'"), std::string::npos)
      << bad.output();
  EXPECT_NE(bad.output().find("motcua.conf:6"), std::string::npos) << bad.output();
}

TEST(Process, MigrateThenSeedAreIdempotent) {
  TestDatabase db("sqlite");
  Child migrate({"migrate", "--db", db.url()});
  EXPECT_EQ(migrate.Wait(20s), 0) << migrate.output();
  EXPECT_NE(migrate.output().find("applied 0001_foundation"), std::string::npos) << migrate.output();
  Child seed({"seed", "--demo", "--db", db.url()});
  EXPECT_EQ(seed.Wait(20s), 0) << seed.output();
  EXPECT_NE(seed.output().find("demo data seeded"), std::string::npos);
  Child again({"seed", "--demo", "--db", db.url()});
  EXPECT_EQ(again.Wait(20s), 0);
  EXPECT_NE(again.output().find("already present"), std::string::npos);
  Child no_demo({"seed", "--db", db.url()});
  EXPECT_NE(no_demo.Wait(10s), 0) << "seed without --demo is refused";
}

TEST(Process, SigtermStopsGracefullyWithExitZero) {
  TestDatabase db("sqlite");
  TempDir blobs;
  Child server({"serve", "--listen", "127.0.0.1:0", "--db", db.url(), "--demo", "--blob-dir",
                blobs.path().string(), "--web-dir", "/nonexistent"});
  auto port = server.ListeningPort();
  ASSERT_TRUE(port.has_value()) << server.output();
  auto p = *port;
  auto r = Fetch(p, "GET", "/api/v1/instance");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"demo\":true"), std::string::npos);
  Connection idle(p);
  idle.Send(RequestText("GET", "/healthz"));
  ASSERT_TRUE(idle.Read().has_value());

  // One JSON access-log line per request, carrying the request id it was answered with.
  auto logged = server.WaitFor(
      std::regex(R"re(\{"ts":"[^"]+","level":"info","msg":"request","request_id":"([0-9a-f-]{36})","method":"GET","path":"/api/v1/instance","route":"/api/v1/instance","status":200,)re"),
      5s);
  ASSERT_TRUE(logged.has_value()) << server.output();
  EXPECT_EQ(r.Header("X-Request-Id"), *logged);

  server.Signal(SIGTERM);
  EXPECT_TRUE(idle.ClosedWithin(5s));
  EXPECT_EQ(server.Wait(10s), 0) << server.output();
  EXPECT_NE(server.output().find("\"msg\":\"stopped\""), std::string::npos) << server.output();
  EXPECT_THROW(Connection gone(p), std::runtime_error);
}

// `serve --demo` on a free port with a cheap password cost, for the crash tests.
std::vector<std::string> DemoServeArgs(const TestDatabase& db, const TempDir& blobs) {
  return {"serve", "--listen", "127.0.0.1:0", "--db", db.url(), "--demo", "--blob-dir",
          blobs.path().string(), "--web-dir", "/nonexistent", "--access-log", "false",
          "--password-hash-iterations", "1", "--password-hash-memory-kib", "8192"};
}

// Registrations while the server is killed (SIGKILL, no chance to clean up): every account the
// server acknowledged survives the restart and can sign in; no account is left half-written.
TEST(Process, AKilledServerKeepsEveryAcknowledgedRegistrationAndNoHalfAccount) {
  TestDatabase db("sqlite");
  TempDir blobs;
  std::vector<std::string> args = DemoServeArgs(db, blobs);
  auto first = std::make_unique<Child>(args);
  auto port = first->ListeningPort();
  ASSERT_TRUE(port.has_value()) << first->output();
  auto p = *port;

  std::vector<std::string> acknowledged;
  std::atomic<int> attempted{0};
  std::thread writer([&] {
    for (int i = 0; i < 400; ++i) {
      char pin[13];
      std::snprintf(pin, sizeof pin, "0010%02d%06d", 90, i);
      std::string body = std::string(R"({"kind":"citizen","personal_id":")") + pin +
                         R"(","full_name":"Người Thử","birth_date":"1990-01-01","gender":"male","email":"t)" +
                         std::to_string(i) + R"(@demo.invalid","phone":"0912000111","password":"Thu@2026abc"})";
      try {
        ++attempted;
        auto r = Fetch(p, "POST", "/api/v1/accounts", {{"Content-Type", "application/json"}}, body);
        if (r.status == 201) acknowledged.emplace_back(pin);
      } catch (const std::exception&) {
        break;  // the server is gone
      }
    }
  });
  std::this_thread::sleep_for(400ms);
  first->Signal(SIGKILL);
  writer.join();
  first->Wait(5s);
  ASSERT_GT(acknowledged.size(), 0u) << "no registration finished before the kill";
  ASSERT_LT(acknowledged.size(), 400u) << "the kill came after the last registration; nothing was interrupted";

  Child second(args);
  port = second.ListeningPort();
  ASSERT_TRUE(port.has_value()) << second.output();
  p = *port;
  for (const auto& pin : acknowledged) {
    auto r = Fetch(p, "POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                   R"({"login":")" + pin + R"(","password":"Thu@2026abc"})");
    EXPECT_EQ(r.status, 200) << pin << ": " << r.body;
  }
  // Whatever was in flight is either a whole account (it can sign in) or nothing at all.
  auto raw = db::Database::Open(db.url(), {.size = 1});
  auto conn = raw->Acquire();
  auto r = conn->Execute({"test_half_accounts",
                          "SELECT COUNT(*) FROM accounts WHERE kind = 'citizen' AND login LIKE '001090%' AND "
                          "(password_hash IS NULL OR personal_id IS NULL OR personal_id = '')"});
  EXPECT_EQ(r.Int(0, 0), 0);
  auto all = conn->Execute({"test_registered", "SELECT login FROM accounts WHERE login LIKE '001090%'"});
  for (std::size_t i = 0; i < all.rows.size(); ++i) {
    auto login = all.Text(i, 0);
    auto signin = Fetch(p, "POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                        R"({"login":")" + login + R"(","password":"Thu@2026abc"})");
    EXPECT_EQ(signin.status, 200) << login;
  }
}

// Online submissions while the server is killed: every dossier the server acknowledged is
// there after the restart with its form and files, the day's numbers stay gap-free (what was in
// flight left no number behind), and a retry of the interrupted request makes no second dossier.
TEST(Process, AKilledServerKeepsEveryAcknowledgedDossierWithGapFreeCodes) {
  TestDatabase db("sqlite");
  TempDir blobs;
  std::vector<std::string> args = DemoServeArgs(db, blobs);
  auto first = std::make_unique<Child>(args);
  auto port = first->ListeningPort();
  ASSERT_TRUE(port.has_value()) << first->output();
  auto p = *port;
  User citizen = SignIn(p, "citizen.demo");

  std::vector<std::string> acknowledged;
  std::string interrupted_key, interrupted_body;
  std::thread writer([&] {
    for (int i = 0; i < 400; ++i) {
      std::string key = "crash-" + std::to_string(i);
      try {
        auto up = Fetch(p, "POST", "/api/v1/attachments?name=to-khai.pdf",
                        {{"Cookie", citizen.cookie}, {"X-CSRF-Token", citizen.csrf}, {"Content-Type", "application/pdf"}},
                        Pdf("to khai " + std::to_string(i)) + std::string(100 * 1024, ' '));
        if (up.status != 201) break;
        boost::json::object body{{"procedure_code", "2.913001"}, {"case_code", "1"}, {"channel", "online"},
                                 {"form", CriminalRecordForm()}, {"summary", "Lần " + std::to_string(i)},
                                 {"documents", boost::json::array{boost::json::object{
                                                   {"code", "GT.2913001.1.01"},
                                                   {"attachment_ids", boost::json::array{Json(up).at("id")}}}}}};
        interrupted_key = key;
        interrupted_body = boost::json::serialize(body);
        auto r = citizen.Call("POST", "/api/v1/dossiers", interrupted_body, {{"Idempotency-Key", key}});
        if (r.status == 201) acknowledged.emplace_back(Json(r).at("code").as_string());
      } catch (const std::exception&) {
        break;  // the server is gone
      }
    }
  });
  std::this_thread::sleep_for(1500ms);
  first->Signal(SIGKILL);
  writer.join();
  first->Wait(5s);
  ASSERT_GT(acknowledged.size(), 0u) << "no submission finished before the kill";
  ASSERT_LT(acknowledged.size(), 400u) << "the kill came after the last submission; nothing was interrupted";

  Child second(args);
  port = second.ListeningPort();
  ASSERT_TRUE(port.has_value()) << second.output();
  p = *port;
  citizen = SignIn(p, "citizen.demo");
  for (const auto& code : acknowledged) {
    auto r = citizen.Call("GET", "/api/v1/dossiers/" + code);
    ASSERT_EQ(r.status, 200) << code << ": " << r.body;
    EXPECT_EQ(Json(r).at("form").at("nguoi_duoc_cap_phieu").at("ho_ten"), "Nguyễn Văn An");
    auto file = Json(r).at("documents").at(0).at("attachments").at(0).at("id");
    EXPECT_EQ(citizen.Call("GET", "/api/v1/attachments/" + std::string(file.as_string())).status, 200) << code;
  }
  // The interrupted request, retried with its key: the dossier it made, or one new dossier.
  auto retry = citizen.Call("POST", "/api/v1/dossiers", interrupted_body, {{"Idempotency-Key", interrupted_key}});
  ASSERT_TRUE(retry.status == 200 || retry.status == 201) << retry.body;
  auto again = citizen.Call("POST", "/api/v1/dossiers", interrupted_body, {{"Idempotency-Key", interrupted_key}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(Json(again).at("code"), Json(retry).at("code"));
  auto raw = db::Database::Open(db.url(), {.size = 1});
  auto conn = raw->Acquire();
  auto codes = conn->Execute({"test_dossier_codes", "SELECT code FROM dossiers ORDER BY code"});
  auto last = conn->Execute({"test_dossier_sequence", "SELECT COALESCE(SUM(last), 0) FROM dossier_sequences"});
  EXPECT_EQ(static_cast<std::int64_t>(codes.rows.size()), last.Int(0, 0)) << "a number was used by nothing";
  for (std::size_t i = 0; i < codes.rows.size(); ++i) {
    char want[24];
    std::snprintf(want, sizeof want, "%04zu", i + 1);
    EXPECT_EQ(codes.Text(i, 0).substr(codes.Text(i, 0).size() - 4), want);
  }
  auto events = conn->Execute({"test_submit_events",
                               "SELECT COUNT(*) FROM dossiers d WHERE (SELECT COUNT(*) FROM dossier_events e "
                               "WHERE e.dossier_id = d.id AND e.action = 'submit') <> 1"});
  EXPECT_EQ(events.Int(0, 0), 0) << "every dossier has exactly its submission event";
}

// The notification sender killed (SIGKILL) in the middle of a burst of e-mails: after a restart
// every queued message reaches the SMTP sink — at least once, and a duplicate (the one message
// in flight at the kill) carries the same Message-ID, so it is recognisable.
TEST(Process, AKilledSenderLosesNoNotificationAndDuplicatesAtMostTheOneInFlight) {
  if (!SmtpSinkAvailable()) GTEST_SKIP() << "python3-aiosmtpd is not installed";
  TestDatabase db("sqlite");
  TempDir blobs;
  SmtpSink sink;
  {
    Child migrate({"migrate", "--db", db.url()});
    ASSERT_EQ(migrate.Wait(30s), 0) << migrate.output();
  }
  constexpr int kMessages = 1500;
  std::set<std::string> ids;
  {
    auto raw = db::Database::Open(db.url(), {.size = 1});
    auto conn = raw->Acquire();
    db::Transaction tx(*conn);
    for (int i = 0; i < kMessages; ++i) {
      std::string id = core::Uuid::NewV7().ToString();
      conn->Execute({"test_queue_mail",
                     "INSERT INTO notification_outbox (id, event, channel, recipient, language, payload, created_at) "
                     "VALUES ($1, 'dossier.submitted', 'email', $2, 'vi', $3, $4)"},
                    {id, "c" + std::to_string(i) + "@demo.invalid", std::string(R"({"code":"X-)") + std::to_string(i) + "\"}", core::NowUtc()});
      ids.insert(id);
    }
    tx.Commit();
  }
  std::vector<std::string> args = DemoServeArgs(db, blobs);
  for (std::string a : {"--notify-smtp-host", "127.0.0.1", "--notify-smtp-starttls", "false", "--notify-poll-ms", "50",
                        "--notify-lease-seconds", "1", "--notify-rate-limit-per-hour", "0", "--notify-smtp-port"}) {
    args.push_back(a);
  }
  args.push_back(std::to_string(sink.port()));
  auto first = std::make_unique<Child>(args);
  ASSERT_TRUE(first->ListeningPort().has_value()) << first->output();
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (sink.Count() < 50 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  first.reset();  // SIGKILL
  std::size_t at_kill = sink.Count();
  ASSERT_GE(at_kill, 50u) << "nothing was sent before the kill";
  ASSERT_LT(at_kill, static_cast<std::size_t>(kMessages)) << "the kill came after the last message";

  Child second(args);
  ASSERT_TRUE(second.ListeningPort().has_value()) << second.output();
  auto raw = db::Database::Open(db.url(), {.size = 1});
  deadline = std::chrono::steady_clock::now() + 60s;
  std::int64_t left = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    auto conn = raw->Acquire();
    left = conn->Execute({"test_unsent", "SELECT COUNT(*) FROM notification_outbox WHERE status <> 'sent'"}).Int(0, 0);
    if (left == 0) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(left, 0) << "messages left unsent after the restart";
  auto mails = sink.Messages();
  std::map<std::string, int> seen;
  for (const auto& m : mails) {
    std::string mid = m.Header("Message-ID");
    ++seen[mid.substr(1, mid.find('@') - 1)];
  }
  for (const auto& id : ids) EXPECT_TRUE(seen.contains(id)) << id << " was never delivered";
  EXPECT_EQ(seen.size(), ids.size());
  EXPECT_LE(mails.size() - seen.size(), 1u) << "only the message in flight at the kill may come twice";
}

TEST(TestHarness, JetStreamServerIsUpForLaterModules) {
  // scripts/test starts `nats-server -js` on a random port for the events and sync modules;
  // this checks the harness, by the server's own greeting.
  const char* url = std::getenv("MOTCUA_TEST_NATS_URL");
  if (url == nullptr) GTEST_SKIP() << "MOTCUA_TEST_NATS_URL is not set";
  std::string u(url);
  auto port = static_cast<std::uint16_t>(std::stoi(u.substr(u.rfind(':') + 1)));
  Connection c(port);
  std::string greeting = c.ReadSome(5s);
  EXPECT_TRUE(greeting.starts_with("INFO {")) << greeting;
  EXPECT_NE(greeting.find("\"jetstream\":true"), std::string::npos) << greeting;
}

}  // namespace
}  // namespace motcua::testing
