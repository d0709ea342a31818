package io.tributary.serve;

/**
 * A request the server refuses, answered as the OpenAI API answers: an HTTP status and {@code
 * {"error": {"message", "type", "param", "code"}}}.
 */
final class ApiError extends RuntimeException {
  final int status;
  final String type;
  final String param;
  final String code;

  ApiError(int status, String type, String message, String param, String code) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** A malformed request: 400, {@code invalid_request_error}, naming the parameter. */
  static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request_error", message, param, null);
  }

  static ApiError invalid(String param, String message, String code) {
    return new ApiError(400, "invalid_request_error", message, param, code);
  }
}
