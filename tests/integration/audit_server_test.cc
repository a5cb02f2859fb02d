// `reckon audit ... --server HOST:PORT` end to end (issue 8): a reckond on
// loopback with a small synthetic scenario submitted with `reckon submit`
// and relinked; each --server command is run, and its output compared with
// the DIR variant run on a link directory the test writes from the daemon's
// own ExportLinkage stream (so both see the same records, entities and
// pairs). Independent checks: memberships against GetEntity, explained
// weights against the exported pair weights. Then the failures an auditor
// meets: no token, a token without the audit role, an unknown record, a
// server that is not there, a store never relinked.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <grpcpp/client_context.h>
#include "nlohmann/json.hpp"

#include "reckon/v1/reckon.grpc.pb.h"
#include "service/daemon/sha256.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/status_matchers.h"

namespace reckon {
namespace {

using ::reckon_testing::Daemon;
using ::reckon_testing::IsOk;
using ::reckon_testing::ReckonPath;
using ::reckon_testing::RunProgram;
using ::reckon_testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSources[] = {"migration", "labour", "interior"};

void SetDeadline(grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
}

struct CliRun {
  int code = -1;
  std::string out;  // stdout and stderr
};

CliRun Reckon(const std::vector<std::string>& args) {
  CliRun run;
  run.code = RunProgram(ReckonPath(), args, &run.out);
  return run;
}

nlohmann::json Json(const CliRun& run) {
  try {
    return nlohmann::json::parse(run.out);
  } catch (const nlohmann::json::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "): " << run.out;
    return nullptr;
  }
}

// A CSV field, quoted when it must be.
std::string Csv(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The daemon's ExportLinkage stream, gathered.
struct Export {
  v1::ExportHeader header;
  std::vector<v1::ExportedEntity> entities;
  std::vector<v1::ExportedRecord> records;
  std::vector<v1::ExportedPair> pairs;

  std::string Label(uint32_t r) const {
    return absl::StrCat(header.sources(static_cast<int>(records[r].source())),
                        ":", records[r].source_record_id());
  }
  const std::string& EntityOf(uint32_t r) const {
    return entities[records[r].entity()].entity_id();
  }
};

grpc::Status ExportFrom(v1::LinkageService::Stub& stub,
                        const std::string& token, Export* out) {
  grpc::ClientContext context;
  SetDeadline(&context);
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  auto reader = stub.ExportLinkage(&context, v1::ExportLinkageRequest());
  v1::ExportLinkageResponse message;
  while (reader->Read(&message)) {
    if (message.has_header()) out->header = message.header();
    out->entities.insert(out->entities.end(), message.entities().begin(),
                         message.entities().end());
    out->records.insert(out->records.end(), message.records().begin(),
                        message.records().end());
    out->pairs.insert(out->pairs.end(), message.pairs().begin(),
                      message.pairs().end());
  }
  return reader->Finish();
}

v1::Operation RelinkAndWait(v1::LinkageService::Stub& stub,
                            const std::string& token) {
  const auto prepare = [&](grpc::ClientContext* context) {
    SetDeadline(context);
    if (!token.empty()) {
      context->AddMetadata("authorization", "Bearer " + token);
    }
  };
  v1::Operation operation;
  {
    grpc::ClientContext context;
    prepare(&context);
    const grpc::Status status =
        stub.Relink(&context, v1::RelinkRequest(), &operation);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (!operation.done() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
    grpc::ClientContext context;
    prepare(&context);
    v1::GetOperationRequest request;
    request.set_name(operation.name());
    EXPECT_TRUE(stub.GetOperation(&context, request, &operation).ok());
  }
  return operation;
}

// Writes `exported` as a `reckon link` output directory: what the DIR
// variants read. The input files are the submitted CSVs, read with the
// canonical defaults (an empty config), as reckond read them.
void WriteLinkDir(const Export& exported, const std::string& scenario,
                  const std::string& dir) {
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir + "/entities.csv", std::ios::binary);
    out << "source,source_record_id,entity_id\n";
    for (const v1::ExportedRecord& record : exported.records) {
      out << Csv(exported.header.sources(static_cast<int>(record.source())))
          << "," << Csv(record.source_record_id()) << ","
          << Csv(exported.entities[record.entity()].entity_id()) << "\n";
    }
  }
  {
    std::ofstream out(dir + "/entity_info.csv", std::ios::binary);
    out << "entity_id";
    for (const std::string& name : exported.header.attribute_names()) {
      out << "," << Csv(name);
    }
    out << "\n";
    for (const v1::ExportedEntity& entity : exported.entities) {
      out << Csv(entity.entity_id());
      for (const std::string& value : entity.attributes()) {
        out << "," << Csv(value);
      }
      out << "\n";
    }
  }
  {
    std::ofstream out(dir + "/pairs.csv", std::ios::binary);
    out << "source_a,source_record_id_a,source_b,source_record_id_b,weight,"
           "probability\n";
    for (const v1::ExportedPair& pair : exported.pairs) {
      const v1::ExportedRecord& a = exported.records[pair.a()];
      const v1::ExportedRecord& b = exported.records[pair.b()];
      out << Csv(exported.header.sources(static_cast<int>(a.source()))) << ","
          << Csv(a.source_record_id()) << ","
          << Csv(exported.header.sources(static_cast<int>(b.source()))) << ","
          << Csv(b.source_record_id()) << ","
          << absl::StrFormat("%.17g,%.17g", pair.weight(),
                             pair.match_probability())
          << "\n";
    }
  }
  nlohmann::json inputs = nlohmann::json::object();
  nlohmann::json sources = nlohmann::json::array();
  for (const std::string& source : exported.header.sources()) {
    sources.push_back(source);
    inputs[source] = absl::StrCat(scenario, "/", source, ".csv");
  }
  const nlohmann::json summary = {
      {"sources", sources},
      {"threshold", exported.header.model().threshold()},
      {"records", exported.records.size()},
      {"entities", exported.entities.size()},
      {"links", exported.header.links()},
      {"pairs_written", exported.pairs.size()},
      {"input_files", inputs}};
  std::ofstream(dir + "/summary.json", std::ios::binary) << summary.dump(2);
  nlohmann::json comparisons = nlohmann::json::array();
  for (const v1::ModelComparison& comparison :
       exported.header.model().comparisons()) {
    nlohmann::json levels = nlohmann::json::array();
    for (const v1::ModelLevel& level : comparison.levels()) {
      levels.push_back({{"level", level.level()},
                        {"m", level.m()},
                        {"u", level.u()},
                        {"weight", level.weight()}});
    }
    levels.push_back({{"level", "missing"}, {"m", nullptr}, {"u", nullptr}});
    comparisons.push_back({{"name", comparison.name()}, {"levels", levels}});
  }
  std::ofstream(dir + "/model.json", std::ios::binary)
      << nlohmann::json{{"lambda", exported.header.model().lambda()},
                        {"threshold", exported.header.model().threshold()},
                        {"comparisons", comparisons}}
             .dump(2);
  std::ofstream(dir + "/config.textproto", std::ios::binary)
      << "# canonical defaults\n";
}

// One daemon with the scenario submitted and relinked, shared by the tests.
class AuditServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("audit_server");
    scenario_ = new std::string(dir_->path() + "/scenario");
    const CliRun synth = Reckon({"synth", "--people", "150", "--sources", "3",
                              "--noise", "medium", "--heterogeneity", "mild",
                              "--seed", "21", "--out", *scenario_});
    ASSERT_EQ(synth.code, 0) << synth.out;
    auto daemon = Daemon::Start(dir_->path() + "/data",
                                dir_->path() + "/reckond.log");
    ASSERT_THAT(daemon, IsOk());
    daemon_ = daemon->release();
    for (const char* source : kSources) {
      const CliRun submit =
          Reckon({"submit", "--server", daemon_->address(), "--agency", source,
                  "--source", absl::StrCat(*scenario_, "/", source, ".csv")});
      ASSERT_EQ(submit.code, 0) << submit.out;
    }
    auto stub = v1::LinkageService::NewStub(daemon_->Channel());
    const v1::Operation relink = RelinkAndWait(*stub, "");
    ASSERT_EQ(relink.state(), v1::Operation::STATE_SUCCEEDED)
        << relink.error_message();
    exported_ = new Export();
    const grpc::Status status = ExportFrom(*stub, "", exported_);
    ASSERT_TRUE(status.ok()) << status.error_message();
    link_dir_ = new std::string(dir_->path() + "/link");
    WriteLinkDir(*exported_, *scenario_, *link_dir_);
  }

  static void TearDownTestSuite() {
    delete daemon_;
    delete exported_;
    delete link_dir_;
    delete scenario_;
    delete dir_;
  }

  static std::string server() { return daemon_->address(); }

  static TempDir* dir_;
  static std::string* scenario_;
  static Daemon* daemon_;
  static Export* exported_;
  static std::string* link_dir_;
};

TempDir* AuditServerTest::dir_ = nullptr;
std::string* AuditServerTest::scenario_ = nullptr;
Daemon* AuditServerTest::daemon_ = nullptr;
Export* AuditServerTest::exported_ = nullptr;
std::string* AuditServerTest::link_dir_ = nullptr;

TEST_F(AuditServerTest, ExportHoldsEveryStoredRecordAsGetEntityGroupsThem) {
  const Export& exported = *exported_;
  ASSERT_EQ(exported.header.sources_size(), 3);
  EXPECT_EQ(exported.header.records(),
            static_cast<int64_t>(exported.records.size()));
  EXPECT_EQ(exported.header.entities(),
            static_cast<int64_t>(exported.entities.size()));
  EXPECT_EQ(exported.header.pairs(),
            static_cast<int64_t>(exported.pairs.size()));
  EXPECT_GT(exported.pairs.size(), 50u);
  EXPECT_EQ(exported.header.model().comparisons_size(), 8);
  {
    auto ingest = v1::IngestService::NewStub(daemon_->Channel());
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetStatusResponse status;
    ASSERT_TRUE(ingest->GetStatus(&context, {}, &status).ok());
    EXPECT_EQ(status.records(), static_cast<int64_t>(exported.records.size()));
    EXPECT_EQ(status.entities(),
              static_cast<int64_t>(exported.entities.size()));
  }
  // Members of an exported entity, against GetEntity for a sample.
  std::map<std::string, std::set<std::string>> members;
  for (uint32_t r = 0; r < exported.records.size(); ++r) {
    members[exported.EntityOf(r)].insert(exported.Label(r));
  }
  auto stub = v1::LinkageService::NewStub(daemon_->Channel());
  for (uint32_t r = 0; r < exported.records.size(); r += 23) {
    grpc::ClientContext context;
    SetDeadline(&context);
    v1::GetEntityRequest request;
    request.mutable_record()->set_source(
        exported.header.sources(static_cast<int>(exported.records[r].source())));
    request.mutable_record()->set_source_record_id(
        exported.records[r].source_record_id());
    v1::Entity entity;
    ASSERT_TRUE(stub->GetEntity(&context, request, &entity).ok());
    EXPECT_EQ(entity.entity_id(), exported.EntityOf(r));
    std::set<std::string> got;
    for (const v1::RecordRef& ref : entity.members()) {
      got.insert(absl::StrCat(ref.source(), ":", ref.source_record_id()));
    }
    EXPECT_EQ(got, members[entity.entity_id()]);
  }
}

TEST_F(AuditServerTest, EvalAgreesWithTheDirVariant) {
  const std::string truth = *scenario_ + "/truth.csv";
  const CliRun on_server = Reckon({"audit", "eval", "--server", server(),
                                "--truth", truth, "--json"});
  ASSERT_EQ(on_server.code, 0) << on_server.out;
  const CliRun on_dir =
      Reckon({"audit", "eval", *link_dir_, "--truth", truth, "--json"});
  ASSERT_EQ(on_dir.code, 0) << on_dir.out;
  nlohmann::json a = Json(on_server), b = Json(on_dir);
  EXPECT_EQ(a["server"], server());
  a.erase("server");
  b.erase("dir");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["records_evaluated"], exported_->records.size());
  EXPECT_GT(a["pairwise"]["f1"].get<double>(), 0.5);

  const CliRun text =
      Reckon({"audit", "eval", "--server", server(), "--truth", truth});
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_THAT(text.out, HasSubstr("in reckond only"));
  EXPECT_THAT(text.out, HasSubstr("B-cubed"));
}

TEST_F(AuditServerTest, SuspiciousAgreesWithTheDirVariant) {
  const CliRun on_server = Reckon({"audit", "suspicious", "--server", server(),
                                "--limit", "0", "--json"});
  ASSERT_EQ(on_server.code, 0) << on_server.out;
  const CliRun on_dir =
      Reckon({"audit", "suspicious", *link_dir_, "--limit", "0", "--json"});
  ASSERT_EQ(on_dir.code, 0) << on_dir.out;
  nlohmann::json a = Json(on_server), b = Json(on_dir);
  a.erase("server");
  b.erase("dir");
  // Both read the records' values (the DIR from the input files, reckond
  // from its store), so both checked sex, birth date and nationality.
  EXPECT_TRUE(a["notes"].empty()) << a["notes"];
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["entities"], exported_->entities.size());
}

TEST_F(AuditServerTest, EntityAgreesWithTheDirVariant) {
  const Export& exported = *exported_;
  // The records of the largest entity, and a few others.
  std::map<uint32_t, uint32_t> size;
  for (const v1::ExportedRecord& record : exported.records) {
    ++size[record.entity()];
  }
  std::vector<uint32_t> asked = {0, 17, 101};
  for (uint32_t r = 0; r < exported.records.size(); ++r) {
    if (size[exported.records[r].entity()] >= 3) {
      asked.push_back(r);
      break;
    }
  }
  for (uint32_t r : asked) {
    ASSERT_LT(r, exported.records.size());
    const std::string label = exported.Label(r);
    const CliRun on_server =
        Reckon({"audit", "entity", "--server", server(), label, "--json"});
    ASSERT_EQ(on_server.code, 0) << on_server.out;
    const CliRun on_dir = Reckon({"audit", "entity", *link_dir_, label, "--json"});
    ASSERT_EQ(on_dir.code, 0) << on_dir.out;
    const nlohmann::json a = Json(on_server);
    EXPECT_EQ(a, Json(on_dir)) << label;
    EXPECT_EQ(a["entity_id"], exported.EntityOf(r));
    EXPECT_FALSE(a.contains("note")) << a["note"];
  }
  const CliRun text = Reckon(
      {"audit", "entity", "--server", server(), exported.Label(asked.back())});
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_THAT(text.out, HasSubstr("<- asked"));
  EXPECT_THAT(text.out, HasSubstr("given_name"));
}

TEST_F(AuditServerTest, ExplainGivesTheExportedPairWeights) {
  const Export& exported = *exported_;
  const double threshold = exported.header.model().threshold();
  int above = 0, below = 0;
  for (const v1::ExportedPair& pair : exported.pairs) {
    const bool link = pair.weight() >= threshold;
    if ((link && above >= 4) || (!link && below >= 3)) continue;
    (link ? above : below)++;
    const CliRun run = Reckon({"audit", "explain", "--server", server(),
                            exported.Label(pair.a()), exported.Label(pair.b()),
                            "--json"});
    ASSERT_EQ(run.code, 0) << run.out;
    const nlohmann::json json = Json(run);
    EXPECT_NEAR(json["weight"].get<double>(), pair.weight(), 1e-6);
    EXPECT_DOUBLE_EQ(json["threshold"].get<double>(), threshold);
    EXPECT_EQ(json["link"].get<bool>(), link);
    EXPECT_EQ(json["entity_a"], exported.EntityOf(pair.a()));
    EXPECT_EQ(json["entity_b"], exported.EntityOf(pair.b()));
    EXPECT_EQ(json["server"], server());
    EXPECT_TRUE(json["met"].get<bool>());  // a scored pair was compared
    double sum = 0.0;
    for (const nlohmann::json& field : json["fields"]) {
      sum += field["weight"].get<double>();
      EXPECT_TRUE(field["given_a"].is_null());
    }
    // The fields and the prior of the two records' sources.
    EXPECT_NEAR(sum + json["source_pair_prior"]["weight"].get<double>(),
                pair.weight(), 1e-6);
    EXPECT_NEAR(json["fields"].back()["running_total"].get<double>(), sum,
                1e-9);
  }
  EXPECT_EQ(above, 4);
  EXPECT_EQ(below, 3);
  const v1::ExportedPair& first = exported.pairs.front();
  const CliRun text = Reckon({"audit", "explain", "--server", server(),
                           exported.Label(first.a()),
                           exported.Label(first.b())});
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_THAT(text.out, HasSubstr("verdict: weight"));
  EXPECT_THAT(text.out, HasSubstr("compared as"));
  EXPECT_THAT(text.out, HasSubstr("no pairs.csv to check against"));
  EXPECT_THAT(text.out, Not(HasSubstr("(empty)  compared as")));
}

TEST_F(AuditServerTest, ReportWritesThePageFromTheServer) {
  const std::string html = dir_->path() + "/server.html";
  const CliRun run =
      Reckon({"audit", "report", "--server", server(), "--html", html});
  ASSERT_EQ(run.code, 0) << run.out;
  const std::string dir_html = dir_->path() + "/dir.html";
  const CliRun on_dir =
      Reckon({"audit", "report", *link_dir_, "--html", dir_html});
  ASSERT_EQ(on_dir.code, 0) << on_dir.out;
  // "wrote FILE (N bytes): E entities, S suspicious": the same E and S.
  const auto counts = [](const std::string& out) {
    return out.substr(out.find("): ") + 3);
  };
  EXPECT_EQ(counts(run.out), counts(on_dir.out));
  std::ifstream in(html);
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_THAT(page.str(), HasSubstr(absl::StrCat("reckond ", server())));
  EXPECT_THAT(page.str(), HasSubstr("<svg"));
  EXPECT_THAT(page.str(), Not(HasSubstr("not read (")));
}

TEST_F(AuditServerTest, ClearErrors) {
  // An unknown record.
  CliRun run = Reckon({"audit", "entity", "--server", server(), "nowhere:1"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("nowhere:1: reckond"));
  EXPECT_THAT(run.out, HasSubstr("holds no such record"));
  run = Reckon({"audit", "explain", "--server", server(), "nowhere:1",
                exported_->Label(0)});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("no record \"1\" in source \"nowhere\""));
  // Nobody listening there.
  TempDir gone("audit_server_gone");
  int closed_port = 0;
  {
    auto other = Daemon::Start(gone.path() + "/data", gone.path() + "/log");
    ASSERT_THAT(other, IsOk());
    closed_port = (*other)->port();
    EXPECT_EQ((*other)->Terminate(), 0);
  }
  run = Reckon({"audit", "suspicious", "--server",
                absl::StrCat("127.0.0.1:", closed_port)});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("cannot reach the server"));
  // Bad command lines.
  run = Reckon({"audit", "suspicious", *link_dir_, "--server", server()});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.out, HasSubstr("no DIR"));
  run = Reckon({"audit", "eval", *link_dir_, "--truth", "x.csv",
                "--token-file", "t"});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.out, HasSubstr("--token-file needs --server"));
  run = Reckon({"audit", "explain", "--server", server(), "a:1"});
  EXPECT_EQ(run.code, 2);
  run = Reckon({"audit", "entity", "--server", server(), "a:1",
                "--token-file", dir_->path() + "/missing-token"});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.out, HasSubstr("missing-token: cannot open"));
  // --help tells of --server.
  run = Reckon({"audit", "explain", "--help"});
  EXPECT_EQ(run.code, 0);
  EXPECT_THAT(run.out, HasSubstr("--server HOST:PORT"));
  EXPECT_THAT(run.out, HasSubstr("--token-file"));
}

// With --auth: tokens decide who may audit what.
TEST(AuditServerAuthTest, TokensAndRoles) {
  TempDir dir("audit_server_auth");
  const std::string scenario = dir.path() + "/scenario";
  const CliRun synth = Reckon({"synth", "--people", "60", "--sources", "3",
                            "--noise", "low", "--heterogeneity", "none",
                            "--seed", "5", "--out", scenario});
  ASSERT_EQ(synth.code, 0) << synth.out;
  const std::string auth_file = dir.path() + "/auth.textproto";
  {
    std::ofstream auth(auth_file);
    auth << "agencies { name: \"stats\" }\n";
    for (const char* source : kSources) {
      auth << "agencies { name: \"" << source << "\" sources: \"" << source
           << "\" }\n"
           << "tokens { sha256: \""
           << service::Sha256Hex(absl::StrCat("tok-", source))
           << "\" agency: \"" << source << "\" roles: ROLE_SUBMIT }\n";
    }
    for (const char* role : {"read", "audit", "admin"}) {
      auth << "tokens { sha256: \""
           << service::Sha256Hex(absl::StrCat("tok-", role))
           << "\" agency: \"stats\" roles: ROLE_"
           << absl::AsciiStrToUpper(role) << " }\n";
    }
  }
  const auto token_file = [&](const std::string& name) {
    const std::string path = absl::StrCat(dir.path(), "/", name, ".token");
    std::ofstream(path) << "tok-" << name << "\n";
    return path;
  };
  auto daemon = Daemon::Start(dir.path() + "/data", dir.path() + "/log",
                              {"--auth", auth_file});
  ASSERT_THAT(daemon, IsOk());
  const std::string server = (*daemon)->address();
  const std::string audit_token = token_file("audit");
  const std::string read_token = token_file("read");

  // Before any relink: nothing to audit, and the message says what to do.
  CliRun run = Reckon({"audit", "suspicious", "--server", server, "--token-file",
                    audit_token});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("run Relink"));

  for (const char* source : kSources) {
    const CliRun submit = Reckon(
        {"submit", "--server", server, "--agency", source, "--source",
         absl::StrCat(scenario, "/", source, ".csv"), "--token-file",
         token_file(source)});
    ASSERT_EQ(submit.code, 0) << submit.out;
  }
  auto stub = v1::LinkageService::NewStub((*daemon)->Channel());
  ASSERT_EQ(RelinkAndWait(*stub, "tok-admin").state(),
            v1::Operation::STATE_SUCCEEDED);

  // No token: UNAUTHENTICATED, with a hint.
  run = Reckon({"audit", "suspicious", "--server", server});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("not authenticated"));
  EXPECT_THAT(run.out, HasSubstr("--token-file"));
  {
    Export denied;
    EXPECT_EQ(ExportFrom(*stub, "", &denied).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(ExportFrom(*stub, "tok-labour", &denied).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // A submit-only token may not read the linkage.
  run = Reckon({"audit", "eval", "--server", server, "--truth",
                scenario + "/truth.csv", "--token-file", token_file("labour")});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("not allowed"));
  // The read role: eval works; suspicious works without the attribute
  // checks and says so; explain needs the audit role.
  run = Reckon({"audit", "eval", "--server", server, "--truth",
                scenario + "/truth.csv", "--token-file", read_token, "--json"});
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_EQ(Json(run)["truth_only"].size(), 0u);
  run = Reckon({"audit", "suspicious", "--server", server, "--token-file",
                read_token, "--json"});
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(Json(run)["notes"].dump(), HasSubstr("audit or admin role"));
  Export exported;
  ASSERT_TRUE(ExportFrom(*stub, "tok-read", &exported).ok());
  ASSERT_GE(exported.records.size(), 2u);
  run = Reckon({"audit", "entity", "--server", server, exported.Label(0),
                "--token-file", read_token});
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, HasSubstr("values not shown"));
  run = Reckon({"audit", "explain", "--server", server, exported.Label(0),
                exported.Label(1), "--token-file", read_token});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.out, HasSubstr("not allowed"));
  EXPECT_THAT(run.out, HasSubstr("audit or admin role"));
  // The audit role sees everything.
  run = Reckon({"audit", "explain", "--server", server, exported.Label(0),
                exported.Label(1), "--token-file", audit_token});
  EXPECT_EQ(run.code, 0) << run.out;
  run = Reckon({"audit", "suspicious", "--server", server, "--token-file",
                audit_token, "--json"});
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_TRUE(Json(run)["notes"].empty());
  run = Reckon({"audit", "entity", "--server", server, exported.Label(0),
                "--token-file", audit_token});
  ASSERT_EQ(run.code, 0) << run.out;
  EXPECT_THAT(run.out, Not(HasSubstr("values not shown")));
}

}  // namespace
}  // namespace reckon
