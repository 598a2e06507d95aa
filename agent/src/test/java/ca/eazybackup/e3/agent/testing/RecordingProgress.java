package ca.eazybackup.e3.agent.testing;

import ca.eazybackup.e3.agent.progress.EventLevel;
import ca.eazybackup.e3.agent.progress.EventOnlyProgress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event pushed, so a test can assert codes, params and that no secret is in them. */
public final class RecordingProgress extends EventOnlyProgress {
  public record Event(String code, EventLevel level, String message, Map<String, Object> params) {}

  public final List<Event> events = new CopyOnWriteArrayList<>();

  public List<String> codes() {
    return events.stream().map(Event::code).toList();
  }

  @Override
  public void event(String code, EventLevel level, String message, Map<String, Object> params) {
    events.add(new Event(code, level, message, Map.copyOf(params)));
  }
}
