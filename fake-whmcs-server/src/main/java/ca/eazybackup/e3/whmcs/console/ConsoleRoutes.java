package ca.eazybackup.e3.whmcs.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the simulation console: the addon's client pages ({@code /console/}) and admin page
 * ({@code /console/admin.html}), plain HTML, CSS and JavaScript modules from the class path ({@code
 * console/}), no build step and nothing from other hosts. The pages call the addon's own client and
 * admin endpoints with the headers those take; this class only hands out the files and where those
 * endpoints live ({@code config.json}).
 *
 * <p>Only flat file names of the known kinds are served, so no request can reach another class path
 * resource. Every answer carries a Content-Security-Policy that allows this origin alone: the
 * console works without a network, and a script from elsewhere could not run in it.
 */
public final class ConsoleRoutes {
  /** Where the console lives on the addon's host. */
  public static final String PATH = "/console";

  private static final String RESOURCES = "console/";
  private static final Pattern FILE =
      Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final String apiBase;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  /**
   * @param apiBase the path before the PHP file names ({@code ServerConfig.basePath()})
   */
  public ConsoleRoutes(String apiBase) {
    this.apiBase = apiBase;
  }

  public void register(Javalin app) {
    // Javalin matches /console and /console/ alike; the pages' relative links need the slash.
    app.get(
        PATH,
        ctx -> {
          if (ctx.path().endsWith("/")) {
            serve(ctx, "index.html");
          } else {
            ctx.redirect(PATH + "/");
          }
        });
    app.get(PATH + "/config.json", this::config);
    app.get(PATH + "/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
  }

  private void config(Context ctx) {
    secure(ctx);
    ctx.json(Map.of("api_base", apiBase, "simulation", true));
  }

  private void serve(Context ctx, String file) {
    Matcher m = FILE.matcher(file);
    Optional<byte[]> body = m.matches() ? file(file) : Optional.empty();
    secure(ctx);
    if (body.isEmpty()) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such console page\n");
      return;
    }
    ctx.contentType(TYPES.get(m.group(1))).result(body.get());
  }

  private static void secure(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    // Small files on loopback: always fresh, so a rebuilt console shows at the next reload.
    ctx.header("Cache-Control", "no-store");
  }

  /**
   * Found files are kept (they never change in a running jar); misses are not, so no name fills
   * memory.
   */
  private Optional<byte[]> file(String file) {
    byte[] known = cache.get(file);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<byte[]> loaded = load(file);
    loaded.ifPresent(b -> cache.put(file, b));
    return loaded;
  }

  private static Optional<byte[]> load(String file) {
    try (InputStream in =
        ConsoleRoutes.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read console file " + file, e);
    }
  }
}
