package ca.eazybackup.e3.whmcs.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Registers the addon's PHP-named endpoints under the base path. Every endpoint answers GET and
 * POST (the PHP files read both); a handler gets the caller and the parsed parameters and returns
 * the response map.
 */
public final class Api {
  private final Javalin app;
  private final String base;
  private final Auth auth;

  public Api(Javalin app, String base, Auth auth) {
    this.app = app;
    this.base = base;
    this.auth = auth;
  }

  /** Handler of an agent endpoint. */
  @FunctionalInterface
  public interface AgentHandler {
    Map<String, Object> handle(Auth.Agent agent, Params params, Context ctx);
  }

  /** Handler of a client endpoint (every query scoped to the client). */
  @FunctionalInterface
  public interface ClientHandler {
    Map<String, Object> handle(long clientId, Params params, Context ctx);
  }

  /**
   * Handler of a client endpoint that waits for something (an agent's answer): the future's value
   * is the response, and no server thread is held while it is pending.
   */
  @FunctionalInterface
  public interface AsyncClientHandler {
    CompletableFuture<Map<String, Object>> handle(long clientId, Params params, Context ctx);
  }

  /** Handler of an admin or simulation endpoint. */
  @FunctionalInterface
  public interface PlainHandler {
    Map<String, Object> handle(Params params, Context ctx);
  }

  public void agent(String file, AgentHandler h) {
    route(
        file,
        ctx -> {
          Auth.Agent a = auth.agent(ctx.header("X-Agent-ID"), ctx.header("X-Agent-Token"));
          return h.handle(a, params(ctx), ctx);
        });
  }

  public void client(String file, ClientHandler h) {
    route(file, ctx -> h.handle(auth.client(ctx.header("X-Client-Session")), params(ctx), ctx));
  }

  public void clientAsync(String file, AsyncClientHandler h) {
    String path = base + "/" + file;
    for (HandlerType t : new HandlerType[] {HandlerType.GET, HandlerType.POST}) {
      app.addHttpHandler(
          t,
          path,
          ctx -> {
            CompletableFuture<Map<String, Object>> answer =
                h.handle(auth.client(ctx.header("X-Client-Session")), params(ctx), ctx);
            ctx.future(() -> answer.thenAccept(ctx::json));
          });
    }
  }

  public void admin(String file, PlainHandler h) {
    route(
        file,
        ctx -> {
          auth.admin(ctx.header("X-Admin-Token"));
          return h.handle(params(ctx), ctx);
        });
  }

  public void sim(String name, PlainHandler h) {
    route("sim/" + name, ctx -> h.handle(params(ctx), ctx));
  }

  private interface Route {
    Map<String, Object> handle(Context ctx);
  }

  private void route(String file, Route r) {
    String path = base + "/" + file;
    for (HandlerType t : new HandlerType[] {HandlerType.GET, HandlerType.POST}) {
      app.addHttpHandler(t, path, ctx -> ctx.json(r.handle(ctx)));
    }
  }

  /**
   * The request's parameters. Body and query string are decoded here (see {@link RequestText}), not
   * through the framework's getters, which fail with a 500 on an unknown charset.
   */
  private static Params params(Context ctx) {
    String contentType = ctx.contentType();
    Charset charset = RequestText.charset(contentType);
    String body = RequestText.decode(ctx.bodyAsBytes(), charset);
    Map<String, List<String>> query =
        RequestText.formFields(ctx.queryString(), StandardCharsets.UTF_8, "query string");
    Map<String, List<String>> form =
        RequestText.isForm(contentType) ? RequestText.formFields(body, charset, "body") : Map.of();
    return Params.from(contentType, body, query, form);
  }

  /** {@code {"status":"success", k1: v1, ...}} */
  public static Map<String, Object> ok(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "success");
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** {@code {"status":"fail","message":...,"field":...}} */
  public static Map<String, Object> fail(String message, String field) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "fail");
    m.put("message", message);
    if (field != null) {
      m.put("field", field);
    }
    return m;
  }
}
