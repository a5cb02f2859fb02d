// Starts the real server on a loopback port and talks to it over gRPC.
#include "service/daemon/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <netinet/in.h>

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

  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
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
  EXPECT_THAT(
      Server::BuildAndStart(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--data")));
}

TEST(ServerTest, RefusesAnAddressItCannotBind) {
  // A socket bound without SO_REUSEPORT keeps gRPC (which sets it) out.
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t length = sizeof(addr);
  ASSERT_EQ(getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &length),
            0);
  Server::Options options;
  options.listen = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  options.data_dir = TempDir("bind");
  EXPECT_THAT(Server::BuildAndStart(options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("--listen")));
  close(holder);
  std::filesystem::remove_all(options.data_dir);
}

TEST(ServerTest, RefusesToServeOpenOnANetworkAddress) {
  Server::Options options;
  options.listen = "0.0.0.0:0";
  options.data_dir = TempDir("open");
  EXPECT_THAT(Server::BuildAndStart(options),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("without --auth")));
  std::filesystem::remove_all(options.data_dir);
}

TEST(ServerTest, RefusesHalfATlsConfiguration) {
  Server::Options options;
  options.listen = "127.0.0.1:0";
  options.data_dir = TempDir("tls");
  options.tls_cert_file = "/nonexistent/cert.pem";
  EXPECT_THAT(
      Server::BuildAndStart(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-key")));
  options.tls_key_file = "/nonexistent/key.pem";
  EXPECT_THAT(
      Server::BuildAndStart(options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot open")));
  std::filesystem::remove_all(options.data_dir);
}

TEST(LoopbackTest, TellsLoopbackFromNetworkAddresses) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:7300"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:0"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:7300"));
  EXPECT_TRUE(IsLoopbackAddress("LOCALHOST:7300"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:7300"));
  EXPECT_TRUE(IsLoopbackAddress("unix:/run/reckon.sock"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:7300"));
  EXPECT_FALSE(IsLoopbackAddress(":7300"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:7300"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.5:7300"));
  EXPECT_FALSE(IsLoopbackAddress("128.0.0.1:7300"));
  EXPECT_FALSE(IsLoopbackAddress("example.org:7300"));
  EXPECT_FALSE(IsLoopbackAddress("[::1:7300"));
}

}  // namespace
}  // namespace reckon::service
