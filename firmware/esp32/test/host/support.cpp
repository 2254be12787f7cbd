#include "support.h"

#include <mbedtls/ecdsa.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace support {

std::string& vectors_path() {
  static std::string path;
  return path;
}

const nlohmann::json& vectors() {
  static nlohmann::json parsed = [] {
    std::ifstream in(vectors_path());
    if (!in) throw std::runtime_error("cannot open test vectors at " + vectors_path());
    return nlohmann::json::parse(in);
  }();
  return parsed;
}

std::vector<uint8_t> from_hex(const std::string& hex) {
  size_t start = hex.rfind("0x", 0) == 0 ? 2 : 0;
  if ((hex.size() - start) % 2 != 0) throw std::runtime_error("odd-length hex");
  std::vector<uint8_t> out;
  for (size_t i = start; i < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

gridproof::Reading reading_from_json(const nlohmann::json& j) {
  gridproof::Reading r{};
  std::string id = j.at("deviceId").get<std::string>();
  std::strncpy(r.device_id, id.c_str(), sizeof r.device_id - 1);
  r.counter = j.at("counter").get<uint64_t>();
  r.timestamp = j.at("timestamp").get<uint64_t>();
  r.power_w = j.at("powerW").get<uint32_t>();
  r.energy_wh = j.at("energyWh").get<uint64_t>();
  r.voltage_mv = j.at("voltageMv").get<uint32_t>();
  r.status = j.at("status").get<std::string>() == "ON" ? gridproof::ReadingStatus::On : gridproof::ReadingStatus::Off;
  return r;
}

namespace {
std::vector<std::string>& created_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}
void remove_dirs() {
  for (auto& d : created_dirs()) std::filesystem::remove_all(d);
}
}  // namespace

std::string temp_dir() {
  char pattern[] = "/tmp/gridproof-esp32-test-XXXXXX";
  char* dir = mkdtemp(pattern);
  if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
  if (created_dirs().empty()) std::atexit(remove_dirs);
  created_dirs().push_back(dir);
  return dir;
}

bool p256_verify(const uint8_t public_key[64], const uint8_t digest[32], const uint8_t signature[64]) {
  mbedtls_ecp_group group;
  mbedtls_ecp_point q;
  mbedtls_mpi r, s;
  mbedtls_ecp_group_init(&group);
  mbedtls_ecp_point_init(&q);
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  uint8_t uncompressed[65];
  uncompressed[0] = 0x04;
  std::memcpy(uncompressed + 1, public_key, 64);
  bool ok = mbedtls_ecp_group_load(&group, MBEDTLS_ECP_DP_SECP256R1) == 0 &&
            mbedtls_ecp_point_read_binary(&group, &q, uncompressed, sizeof uncompressed) == 0 &&
            mbedtls_mpi_read_binary(&r, signature, 32) == 0 && mbedtls_mpi_read_binary(&s, signature + 32, 32) == 0 &&
            mbedtls_ecdsa_verify(&group, digest, 32, &q, &r, &s) == 0;
  mbedtls_mpi_free(&s);
  mbedtls_mpi_free(&r);
  mbedtls_ecp_point_free(&q);
  mbedtls_ecp_group_free(&group);
  return ok;
}

}  // namespace support
