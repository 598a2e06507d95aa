package ca.eazybackup.e3.shims;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Win32 error codes the agent's Windows calls return, with their {@code winerror.h} names and
 * the system messages, so a failure reads the same on Windows and in the simulated host.
 */
public enum Win32Error {
  ERROR_FILE_NOT_FOUND(2, "The system cannot find the file specified."),
  ERROR_PATH_NOT_FOUND(3, "The system cannot find the path specified."),
  ERROR_ACCESS_DENIED(5, "Access is denied."),
  ERROR_INVALID_HANDLE(6, "The handle is invalid."),
  ERROR_INVALID_DATA(13, "The data is invalid."),
  ERROR_SHARING_VIOLATION(
      32, "The process cannot access the file because it is being used by another process."),
  ERROR_NOT_SUPPORTED(50, "The request is not supported."),
  ERROR_BAD_NETPATH(53, "The network path was not found."),
  ERROR_BAD_NET_NAME(67, "The network name cannot be found."),
  ERROR_ALREADY_ASSIGNED(85, "The local device name is already in use."),
  ERROR_INVALID_PASSWORD(86, "The specified network password is not correct."),
  ERROR_INVALID_PARAMETER(87, "The parameter is incorrect."),
  ERROR_CALL_NOT_IMPLEMENTED(120, "This function is not supported on this system."),
  ERROR_INVALID_NAME(123, "The filename, directory name, or volume label syntax is incorrect."),
  ERROR_FILE_TOO_LARGE(223, "The file size exceeds the limit allowed and cannot be saved."),
  ERROR_SERVICE_REQUEST_TIMEOUT(
      1053, "The service did not respond to the start or control request in a timely fashion."),
  ERROR_SERVICE_ALREADY_RUNNING(1056, "An instance of the service is already running."),
  ERROR_SERVICE_DISABLED(
      1058,
      "The service cannot be started, either because it is disabled or because it has no enabled"
          + " devices associated with it."),
  ERROR_SERVICE_DOES_NOT_EXIST(
      1060, "The specified service does not exist as an installed service."),
  ERROR_SERVICE_CANNOT_ACCEPT_CTRL(
      1061, "The service cannot accept control messages at this time."),
  ERROR_SERVICE_NOT_ACTIVE(1062, "The service has not been started."),
  ERROR_FAILED_SERVICE_CONTROLLER_CONNECT(
      1063, "The service process could not connect to the service controller."),
  ERROR_SERVICE_SPECIFIC_ERROR(1066, "The service has returned a service-specific error code."),
  ERROR_PROCESS_ABORTED(1067, "The process terminated unexpectedly."),
  ERROR_SERVICE_MARKED_FOR_DELETE(1072, "The specified service has been marked for deletion."),
  ERROR_SERVICE_EXISTS(1073, "The specified service already exists."),
  ERROR_BAD_DEVICE(1200, "The specified device name is invalid."),
  ERROR_DEVICE_ALREADY_REMEMBERED(
      1202, "The local device name has a remembered connection to another network resource."),
  ERROR_NO_NET_OR_BAD_PATH(
      1203,
      "The network path was either typed incorrectly, does not exist, or the network provider"
          + " is not currently available."),
  ERROR_EXTENDED_ERROR(1208, "An extended error has occurred."),
  ERROR_SESSION_CREDENTIAL_CONFLICT(
      1219,
      "Multiple connections to a server or shared resource by the same user, using more than one"
          + " user name, are not allowed."),
  ERROR_NO_NETWORK(1222, "The network is not present or not started."),
  ERROR_CANCELLED(1223, "The operation was canceled by the user."),
  ERROR_NOT_AUTHENTICATED(
      1244,
      "The operation being requested was not performed because the user"
          + " has not been authenticated."),
  ERROR_PRIVILEGE_NOT_HELD(1314, "A required privilege is not held by the client."),
  ERROR_LOGON_FAILURE(1326, "The user name or password is incorrect."),
  ERROR_ACCOUNT_RESTRICTION(1327, "Account restrictions are preventing this user from signing in."),
  ERROR_TIMEOUT(1460, "This operation returned because the timeout period expired."),
  ERROR_BAD_USERNAME(2202, "The specified username is invalid."),
  ERROR_NOT_CONNECTED(2250, "This network connection does not exist."),
  ERROR_OPEN_FILES(2401, "There are open files on this connection."),
  /** CryptUnprotectData of a blob from another machine (an HRESULT, as GetLastError gives it). */
  NTE_BAD_KEY_STATE(0x8009000B, "Key not valid for use in specified state.");

  private static final Map<Integer, Win32Error> BY_CODE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(e -> e.code, Function.identity()));

  private final int code;
  private final String message;

  Win32Error(int code, String message) {
    this.code = code;
    this.message = message;
  }

  public int code() {
    return code;
  }

  public String message() {
    return message;
  }

  /** {@code ERROR_LOGON_FAILURE (1326): The user name or password is incorrect.} */
  public String describe() {
    String number = code < 0 ? String.format("0x%08X", code) : Integer.toString(code);
    return name() + " (" + number + "): " + message;
  }

  /** Describes any code, also one this table does not know ({@code Win32 error 1234}). */
  public static String describe(int code) {
    Win32Error known = BY_CODE.get(code);
    return known != null ? known.describe() : "Win32 error " + code;
  }

  /** The named error for a code, or null when this table does not know it. */
  public static Win32Error ofCode(int code) {
    return BY_CODE.get(code);
  }
}
