package ca.eazybackup.e3.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %redact(...)} in a Logback pattern: masks secrets (see {@link Redactor}) in whatever the
 * inner pattern produced, message and stack trace alike, and folds line breaks so one log event
 * stays one line. Put {@code %n} inside: {@code %redact(%msg %ex%n)} (Logback reads {@code )%n} as
 * text).
 */
public final class RedactingConverter extends CompositeConverter<ILoggingEvent> {

  @Override
  protected String transform(ILoggingEvent event, String in) {
    String redacted = Redactor.global().redact(in);
    if (redacted == null) {
      return "";
    }
    boolean endsLine = redacted.endsWith("\n");
    String line =
        redacted
            .stripTrailing()
            .replace("\r\n", " | ")
            .replace("\n", " | ")
            .replace('\r', ' ')
            .replace('\t', ' ');
    return endsLine ? line + System.lineSeparator() : line;
  }
}
