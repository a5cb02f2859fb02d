// Starts the real server on a loopback port and talks to it over gRPC.
#include "service/daemon/server.h"

#include <filesystem>
#include <memory>
#include <string>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/status_matchers.h"

namespace reckon::service {
namespace {

using ::reckon_testing::StatusIs;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             absl::StrCat("reckon_", name, "_", ::getpid());
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(ServerTest, ServesHealthOnLoopbackAndCreatesDataDir) {
  Server::Options options;
  options.listen = "127.0.0.1:0";
  options.data_dir = TempDir("server") + "/nested/data";
  auto server = Server::BuildAndStart(options);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_TRUE(std::filesystem::is_directory(options.data_dir));

  auto channel = grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", (*server)->port()),
      grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  (*server)->Shutdown(1.0);
  std::filesystem::remove_all(TempDir("server"));
}

TEST(ServerTest, RefusesMissingDataDir) {
  Server::Options options;
  options.listen = "127.0.0.1:0";
  EXPECT_THAT(Server::BuildAndStart(options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--data")));
}

TEST(ServerTest, RefusesAnAddressItCannotBind) {
  Server::Options options;
  options.listen = "256.0.0.1:1";
  options.data_dir = TempDir("bind");
  EXPECT_THAT(Server::BuildAndStart(options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("--listen")));
  std::filesystem::remove_all(options.data_dir);
}

}  // namespace
}  // namespace reckon::service
