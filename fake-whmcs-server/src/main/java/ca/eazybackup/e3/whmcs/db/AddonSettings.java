package ca.eazybackup.e3.whmcs.db;

import java.util.LinkedHashMap;
import java.util.Map;

/** The addon's settings in WHMCS's {@code tbladdonmodules} (module {@code cloudstorage}). */
public final class AddonSettings {
  public static final String S3_ENDPOINT = "cloudbackup_agent_s3_endpoint";
  public static final String S3_REGION = "cloudbackup_agent_s3_region";
  private static final String MODULE = "cloudstorage";

  private final Db db;

  public AddonSettings(Db db) {
    this.db = db;
  }

  public String get(String key, String fallback) {
    return db.one(
            "SELECT setting_value FROM tbladdonmodules WHERE module = ? AND setting = ?",
            MODULE,
            key)
        .map(r -> r.str("setting_value"))
        .filter(v -> !v.isBlank())
        .orElse(fallback);
  }

  public void put(String key, String value) {
    db.tx(
        sql -> {
          int n =
              sql.update(
                  "UPDATE tbladdonmodules SET setting_value = ? WHERE module = ? AND setting = ?",
                  value,
                  MODULE,
                  key);
          if (n == 0) {
            sql.update(
                "INSERT INTO tbladdonmodules (module, setting, setting_value) VALUES (?, ?, ?)",
                MODULE,
                key,
                value);
          }
          return null;
        });
  }

  public String s3Endpoint() {
    return get(S3_ENDPOINT, "");
  }

  public String s3Region() {
    return get(S3_REGION, "us-east-1");
  }

  public Map<String, String> agentS3() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(S3_ENDPOINT, s3Endpoint());
    m.put(S3_REGION, s3Region());
    return m;
  }
}
