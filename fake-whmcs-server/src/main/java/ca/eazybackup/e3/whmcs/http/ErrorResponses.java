package ca.eazybackup.e3.whmcs.http;

import ca.eazybackup.e3.whmcs.db.DbException;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the server can give, from a handler's {@link ApiException} down to Jetty refusing an
 * oversized header, answered in the contract's shape {@code {"status":"fail","message":…}} with a
 * message a user can act on. A 500 names no Java class and quotes no driver message (those can hold
 * bound values): it carries a reference that the log line repeats.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  private static final String JSON = "application/json";

  /** The largest request body accepted (a browse report of 1,000 long paths fits). */
  public static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024;

  /** MariaDB: "Data too long for column 'x'"; H2: {@code Value too long for column "X …"}. */
  private static final Pattern COLUMN =
      Pattern.compile("(?i)for column [\"'`]?([a-z0-9_]+)", Pattern.CASE_INSENSITIVE);

  private ErrorResponses() {}

  /** Settings that must be made before the server starts. */
  public static void configure(JavalinConfig cfg) {
    // A wrong method on a real endpoint is a 405, not "no such endpoint".
    cfg.http.prefer405over404 = true;
    cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
    JettyJsonErrors jetty = new JettyJsonErrors();
    cfg.jetty.modifyServer(server -> server.setErrorHandler(jetty));
    cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(jetty));
  }

  /** The handlers of a started {@code app}'s exceptions and error statuses. */
  public static void install(Javalin app) {
    app.exception(
        ApiException.class,
        (e, ctx) -> ctx.status(e.status()).json(Api.fail(e.getMessage(), e.field())));
    app.exception(HttpResponseException.class, (e, ctx) -> frameworkError(e.getStatus(), ctx));
    app.exception(DbException.class, ErrorResponses::databaseError);
    app.exception(Exception.class, (e, ctx) -> internalError(e, ctx));
    app.error(
        404,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            ctx.json(Api.fail("no such endpoint: " + RequestText.printable(ctx.path()), null));
          }
        });
    app.error(
        405,
        ctx -> {
          ctx.header("Allow", "GET, POST");
          ctx.json(
              Api.fail(ctx.method().name() + " is not supported here: send GET or POST", null));
        });
  }

  private static void frameworkError(int status, Context ctx) {
    ctx.status(status);
    if (status == 405) {
      ctx.header("Allow", "GET, POST");
    }
    ctx.json(Api.fail(messageFor(status, ctx.method().name()), null));
  }

  /** What to tell the caller for an error status the framework or Jetty produced. */
  static String messageFor(int status, String method) {
    return switch (status) {
      case 400 -> "the request is malformed";
      case 404 -> "no such endpoint";
      case 405 -> method + " is not supported here: send GET or POST";
      case 408 -> "the request took too long to arrive";
      case 413 ->
          "the request body is too large: at most " + MAX_REQUEST_BYTES + " bytes are accepted";
      case 414 -> "the URL is too long: send the parameters as a POST body";
      case 415 -> "unsupported Content-Type: send application/json in UTF-8";
      case 431 -> "the request headers are too large";
      case 503 -> "the addon is busy or stopping: try again shortly";
      default ->
          status >= 500
              ? "internal error: the request could not be completed; try again"
              : "the request was refused (HTTP " + status + ")";
    };
  }

  /**
   * A value longer than its column, or a number out of its range, that validation missed: a 400
   * naming the column (which is the field's name in every table) rather than a 500.
   */
  private static void databaseError(DbException e, Context ctx) {
    SQLException sql = sqlCause(e);
    String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
    if (state.equals("22001") || state.equals("22003")) {
      Matcher m = COLUMN.matcher(sql.getMessage() == null ? "" : sql.getMessage());
      String column = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
      LOG.warn(
          "event=value_rejected_by_database path={} sqlstate={} column={}",
          ctx.path(),
          state,
          column);
      String what = column == null ? "a value" : column;
      ctx.status(400)
          .json(
              Api.fail(
                  what
                      + (state.equals("22001") ? " is too long" : " is out of range")
                      + " for the addon's tables",
                  column));
      return;
    }
    internalError(e, ctx);
  }

  private static SQLException sqlCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s) {
        return s;
      }
    }
    return null;
  }

  private static void internalError(Exception e, Context ctx) {
    String ref = UUID.randomUUID().toString().substring(0, 8);
    // One line without the cause chain: driver messages can quote bound values.
    LOG.error(
        "event=request_failed ref={} path={} error={}",
        ref,
        ctx.path(),
        e.getClass().getSimpleName());
    LOG.debug("event=request_failed_detail ref={} path={}", ref, ctx.path(), e);
    ctx.status(500)
        .json(
            Api.fail(
                "internal error (reference "
                    + ref
                    + "): the addon could not complete the request; try again, and quote the"
                    + " reference if it keeps failing",
                null));
  }

  private static byte[] body(int status, String method) {
    return Json.write(Map.of("status", "fail", "message", messageFor(status, method)))
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Jetty's own errors (a header or URL too large, a request it cannot parse, anything that escapes
   * the framework) in the contract's JSON instead of Jetty's HTML page.
   */
  static final class JettyJsonErrors extends ErrorHandler {
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(new HttpField(HttpHeader.CONTENT_TYPE, JSON));
      return ByteBuffer.wrap(body(status, "?"));
    }

    @Override
    protected void generateAcceptableResponse(
        Request baseRequest,
        HttpServletRequest request,
        HttpServletResponse response,
        int code,
        String message)
        throws java.io.IOException {
      baseRequest.setHandled(true);
      response.setContentType(JSON);
      response.getOutputStream().write(body(code, request.getMethod()));
    }
  }
}
