package ca.eazybackup.e3.agent.progress;

/** Severity of a run event, as {@code agent_push_events} carries it. */
public enum EventLevel {
  INFO,
  WARN,
  ERROR
}
