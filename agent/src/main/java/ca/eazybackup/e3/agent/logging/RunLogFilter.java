package ca.eazybackup.e3.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/** Lets through only events logged while a run is in progress (MDC {@code run_id} set). */
public final class RunLogFilter extends Filter<ILoggingEvent> {

  @Override
  public FilterReply decide(ILoggingEvent event) {
    String runId = event.getMDCPropertyMap().get("run_id");
    return runId == null || runId.isEmpty() ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
