#include "transport.h"

#include <cstring>

namespace gridproof {

SendResult classify_oracle_response(int status, const char* error_code) {
  if (status >= 200 && status < 300) return SendResult::Delivered;
  if (status <= 0 || status == 408 || status == 429 || status >= 500) return SendResult::RetryLater;
  if (error_code != nullptr && std::strcmp(error_code, "UNKNOWN_DEVICE") == 0) return SendResult::RetryLater;
  return SendResult::Rejected;
}

}  // namespace gridproof
