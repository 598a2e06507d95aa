package ca.eazybackup.e3.agent.runner;

import ca.eazybackup.e3.agent.backup.KopiaEngine;
import ca.eazybackup.e3.agent.engine.Engine;
import ca.eazybackup.e3.agent.sync.SyncEngine;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The engines this build ships, by the name the addon sends in {@code engine}. */
public final class EngineRegistry {
  private final Map<String, Engine> engines = new LinkedHashMap<>();

  public EngineRegistry(Engine... engines) {
    for (Engine e : engines) {
      this.engines.put(e.name().toLowerCase(Locale.ROOT), e);
    }
  }

  /** {@code sync} and {@code kopia}. */
  public static EngineRegistry defaults() {
    return new EngineRegistry(new SyncEngine(), new KopiaEngine());
  }

  public Optional<Engine> find(String name) {
    return Optional.ofNullable(name == null ? null : engines.get(name.toLowerCase(Locale.ROOT)));
  }

  public String names() {
    return String.join(", ", engines.keySet());
  }
}
